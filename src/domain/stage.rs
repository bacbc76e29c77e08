//! The lifecycle rules: which step a finding may take next, and why not. Both the full finding
//! and the TUI's light register rows ask these same rules.

use super::{Escalation, LifecycleError, Status};
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage {
    pub status: Status,
    pub retracted: bool,
    pub due: Option<NaiveDate>,
    pub escalation: Option<Escalation>,
}

impl Stage {
    /// 逾期: open or rectified-not-verified after the due date.
    pub fn overdue_on(&self, today: NaiveDate) -> bool {
        !self.retracted && self.status != Status::Closed && self.due.is_some_and(|d| today > d)
    }

    fn live(&self, action: &'static str) -> Result<(), LifecycleError> {
        if self.retracted {
            return Err(LifecycleError::Retracted { action });
        }
        Ok(())
    }

    pub fn can_rectify(&self) -> Result<(), LifecycleError> {
        self.live("登记整改")?;
        match self.status {
            Status::Open => Ok(()),
            s => Err(LifecycleError::WrongStatus {
                action: "登记整改",
                current: s.label(),
                allowed: if s == Status::Rectified {
                    "下一步是复查"
                } else {
                    "已销号的隐患无需再整改"
                },
            }),
        }
    }

    pub fn can_verify(&self, passed: bool, note: &str) -> Result<(), LifecycleError> {
        self.live("复查")?;
        if !passed && note.trim().is_empty() {
            return Err(LifecycleError::FailWithoutReason);
        }
        match self.status {
            Status::Rectified => Ok(()),
            s => Err(LifecycleError::WrongStatus {
                action: "复查",
                current: s.label(),
                allowed: if s == Status::Open {
                    "须先登记整改再复查"
                } else {
                    "已销号的隐患无需复查"
                },
            }),
        }
    }

    /// The next 四书 step, if escalating is allowed on `today`.
    pub fn next_escalation(&self, today: NaiveDate) -> Result<Escalation, LifecycleError> {
        self.live("督办")?;
        if self.status == Status::Closed {
            return Err(LifecycleError::WrongStatus {
                action: "督办",
                current: Status::Closed.label(),
                allowed: "只有逾期未销号的隐患可以督办",
            });
        }
        if !self.overdue_on(today) {
            return Err(LifecycleError::NotOverdue {
                due: self
                    .due
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "未设定".into()),
            });
        }
        match self.escalation {
            None => Ok(Escalation::Notice),
            Some(e) => e.next().ok_or(LifecycleError::FullyEscalated),
        }
    }
}
