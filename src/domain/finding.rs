//! The finding (隐患) view and the lifecycle state machine that folds its events.
//!
//! The view is a pure function of the *set* of events: they are sorted by (hlc, device, seq)
//! before folding, and field edits are resolved by `supersedes`, so any two devices holding the
//! same events compute the same finding.

use super::{
    Escalation, EventRef, Field, Hlc, Issued, Now, Number, Payload, Severity, Stage, Stamp, Status,
    Wall, event::Entity,
};
use chrono::{FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    pub at: Stamp,
    pub author: String,
    pub note: String,
    /// The document the step issued; None for steps recorded before numbering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<Box<Issued>>,
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
    #[serde(default)]
    pub retracted: bool,
    /// Who did what, when. Derived from the events on demand; not kept in the stored view.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
    /// The current value of each field, named by the event(s) that set it (for `supersedes`).
    /// Not kept in the stored view either (see `Finding::slim`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub versions: BTreeMap<Field, Vec<EventRef>>,
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
    #[error("隐患未逾期（整改时限 {due}），不能督办；只有逾期未销号的隐患可以发督办文书")]
    NotOverdue { due: String },
    #[error("隐患已发出最后一级督办文书（责任追究建议书），不能再升级")]
    FullyEscalated,
    #[error("隐患已撤销，不能{action}")]
    Retracted { action: &'static str },
    #[error("复查不通过时必须填写原因（--note）")]
    FailWithoutReason,
}

impl Finding {
    /// The finding without its history and field versions: what the stored view keeps, so
    /// lists and scans stay small and fast. The full finding is a fold of its few events.
    pub fn slim(&self) -> Finding {
        Finding {
            history: Vec::new(),
            versions: BTreeMap::new(),
            ..self.clone()
        }
    }

    /// 逾期: open or rectified-not-verified after the due date. Derived, never stored.
    pub fn is_overdue(&self, now: &Now) -> bool {
        self.overdue_on(now.today())
    }

    /// Where the finding stands in the closed loop: all the lifecycle rules need.
    pub fn stage(&self) -> Stage {
        Stage {
            status: self.status,
            retracted: self.retracted,
            due: self.due,
            escalation: self.escalation,
        }
    }

    pub fn overdue_on(&self, today: NaiveDate) -> bool {
        self.stage().overdue_on(today)
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
        let mut f = recorded(evs[first])?;
        let field_edits = resolve_fields(&evs, evs[first].r);
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
        for e in evs.iter().skip(first + 1) {
            apply_lifecycle(&mut f, e);
        }
        // Events that came before the record (clock skew) still count for the record.
        for e in evs.iter().take(first) {
            apply_lifecycle(&mut f, e);
        }
        Some(f)
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
        verified_by: String::new(),
        verified_at: None,
        closed_at: None,
        verify_note: String::new(),
        escalations: vec![],
        conflicts: vec![],
        retracted: false,
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

/// Applies one non-record event in order. A step the state machine does not allow at that point
/// (two devices acting on the same finding unaware of each other) is kept in the history as
/// ignored, so nothing anyone did is lost.
fn apply_lifecycle(f: &mut Finding, e: &StoredEvent) {
    let at = e.at();
    // The writer's date (UTC for old events, as before): the rules saw that day.
    let today = at.date_or(&FixedOffset::east_opt(0).expect("zero"));
    let outcome: Result<(String, String), LifecycleError> = match &e.payload {
        Payload::FindingRecorded { .. } => return,
        Payload::FieldSet { field, value, .. } => {
            Ok((format!("修改{}", field.label()), value.clone()))
        }
        Payload::Rectified {
            note, completed_on, ..
        } => f.can_rectify().map(|_| {
            f.status = Status::Rectified;
            f.rectified_at = Some(at);
            f.completed_on = *completed_on;
            f.rectify_note = note.clone();
            ("登记整改".to_string(), note.clone())
        }),
        Payload::Verified { passed, note, .. } => f.can_verify(*passed, note).map(|_| {
            f.verify_note = note.clone();
            f.verified_by = e.author.clone();
            f.verified_at = Some(at);
            if *passed {
                f.status = Status::Closed;
                f.closed_at = Some(at);
                ("复查通过，销号".to_string(), note.clone())
            } else {
                f.status = Status::Open;
                ("复查不通过，退回整改".to_string(), note.clone())
            }
        }),
        Payload::Escalated {
            level,
            note,
            issued,
            ..
        } => match f.next_escalation(today) {
            Ok(next) if next == *level => {
                f.escalation = Some(*level);
                f.escalations.push(EscalationStep {
                    level: *level,
                    at,
                    author: e.author.clone(),
                    note: note.clone(),
                    issued: issued.clone(),
                });
                Ok((format!("督办：{}", level.label()), note.clone()))
            }
            Ok(_) => Err(LifecycleError::FullyEscalated),
            Err(err) => Err(err),
        },
        Payload::Commented { text, .. } => Ok(("备注".to_string(), text.clone())),
        Payload::Retracted { reason, .. } => {
            f.retracted = true;
            Ok(("撤销隐患".to_string(), reason.clone()))
        }
        _ => return,
    };
    match outcome {
        Ok((action, note)) => f.history.push(entry(e, &action, &note)),
        Err(err) => f.history.push(entry(
            e,
            "操作未生效（与其他设备的操作冲突）",
            &err.to_string(),
        )),
    }
    if at > f.updated_at {
        f.updated_at = at;
    }
}
