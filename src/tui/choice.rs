//! The checklist's questions: leaving a form with typed text, what becomes of a passed item's
//! hazard, the line of a hazard outside the checklist; and the summary of a finished inspection.

use super::app::ChecklistState;
use crate::domain::{Answer, Severity};
use uuid::Uuid;

/// A question with a few answers, drawn as a list; `j`/`k` pick, Enter takes, Esc keeps things as
/// they were.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub kind: ChoiceKind,
    pub title: String,
    /// What the question is about (one line, may be empty).
    pub text: String,
    pub options: Vec<String>,
    pub selected: usize,
}

/// What a [`Choice`] decides.
#[derive(Debug, Clone, PartialEq)]
pub enum ChoiceKind {
    /// Leaving the finding form: the steps offered, in the order of the options.
    LeaveForm(Vec<LeaveStep>),
    /// A failed item answered again while it has open hazards (`open`, oldest first).
    Reanswer {
        inspection: Uuid,
        item: String,
        answer: Answer,
        open: Vec<Uuid>,
    },
    /// Home `A`: which of my unfinished inspections a hazard outside the checklist goes to (in
    /// the order of the options); the option after them starts a new inspection.
    AdHocInspection { inspections: Vec<Uuid> },
    /// Saving a hazard whose 部位 the facility's registry does not know: register it as a
    /// new place, keep it as text, or go back (`update::place_pick::REGISTER_OPTIONS`).
    RegisterPlace,
    /// Starting an inspection of a facility the registry does not hold: register it, keep the
    /// name as text, go back, or take one of the registered names `like` it
    /// (`update::register_facility::REGISTER_FACILITY_OPTIONS`, then one option per name).
    RegisterFacility { like: Vec<String> },
    /// Facility browser `m`: which registered facility the spelling `other` (a registered
    /// id, or a name typed on records) is merged into (ids, in the order of the options).
    MergeInto { other: String, targets: Vec<Uuid> },
    /// The merge said in words, to confirm: option 0 merges, option 1 cancels.
    MergeConfirm { keep: Uuid, other: String },
    /// The line of a hazard outside the checklist (line ids, in the order of the options).
    AdHocLine {
        inspection: Uuid,
        lines: Vec<String>,
    },
}

/// One way out of the finding form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveStep {
    /// Back to the form.
    Stay,
    /// Store 不合格 for the item, no hazard (said explicitly).
    FailWithoutHazard,
    /// Drop the draft, back to the checklist.
    Discard,
    /// Quit xuncha; the draft stays and comes back when the inspection is reopened.
    QuitKeep,
    /// Back to the checklist; the draft stays and comes back when this form is reopened.
    Keep,
    /// Drop the draft and quit.
    QuitDiscard,
}

impl LeaveStep {
    /// The option as the user reads it.
    pub fn label(self) -> &'static str {
        match self {
            LeaveStep::Stay => "继续填写",
            LeaveStep::FailWithoutHazard => "不合格，暂不登记隐患（以后按 a 补登）",
            LeaveStep::Discard => "放弃草稿（本项答案不变）",
            LeaveStep::QuitKeep => "退出，保留草稿（再打开该检查时恢复）",
            LeaveStep::Keep => "保留草稿，稍后再填（再打开该项的登记表时恢复）",
            LeaveStep::QuitDiscard => "放弃草稿并退出",
        }
    }
}

/// The options of a [`ChoiceKind::Reanswer`], in order.
pub const REANSWER_OPTIONS: [&str; 4] = [
    "保留隐患（仍按原状态跟踪）",
    "标记已整改（写明整改情况，待复查）",
    "撤销隐患（登记有误，写明原因）",
    "取消（不改答案）",
];

/// An inspection's figures: answers, hazards by severity, failed items without a hazard.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishSummary {
    pub inspection: Uuid,
    pub facility: String,
    /// Already finished (shown after `F`); false while `F` asks first.
    pub finished: bool,
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    pub na: usize,
    pub unanswered: usize,
    pub major: usize,
    pub general: usize,
    /// Hazards fixed on the spot (立查立改), counted in major/general too.
    pub fixed_on_spot: usize,
    /// Hazards outside the checklist, counted in major/general too.
    pub ad_hoc: usize,
    /// (item id, check text) of the items answered 不合格 with no hazard, in checklist order.
    pub failed_without_hazard: Vec<(String, String)>,
}

impl FinishSummary {
    /// The figures of the checklist on screen.
    pub fn of(st: &ChecklistState, finished: bool) -> FinishSummary {
        let n = st.data.items.len();
        let count = |a: Answer| (0..n).filter(|i| st.answer(*i) == Some(a)).count();
        let hz = &st.data.hazards;
        FinishSummary {
            inspection: st.data.inspection.id,
            facility: st.data.inspection.facility.clone(),
            finished,
            total: n,
            passed: count(Answer::Pass),
            failed: count(Answer::Fail),
            na: count(Answer::Na),
            unanswered: st.unanswered(),
            major: hz.iter().filter(|h| h.severity == Severity::Major).count(),
            general: hz
                .iter()
                .filter(|h| h.severity == Severity::General)
                .count(),
            fixed_on_spot: hz.iter().filter(|h| h.fixed_on_spot).count(),
            ad_hoc: hz.iter().filter(|h| h.item_id.is_none()).count(),
            failed_without_hazard: st
                .failed_without_hazard()
                .into_iter()
                .map(|i| {
                    let it = &st.data.items[i];
                    (it.id.clone(), it.check.clone())
                })
                .collect(),
        }
    }

    /// Nothing to check before finishing: every item answered, every failure has its hazard.
    pub fn complete(&self) -> bool {
        self.unanswered == 0 && self.failed_without_hazard.is_empty()
    }
}
