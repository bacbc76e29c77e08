//! The lifecycle rules: which step a finding may take next, and why not. Both the full finding
//! and the TUI's light register rows ask these same rules.
//!
//! 逾期 as the office counts it (issue 10):
//! - 逾期未整改: not rectified (待整改) and past the deadline now in force (`overdue_on`);
//! - 逾期整改: rectified after the deadline in force at that moment, a fact kept forever
//!   (`Finding::late_days`);
//! - rectified on time and waiting for 复查 is not overdue for the facility; the office's own
//!   backlog is 待复查超过N天 (`review_waiting_over`).
//!
//! The 四书 as seed 003 (二十一) runs them: 整改通知书 for any registered hazard that was not
//! fixed on the spot; 警示约谈告知书 and then 责任追究建议书 only after the deadline of the
//! previous book passed without rectification. Each book sets its own deadline, which becomes
//! the deadline in force.

use super::{Escalation, LifecycleError, Status};
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage {
    pub status: Status,
    pub retracted: bool,
    /// The deadline in force: the last 四书 step's deadline, else the finding's 整改时限.
    pub due: Option<NaiveDate>,
    pub escalation: Option<Escalation>,
    /// 立查立改: closed at once, never escalated.
    pub fixed_on_spot: bool,
    /// Local date of the latest effective rectification, while it waits for 复查.
    pub rectified_on: Option<NaiveDate>,
}

impl Stage {
    /// 逾期未整改: still waiting for rectification and past the deadline in force.
    pub fn overdue_on(&self, today: NaiveDate) -> bool {
        !self.retracted && self.status == Status::Open && self.due.is_some_and(|d| today > d)
    }

    /// Days past the deadline in force on `today` (0 when not overdue).
    pub fn overdue_days(&self, today: NaiveDate) -> i64 {
        match self.due {
            Some(d) if self.overdue_on(today) => (today - d).num_days(),
            _ => 0,
        }
    }

    /// 待复查超过N天: rectified, waiting for 复查 more than `days` days on `today`.
    pub fn review_waiting_over(&self, today: NaiveDate, days: i64) -> bool {
        !self.retracted
            && self.status == Status::Rectified
            && self
                .rectified_on
                .is_some_and(|r| (today - r).num_days() > days)
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

    /// The next 四书 step, if it may be issued on `today` (seed 003 (二十一)).
    pub fn next_escalation(&self, today: NaiveDate) -> Result<Escalation, LifecycleError> {
        self.live("督办")?;
        if self.fixed_on_spot {
            return Err(LifecycleError::FixedOnSpot);
        }
        if self.status == Status::Closed {
            return Err(LifecycleError::WrongStatus {
                action: "督办",
                current: Status::Closed.label(),
                allowed: "已销号的隐患只能重印已发出的文书",
            });
        }
        let next = match self.escalation {
            None => return Ok(Escalation::Notice),
            Some(e) => e.next().ok_or(LifecycleError::FullyEscalated)?,
        };
        let prev = self.escalation.map(|e| e.label()).unwrap_or_default();
        if self.status == Status::Rectified {
            return Err(LifecycleError::WrongStatus {
                action: "发出下一级督办文书",
                current: Status::Rectified.label(),
                allowed: "已登记整改，须待复查；复查不通过后方可升级",
            });
        }
        if !self.overdue_on(today) {
            return Err(LifecycleError::NotOverdue {
                previous: prev,
                due: self
                    .due
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "未设定".into()),
            });
        }
        Ok(next)
    }
}
