//! What a user filters findings by: the query the register, `finding list` and exports share.
//! Pure: it lives with the domain so a face can say a filter without naming the store.

use super::{Finding, Severity, Status};
use chrono::NaiveDate;
use uuid::Uuid;

/// A status filter as a user picks it; `Overdue` is derived (open or rectified, past due).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Open,
    Rectified,
    Closed,
    /// Open or rectified, past the due date.
    Overdue,
}

impl std::str::FromStr for StatusFilter {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim() {
            "open" | "待整改" => Ok(Self::Open),
            "rectified" | "待复查" => Ok(Self::Rectified),
            "closed" | "已销号" => Ok(Self::Closed),
            "overdue" | "逾期" => Ok(Self::Overdue),
            _ => Err(format!(
                "「{s}」不是有效的状态，可选：open|rectified|closed|overdue"
            )),
        }
    }
}

/// Which findings a list, register or export covers; every field narrows it.
#[derive(Debug, Clone, Default)]
pub struct FindingQuery {
    pub status: Option<StatusFilter>,
    pub line: Option<String>,
    pub facility: Option<String>,
    pub severity: Option<Severity>,
    pub inspection: Option<Uuid>,
    pub conflicted_only: bool,
    /// Include retracted findings (never by default).
    pub include_retracted: bool,
}

impl FindingQuery {
    pub fn matches(&self, f: &Finding, today: NaiveDate) -> bool {
        if f.retracted && !self.include_retracted {
            return false;
        }
        let status_ok = match self.status {
            None => true,
            Some(StatusFilter::Open) => f.status == Status::Open,
            Some(StatusFilter::Rectified) => f.status == Status::Rectified,
            Some(StatusFilter::Closed) => f.status == Status::Closed,
            Some(StatusFilter::Overdue) => f.overdue_on(today),
        };
        status_ok
            && self.line.as_ref().is_none_or(|l| &f.line == l)
            && self.facility.as_ref().is_none_or(|x| &f.facility == x)
            && self.severity.is_none_or(|s| f.severity == s)
            && self.inspection.is_none_or(|i| f.inspection_id == Some(i))
            && (!self.conflicted_only || !f.conflicts.is_empty())
    }
}
