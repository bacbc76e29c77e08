//! What a user filters findings by: the query the register, `finding list` and exports share.
//! Pure: it lives with the domain so a face can say a filter without naming the store.

use super::{Finding, Severity, Status};
use chrono::NaiveDate;
use uuid::Uuid;

/// A status filter as a user picks it; `Overdue` and `ReviewLate` are derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Open,
    Rectified,
    Closed,
    /// 逾期未整改: open, past the deadline in force.
    Overdue,
    /// 待复查超过N天 (N is `FindingQuery::review_days`).
    ReviewLate,
    /// 已撤销 (only these; implies including retracted findings).
    Retracted,
}

impl std::str::FromStr for StatusFilter {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim() {
            "open" | "待整改" => Ok(Self::Open),
            "rectified" | "待复查" => Ok(Self::Rectified),
            "closed" | "已销号" => Ok(Self::Closed),
            "overdue" | "逾期" | "逾期未整改" => Ok(Self::Overdue),
            "review-late" | "待复查超期" => Ok(Self::ReviewLate),
            "retracted" | "已撤销" => Ok(Self::Retracted),
            _ => Err(format!(
                "「{s}」不是有效的状态，可选：open|rectified|closed|overdue|review-late|retracted"
            )),
        }
    }
}

/// Which findings a list, register or export covers; every field narrows it.
#[derive(Debug, Clone)]
pub struct FindingQuery {
    pub status: Option<StatusFilter>,
    pub line: Option<String>,
    pub facility: Option<String>,
    /// Every spelling `facility` stands for (its registered name and merged spellings, filled
    /// by the ops resolver); empty: `facility` exactly as typed.
    pub facility_spellings: Vec<String>,
    pub severity: Option<Severity>,
    pub inspection: Option<Uuid>,
    pub conflicted_only: bool,
    /// Include retracted findings (never by default).
    pub include_retracted: bool,
    /// N of 待复查超过N天 (config `review_days`, default 7).
    pub review_days: i64,
}

/// The office's default N of 待复查超过N天.
pub const DEFAULT_REVIEW_DAYS: i64 = 7;

impl Default for FindingQuery {
    fn default() -> Self {
        FindingQuery {
            status: None,
            line: None,
            facility: None,
            facility_spellings: Vec::new(),
            severity: None,
            inspection: None,
            conflicted_only: false,
            include_retracted: false,
            review_days: DEFAULT_REVIEW_DAYS,
        }
    }
}

impl FindingQuery {
    pub fn matches(&self, f: &Finding, today: NaiveDate) -> bool {
        let want_retracted = self.status == Some(StatusFilter::Retracted);
        if f.retracted && !self.include_retracted && !want_retracted {
            return false;
        }
        let status_ok = match self.status {
            None => true,
            Some(StatusFilter::Open) => f.status == Status::Open,
            Some(StatusFilter::Rectified) => f.status == Status::Rectified,
            Some(StatusFilter::Closed) => f.status == Status::Closed,
            Some(StatusFilter::Overdue) => f.overdue_on(today),
            Some(StatusFilter::ReviewLate) => {
                f.stage().review_waiting_over(today, self.review_days)
            }
            Some(StatusFilter::Retracted) => f.retracted,
        };
        status_ok
            && self.line.as_ref().is_none_or(|l| &f.line == l)
            && self
                .facility
                .as_ref()
                .is_none_or(|x| facility_fits(x, &self.facility_spellings, &f.facility))
            && self.severity.is_none_or(|s| f.severity == s)
            && self.inspection.is_none_or(|i| f.inspection_id == Some(i))
            && (!self.conflicted_only || f.is_conflicted())
    }
}

/// Whether a record typed with facility `name` is at the facility a filter names: `filter`
/// itself when `spellings` is empty, else any of `spellings` (the registered name and its
/// merged spellings), spaces and ASCII case aside (`name_key`).
pub fn facility_fits(filter: &str, spellings: &[String], name: &str) -> bool {
    if spellings.is_empty() {
        return filter == name;
    }
    let k = super::name_key(name);
    spellings.iter().any(|s| super::name_key(s) == k)
}
