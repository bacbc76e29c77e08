//! The finding (隐患) view and the lifecycle state machine that folds its events.
//!
//! The view is a pure function of the *set* of events: they are sorted by (hlc, device, seq)
//! before folding, and field edits are resolved by `supersedes`, so any two devices holding the
//! same events compute the same finding.

use super::crossing::{Causality, StepKind, crossing_pairs};
use super::{
    Escalation, EventRef, Field, Hlc, Issued, Now, Number, Payload, Receipt, Severity, Signer,
    Stage, Stamp, Status, Wall, event::Entity,
};
use chrono::{FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// One event as the folds see it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub r: EventRef,
    pub hlc: Hlc,
    pub author: String,
    pub payload: Payload,
    /// The writer's wall clock and offset; None for events written before they were recorded.
    pub wall: Option<Wall>,
}

impl StoredEvent {
    pub fn order_key(&self) -> (Hlc, Uuid, u64) {
        (self.hlc, self.r.device, self.r.seq)
    }
    /// When it happened, as people read it: the writer's wall clock and offset when recorded,
    /// else (old events) the HLC instant with no offset.
    pub fn at(&self) -> Stamp {
        match self.wall {
            Some(w) => Stamp::from_wall(w),
            None => self.hlc.to_utc().into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: Stamp,
    pub author: String,
    pub event: EventRef,
    /// What happened, in Chinese, e.g. "登记隐患", "复查不通过".
    pub action: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationStep {
    pub level: Escalation,
    /// When the book was issued (its 签发日期 is the writer's date of this stamp).
    pub at: Stamp,
    pub author: String,
    pub note: String,
    /// The document the step issued; None for steps recorded before numbering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<Box<Issued>>,
    /// The deadline the book sets; None on books issued before books carried one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// The event that issued it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<EventRef>,
    /// Each receipt (签收) of the document by the facility, in event order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receipts: Vec<Receipt>,
}

/// One step of a pair of crossing steps, as the detail and `finding show` print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInfo {
    pub event: EventRef,
    /// What the step was, in Chinese ("复查通过", "撤销", ...).
    pub action: String,
    pub author: String,
    pub at: Stamp,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Two lifecycle steps taken without seeing each other, that the table in docs/lifecycle.md
/// says conflict. Until someone settles it, `held` does not take effect (the finding stays in
/// the more cautious state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepConflict {
    pub steps: [StepInfo; 2],
    pub held: EventRef,
}

/// A rectification that took effect, with the deadline in force at that moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectifyMark {
    pub at: Stamp,
    pub due: Option<NaiveDate>,
}

/// Two or more edits of one field that did not see each other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub field: Field,
    /// Every competing value with the event that set it; the first is the winner.
    pub values: Vec<(EventRef, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub id: Uuid,
    /// 隐患编号; None for findings recorded before numbering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<Number>,
    pub inspection_id: Option<Uuid>,
    pub facility: String,
    pub department: String,
    pub location: String,
    pub line: String,
    pub item_id: Option<String>,
    pub description: String,
    pub severity: Severity,
    pub status: Status,
    pub due: Option<NaiveDate>,
    pub measures: String,
    pub responsible: String,
    pub fixed_on_spot: bool,
    /// 隐患类别.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    /// 临时防范措施.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub interim: String,
    /// 整改资金.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub funds: String,
    /// The highest 四书 step reached, if any.
    pub escalation: Option<Escalation>,
    pub created_at: Stamp,
    pub updated_at: Stamp,
    pub recorded_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rectified_at: Option<Stamp>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rectify_note: String,
    /// 实际完成日期 as the rectifier gave it (else the day the step was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<NaiveDate>,
    /// 整改报告人 of the rectification in effect, by name and role, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rectified_by: Option<Signer>,
    /// 复查人 by name and role of the last 复查, when one was given (`verified_by` is the
    /// account that recorded it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifier: Option<Signer>,
    /// 复查人 and the moment of the last 复查 (passed or failed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub verified_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<Stamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Stamp>,
    /// The reason of the last failed verification, or the note of the passing one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub verify_note: String,
    #[serde(default)]
    pub escalations: Vec<EscalationStep>,
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
    /// Unsettled crossing lifecycle steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub step_conflicts: Vec<StepConflict>,
    /// Every rectification that took effect (逾期整改 is judged from these, forever).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rectifications: Vec<RectifyMark>,
    #[serde(default)]
    pub retracted: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub retract_reason: String,
    /// Photos attached as evidence (整改前 / 整改后), in the order they were attached; one
    /// photo (by hash and stage) counts once however often it was attached.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<super::PhotoRef>,
    /// Who did what, when. Derived from the events on demand; not kept in the stored view.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
    /// The current value of each field, named by the event(s) that set it (for `supersedes`).
    /// Not kept in the stored view either (see `Finding::slim`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub versions: BTreeMap<Field, Vec<EventRef>>,
    /// The latest events of the finding that no other event had seen: what a new step names
    /// as `after`. Not kept in the stored view.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heads: Vec<EventRef>,
}

/// An illegal lifecycle step, saying what is allowed instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("隐患当前状态为「{current}」，不能{action}；{allowed}")]
    WrongStatus {
        action: &'static str,
        current: &'static str,
        allowed: &'static str,
    },
    #[error(
        "{previous}规定的整改期限（{due}）尚未届满，不能发出下一级督办文书；期限届满仍未整改方可升级"
    )]
    NotOverdue { previous: &'static str, due: String },
    #[error("立查立改的隐患已当场销号，不发督办文书")]
    FixedOnSpot,
    #[error("隐患已发出最后一级督办文书（责任追究建议书），不能再升级")]
    FullyEscalated,
    #[error("该隐患尚未发出{level}，无从签收")]
    NotIssued { level: &'static str },
    #[error("隐患已撤销，不能{action}")]
    Retracted { action: &'static str },
    #[error("复查不通过时必须填写原因（--note）")]
    FailWithoutReason,
}

impl Finding {
    /// How a person names this hazard in a message: its 隐患编号 ("YH-2026-A3K-0007"), or
    /// for a finding recorded before numbering, "隐患 " and the last 8 hex digits of its id.
    pub fn spoken_name(&self) -> String {
        match &self.number {
            Some(n) => n.code(),
            None => {
                let hex = self.id.simple().to_string();
                format!("隐患 {}", &hex[24..])
            }
        }
    }

    /// The finding without its history and field versions: what the stored view keeps, so
    /// lists and scans stay small and fast. The full finding is a fold of its few events.
    pub fn slim(&self) -> Finding {
        Finding {
            history: Vec::new(),
            versions: BTreeMap::new(),
            heads: Vec::new(),
            ..self.clone()
        }
    }

    /// 逾期未整改 now (see `Stage`). Derived, never stored.
    pub fn is_overdue(&self, now: &Now) -> bool {
        self.overdue_on(now.today())
    }

    /// Where the finding stands in the closed loop: all the lifecycle rules need.
    pub fn stage(&self) -> Stage {
        Stage {
            status: self.status,
            retracted: self.retracted,
            due: self.due_in_force(),
            escalation: self.escalation,
            fixed_on_spot: self.fixed_on_spot,
            rectified_on: match self.status {
                Status::Rectified => self
                    .rectified_at
                    .map(|t| t.date_or(&FixedOffset::east_opt(0).expect("zero"))),
                _ => None,
            },
        }
    }

    /// The deadline now in force: the last 四书 step's own deadline, else 整改时限.
    pub fn due_in_force(&self) -> Option<NaiveDate> {
        self.escalations
            .iter()
            .rev()
            .find_map(|e| e.due)
            .or(self.due)
    }

    pub fn overdue_on(&self, today: NaiveDate) -> bool {
        self.stage().overdue_on(today)
    }

    /// 逾期整改: the most days any rectification came after the deadline then in force
    /// (local dates); None when every rectification was on time. Kept forever.
    pub fn late_days(&self, now: &Now) -> Option<i64> {
        self.rectifications
            .iter()
            .filter_map(|m| Some((now.local_date(m.at) - m.due?).num_days()))
            .filter(|d| *d > 0)
            .max()
    }

    /// 待复查超过N天: rectified and waiting for 复查 more than `days` days.
    pub fn review_waiting_over(&self, now: &Now, days: i64) -> bool {
        !self.retracted
            && self.status == Status::Rectified
            && self
                .rectified_at
                .is_some_and(|r| (now.today() - now.local_date(r)).num_days() > days)
    }

    /// Whether anything waits for someone to settle (a field or crossing steps).
    pub fn is_conflicted(&self) -> bool {
        !self.conflicts.is_empty() || !self.step_conflicts.is_empty()
    }

    /// The status as people read it: 已撤销 wins over the loop status.
    pub fn status_label(&self) -> &'static str {
        if self.retracted {
            "已撤销"
        } else {
            self.status.label()
        }
    }

    pub fn can_rectify(&self) -> Result<(), LifecycleError> {
        self.stage().can_rectify()
    }

    pub fn can_verify(&self, passed: bool, note: &str) -> Result<(), LifecycleError> {
        self.stage().can_verify(passed, note)
    }

    /// The next 四书 step, if escalating is allowed on `today`.
    pub fn next_escalation(&self, today: NaiveDate) -> Result<Escalation, LifecycleError> {
        self.stage().next_escalation(today)
    }

    pub fn field_value(&self, field: Field) -> String {
        match field {
            Field::Description => self.description.clone(),
            Field::Location => self.location.clone(),
            Field::Department => self.department.clone(),
            Field::Severity => self.severity.id().to_string(),
            Field::Measures => self.measures.clone(),
            Field::Due => self.due.map(|d| d.to_string()).unwrap_or_default(),
            Field::Responsible => self.responsible.clone(),
            Field::Category => self.category.clone(),
            Field::Interim => self.interim.clone(),
            Field::Funds => self.funds.clone(),
        }
    }

    /// Sets a field from its stored text. Values were validated before they were written;
    /// a value that does not parse (from a foreign device) leaves the field as it was.
    fn apply_field(&mut self, field: Field, value: &str) {
        match field {
            Field::Description => self.description = value.to_string(),
            Field::Location => self.location = value.to_string(),
            Field::Department => self.department = value.to_string(),
            Field::Severity => {
                if let Ok(s) = value.parse() {
                    self.severity = s
                }
            }
            Field::Measures => self.measures = value.to_string(),
            Field::Due => {
                if value.is_empty() {
                    self.due = None
                } else if let Ok(d) = value.parse() {
                    self.due = Some(d)
                }
            }
            Field::Responsible => self.responsible = value.to_string(),
            Field::Category => self.category = value.to_string(),
            Field::Interim => self.interim = value.to_string(),
            Field::Funds => self.funds = value.to_string(),
        }
    }
}

/// Folds the events of one finding into its view.
pub struct FindingFold;

impl FindingFold {
    /// Returns None when the set holds no `FindingRecorded` (edits that arrived before it).
    pub fn fold(events: &[StoredEvent]) -> Option<Finding> {
        let mut evs: Vec<&StoredEvent> = events
            .iter()
            .filter(|e| matches!(e.payload.entity(), Entity::Finding(_)))
            .collect();
        evs.sort_by_key(|e| e.order_key());
        let first = evs
            .iter()
            .position(|e| matches!(e.payload, Payload::FindingRecorded { .. }))?;
        // The record first (a skewed clock may stamp an edit before it), then the rest.
        let rec = evs.remove(first);
        evs.insert(0, rec);
        let mut f = recorded(evs[0])?;
        let cause = Causality::new(&evs);
        let pairs = crossing_pairs(&evs, &cause);
        let dropped = dropped_steps(&evs, &cause);
        let held: BTreeSet<EventRef> = pairs
            .iter()
            .filter(|p| p.settled_by.is_none())
            .map(|p| p.held)
            .collect();
        let live: Vec<&StoredEvent> = evs
            .iter()
            .copied()
            .filter(|e| !dropped.contains(&e.r) && !held.contains(&e.r))
            .collect();
        let field_edits = resolve_fields(&live, evs[0].r);
        for (field, (winner, others)) in &field_edits {
            f.apply_field(*field, &winner.1);
            let mut refs = vec![winner.0];
            refs.extend(others.iter().map(|o| o.0));
            f.versions.insert(*field, refs);
            if !others.is_empty() {
                let mut values = vec![winner.clone()];
                values.extend(others.iter().cloned());
                f.conflicts.push(Conflict {
                    field: *field,
                    values,
                });
            }
        }
        let mut applied: Vec<(EventRef, StepKind)> = Vec::new();
        for e in evs.iter().skip(1) {
            if dropped.contains(&e.r) {
                let (action, note) = describe(e);
                f.history
                    .push(entry(e, &format!("{action}（经裁定不采用）"), &note));
            } else if held.contains(&e.r) {
                let (action, note) = describe(e);
                f.history.push(entry(
                    e,
                    &format!("{action}（与其他设备的操作冲突，待裁定）"),
                    &note,
                ));
            } else {
                let merged = StepKind::of(&e.payload).is_some_and(|k| {
                    applied
                        .iter()
                        .any(|(r, ak)| *ak == k && cause.concurrent(*r, e.r))
                });
                apply_lifecycle(&mut f, e, merged);
                if let Some(k) = StepKind::of(&e.payload) {
                    applied.push((e.r, k));
                }
            }
        }
        let info = |r: EventRef| {
            let e = evs.iter().find(|e| e.r == r).expect("pair of held events");
            let (action, note) = describe(e);
            StepInfo {
                event: r,
                action,
                author: e.author.clone(),
                at: e.at(),
                note,
            }
        };
        f.step_conflicts = pairs
            .iter()
            .filter(|p| p.settled_by.is_none())
            .map(|p| StepConflict {
                steps: [info(p.a), info(p.b)],
                held: p.held,
            })
            .collect();
        f.heads = cause.heads(&evs);
        Some(f)
    }
}

/// Steps a settlement said do not take effect (only steps the settler had seen).
fn dropped_steps(evs: &[&StoredEvent], cause: &Causality) -> BTreeSet<EventRef> {
    let mut out = BTreeSet::new();
    for e in evs {
        if let Payload::Settled { dropped, .. } = &e.payload {
            out.extend(dropped.iter().filter(|d| cause.saw(e.r, **d)).copied());
        }
    }
    out
}

/// The Chinese name of a step and the note its author wrote.
fn describe(e: &StoredEvent) -> (String, String) {
    match &e.payload {
        Payload::Rectified {
            note, reported_by, ..
        } => ("登记整改".into(), signed(note, "整改报告人", reported_by)),
        Payload::Verified {
            passed: true,
            note,
            verifier,
            ..
        } => ("复查通过".into(), signed(note, "复查人", verifier)),
        Payload::Verified { note, verifier, .. } => {
            ("复查不通过".into(), signed(note, "复查人", verifier))
        }
        Payload::NoticeReceived {
            level, by, promise, ..
        } => (
            format!("签收{}", level.label()),
            if promise.is_empty() {
                format!("签收人：{}", by.spoken())
            } else {
                format!("签收人：{}；承诺：{promise}", by.spoken())
            },
        ),
        Payload::Escalated {
            level, note, due, ..
        } => (
            match due {
                Some(d) => format!("督办：{}（整改期限 {d}）", level.label()),
                None => format!("督办：{}", level.label()),
            },
            note.clone(),
        ),
        Payload::Retracted { reason, .. } => ("撤销隐患".into(), reason.clone()),
        // An edit that saw two or more crossing values settles their conflict (issue 10, D18).
        Payload::FieldSet {
            field,
            value,
            supersedes,
            ..
        } if supersedes.len() > 1 => (format!("裁定冲突：{}", field.label()), value.clone()),
        Payload::FieldSet { field, value, .. } => (format!("修改{}", field.label()), value.clone()),
        Payload::Commented { text, .. } => ("备注".into(), text.clone()),
        Payload::Settled { note, .. } => ("裁定冲突".into(), note.clone()),
        Payload::PhotoAttached { photo, .. } => (
            format!("添加照片（{}）", photo.stage.label()),
            photo.name.clone(),
        ),
        Payload::PhotoRemoved { stage, reason, .. } => {
            (format!("移除照片（{}）", stage.label()), reason.clone())
        }
        _ => (String::new(), String::new()),
    }
}

/// A step's note with the person who signed it: 「已更换（整改报告人：张三（后勤科科长））」.
fn signed(note: &str, what: &str, by: &Option<Signer>) -> String {
    match (by, note.is_empty()) {
        (None, _) => note.to_string(),
        (Some(s), true) => format!("{what}：{}", s.spoken()),
        (Some(s), false) => format!("{note}（{what}：{}）", s.spoken()),
    }
}

fn recorded(e: &StoredEvent) -> Option<Finding> {
    let Payload::FindingRecorded {
        finding_id,
        inspection_id,
        facility,
        department,
        location,
        line,
        item_id,
        description,
        severity,
        measures,
        due,
        responsible,
        fixed_on_spot,
        number,
        category,
        interim,
        funds,
    } = &e.payload
    else {
        return None;
    };
    let at = e.at();
    let mut f = Finding {
        id: *finding_id,
        number: number.clone(),
        inspection_id: *inspection_id,
        facility: facility.clone(),
        department: department.clone(),
        location: location.clone(),
        line: line.clone(),
        item_id: item_id.clone(),
        description: description.clone(),
        severity: *severity,
        status: Status::Open,
        due: *due,
        measures: measures.clone(),
        responsible: responsible.clone(),
        fixed_on_spot: *fixed_on_spot,
        category: category.clone(),
        interim: interim.clone(),
        funds: funds.clone(),
        escalation: None,
        created_at: at,
        updated_at: at,
        recorded_by: e.author.clone(),
        rectified_at: None,
        rectify_note: String::new(),
        completed_on: None,
        rectified_by: None,
        verifier: None,
        verified_by: String::new(),
        verified_at: None,
        closed_at: None,
        verify_note: String::new(),
        escalations: vec![],
        conflicts: vec![],
        step_conflicts: vec![],
        rectifications: vec![],
        retracted: false,
        retract_reason: String::new(),
        photos: vec![],
        heads: vec![],
        history: vec![],
        versions: Field::ALL.iter().map(|f| (*f, vec![e.r])).collect(),
    };
    f.history.push(entry(e, "登记隐患", ""));
    if *fixed_on_spot {
        f.status = Status::Closed;
        f.closed_at = Some(at);
        f.history.push(entry(e, "立查立改，当场销号", ""));
    }
    Some(f)
}

type Value = (EventRef, String);

/// For each edited field: the winning value and any concurrent losers.
fn resolve_fields(
    evs: &[&StoredEvent],
    recorded: EventRef,
) -> BTreeMap<Field, (Value, Vec<Value>)> {
    let mut edits: BTreeMap<Field, Vec<&StoredEvent>> = BTreeMap::new();
    for e in evs {
        if let Payload::FieldSet { field, .. } = &e.payload {
            edits.entry(*field).or_default().push(e);
        }
    }
    let mut out = BTreeMap::new();
    for (field, list) in edits {
        // A head is an edit no other edit of this field supersedes. Every edit supersedes the
        // recorded value implicitly only if it says so; an edit that names nothing is a head.
        let superseded: std::collections::BTreeSet<EventRef> = list
            .iter()
            .flat_map(|e| match &e.payload {
                Payload::FieldSet { supersedes, .. } => supersedes.clone(),
                _ => vec![],
            })
            .collect();
        let mut heads: Vec<&&StoredEvent> =
            list.iter().filter(|e| !superseded.contains(&e.r)).collect();
        if heads.is_empty() {
            continue; // a supersede cycle cannot happen with honest devices; keep the record
        }
        heads.sort_by_key(|e| std::cmp::Reverse(e.order_key()));
        let val = |e: &StoredEvent| match &e.payload {
            Payload::FieldSet { value, .. } => (e.r, value.clone()),
            _ => (recorded, String::new()),
        };
        let winner = val(heads[0]);
        let others = heads[1..].iter().map(|e| val(e)).collect();
        out.insert(field, (winner, others));
    }
    out
}

fn entry(e: &StoredEvent, action: &str, note: &str) -> HistoryEntry {
    HistoryEntry {
        at: e.at(),
        author: e.author.clone(),
        event: e.r,
        action: action.to_string(),
        note: note.to_string(),
    }
}

/// Applies one non-record event in order. A step the state machine does not allow at that
/// point is kept in the history as without effect, so nothing anyone did is lost; `merged`
/// says an equal step from another device crossed it (both said the same: no conflict).
fn apply_lifecycle(f: &mut Finding, e: &StoredEvent, merged: bool) {
    let at = e.at();
    let (label, note) = describe(e);
    let outcome: Result<String, LifecycleError> = match &e.payload {
        Payload::FindingRecorded { .. } => return,
        Payload::FieldSet { .. } | Payload::Commented { .. } | Payload::Settled { .. } => {
            Ok(label.clone())
        }
        Payload::Rectified {
            note,
            completed_on,
            reported_by,
            ..
        } => f.can_rectify().map(|_| {
            f.status = Status::Rectified;
            f.rectified_at = Some(at);
            f.completed_on = *completed_on;
            f.rectified_by = reported_by.clone();
            f.rectify_note = note.clone();
            f.rectifications.push(RectifyMark {
                at,
                due: f.due_in_force(),
            });
            label.clone()
        }),
        Payload::Verified {
            passed,
            note,
            verifier,
            ..
        } => f.can_verify(*passed, note).map(|_| {
            f.verify_note = note.clone();
            f.verified_by = e.author.clone();
            f.verifier = verifier.clone();
            f.verified_at = Some(at);
            if *passed {
                f.status = Status::Closed;
                f.closed_at = Some(at);
                "复查通过，销号".to_string()
            } else {
                f.status = Status::Open;
                "复查不通过，退回整改".to_string()
            }
        }),
        Payload::Escalated {
            level,
            note,
            due,
            issued,
            ..
        } => {
            // The writer checked the dates; the fold checks the order of the books.
            let expected = match f.escalation {
                None => Some(super::Escalation::Notice),
                Some(x) => x.next(),
            };
            if f.retracted {
                Err(LifecycleError::Retracted { action: "督办" })
            } else if f.status == Status::Closed {
                Err(LifecycleError::WrongStatus {
                    action: "督办",
                    current: Status::Closed.label(),
                    allowed: "已销号的隐患只能重印已发出的文书",
                })
            } else if expected != Some(*level) {
                Err(LifecycleError::FullyEscalated)
            } else {
                f.escalation = Some(*level);
                f.escalations.push(EscalationStep {
                    level: *level,
                    at,
                    author: e.author.clone(),
                    note: note.clone(),
                    issued: issued.clone(),
                    due: *due,
                    event: Some(e.r),
                    receipts: vec![],
                });
                Ok(label.clone())
            }
        }
        Payload::PhotoAttached { photo, .. } => {
            if !f
                .photos
                .iter()
                .any(|p| p.hash == photo.hash && p.stage == photo.stage)
            {
                f.photos.push(photo.clone());
            }
            Ok(label.clone())
        }
        Payload::PhotoRemoved { hash, stage, .. } => {
            f.photos.retain(|p| !(p.hash == *hash && p.stage == *stage));
            Ok(label.clone())
        }
        Payload::NoticeReceived {
            level, by, promise, ..
        } => {
            match f.escalations.iter_mut().find(|s| s.level == *level) {
                Some(step) => {
                    step.receipts.push(Receipt {
                        by: by.clone(),
                        at,
                        author: e.author.clone(),
                        event: e.r,
                        promise: promise.clone(),
                    });
                    Ok(label.clone())
                }
                // The writer checked that the document was issued; a receipt that arrives
                // alone is kept in the history, without effect.
                None => Err(LifecycleError::NotIssued {
                    level: level.label(),
                }),
            }
        }
        Payload::Retracted { reason, .. } => {
            f.retracted = true;
            f.retract_reason = reason.clone();
            Ok(label.clone())
        }
        _ => return,
    };
    match outcome {
        Ok(action) => f.history.push(entry(e, &action, &note)),
        Err(_) if merged => f.history.push(entry(
            e,
            &format!("{label}（与其他设备同时进行，结论一致）"),
            &note,
        )),
        Err(err) => f
            .history
            .push(entry(e, &format!("{label}（未生效：{err}）"), &note)),
    }
    if at > f.updated_at {
        f.updated_at = at;
    }
}
