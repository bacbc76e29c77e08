//! The use cases, one function each: validate, append events, return the result.
//! The CLI and the TUI both call these; neither writes to the store another way.

mod demo;
mod finding;
mod inspection;
mod notice;
mod recover;
mod stats;

pub use demo::{DemoSummary, demo, demo_store};
pub use finding::{
    NewFinding, comment, escalate, record_finding, rectify, rectify_completed, retract, set_field,
    settle_conflict, verify,
};
pub use inspection::{NewInspection, answer, finish_inspection, start_inspection};
pub use notice::{
    earlier_wenhao, issue_notice, next_number, notice_due, notice_hazard, number_demo, series_of,
};
pub use recover::{RecoverError, RecoveryReport, recover};
pub use stats::{Stats, StatsRow, Tally, stats};

use crate::catalog::Catalog;
use crate::domain::{Finding, Inspection, LifecycleError, Now, Org};
use crate::store::{FindingQuery, Store, StoreError};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// Everything an operation needs: the store, the checklists, who acts and when.
pub struct Ctx {
    pub store: Store,
    pub catalog: Catalog,
    pub now: Now,
    pub author: String,
    /// The organisation profile: issuer and 机关代字 of the 四书, names on the forms.
    pub org: Org,
}

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// Bad input: names the field and why; nothing was written.
    #[error("{field}：{message}")]
    Invalid { field: String, message: String },
    #[error("找不到{what}「{id}」")]
    NotFound { what: &'static str, id: String },
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl OpsError {
    pub fn invalid(field: &str, message: impl Into<String>) -> OpsError {
        OpsError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// Whether the user can fix it by changing the input (exit status 2 in the CLI).
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            OpsError::Store(StoreError::Db(_) | StoreError::Corrupt(_) | StoreError::Io(_))
        )
    }
}

pub type Result<T> = std::result::Result<T, OpsError>;

/// Trimmed, NFC-normalised text without control characters or bidi overrides
/// (`domain::sanitize`): what we store for anything a person typed.
pub fn clean(text: &str) -> String {
    crate::domain::sanitize::strip(text).trim().nfc().collect()
}

/// The longest name-like text accepted, in characters (Unicode scalar values): 单位, 科室,
/// 部位, 责任单位及人员, 检查人员. A hospital's full name with its campus is under 60.
pub const MAX_NAME_CHARS: usize = 200;

/// The longest free text accepted, in characters: 问题隐患, 整改措施, every note, reason and
/// comment. About two printed pages; far below the 32,767 characters of an XLSX cell, so an
/// export never fails on text that input accepted.
pub const MAX_TEXT_CHARS: usize = 4000;

/// `clean`, then refused (naming the field) when longer than `max` characters.
pub fn limited(field: &str, text: &str, max: usize) -> Result<String> {
    let t = clean(text);
    let n = t.chars().count();
    if n > max {
        return Err(OpsError::invalid(
            field,
            format!("太长（{n} 字），最多 {max} 字"),
        ));
    }
    Ok(t)
}

/// `limited` to `MAX_TEXT_CHARS`, and refused when empty.
pub fn required(field: &str, text: &str) -> Result<String> {
    required_max(field, text, MAX_TEXT_CHARS)
}

/// `limited` to `max` characters, and refused when empty.
pub fn required_max(field: &str, text: &str, max: usize) -> Result<String> {
    let t = limited(field, text, max)?;
    if t.is_empty() {
        return Err(OpsError::invalid(field, "不能为空"));
    }
    Ok(t)
}

impl Ctx {
    pub fn finding(&self, id_text: &str) -> Result<Finding> {
        let id = self
            .store
            .resolve_finding(id_text)?
            .ok_or_else(|| OpsError::NotFound {
                what: "隐患",
                id: id_text.to_string(),
            })?;
        self.finding_by_id(id)
    }

    /// The full finding (with history), folded from its events.
    pub fn finding_by_id(&self, id: Uuid) -> Result<Finding> {
        self.store
            .finding_full(id)?
            .ok_or_else(|| OpsError::NotFound {
                what: "隐患",
                id: id.to_string(),
            })
    }

    pub fn inspection(&self, id_text: &str) -> Result<Inspection> {
        let id = self
            .store
            .resolve_inspection(id_text)?
            .ok_or_else(|| OpsError::NotFound {
                what: "检查",
                id: id_text.to_string(),
            })?;
        self.store
            .inspection(id)?
            .ok_or_else(|| OpsError::NotFound {
                what: "检查",
                id: id_text.to_string(),
            })
    }

    pub fn list_findings(&self, q: &FindingQuery) -> Result<Vec<Finding>> {
        Ok(self.store.query(q, self.now.today())?)
    }

    /// Inspections, newest first.
    pub fn list_inspections(&self) -> Result<Vec<Inspection>> {
        let mut v = self.store.all_inspections()?;
        v.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
        Ok(v)
    }

    pub fn check_line(&self, field: &str, line: &str) -> Result<()> {
        if self.catalog.line(line).is_none() {
            let known: Vec<&str> = self.catalog.lines.iter().map(|l| l.line.as_str()).collect();
            return Err(OpsError::invalid(
                field,
                format!("未知防线「{line}」，可选：{}", known.join("|")),
            ));
        }
        Ok(())
    }
}
