//! The inspection (检查) view: one visit and its answers.

use super::{Answer, EventRef, Mode, Number, Payload, Stamp, StoredEvent, event::Entity};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRecord {
    pub answer: Answer,
    pub at: Stamp,
    pub author: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    pub event: EventRef,
}

/// One answer event while folding: the event, its record, and what it replaces.
type Answered<'a> = (&'a StoredEvent, AnswerRecord, &'a [EventRef]);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    pub id: Uuid,
    /// 检查编号; None for inspections started before numbering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<Number>,
    pub facility: String,
    pub departments: Vec<String>,
    pub mode: Mode,
    pub inspectors: Vec<String>,
    pub lines: Vec<String>,
    pub answers: BTreeMap<String, AnswerRecord>,
    pub started_at: Stamp,
    pub finished_at: Option<Stamp>,
    pub started_by: String,
    /// The checklist version each line was inspected with (line id → content hash); empty for
    /// inspections recorded before versions were.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checklists: BTreeMap<String, String>,
    /// Items answered differently on two devices that had not seen each other's answer:
    /// every standing answer, the one shown in `answers` first. Answering the item again
    /// settles it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answer_conflicts: BTreeMap<String, Vec<AnswerRecord>>,
    /// Items whose crossing answers were settled by a later answer: the crossing answers and
    /// the answer that settled them, oldest first (every step a person took stays visible).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answer_settled: BTreeMap<String, Vec<AnswerRecord>>,
    /// For each answered item, the answers no later answer replaced (what a new answer
    /// names as `supersedes`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answer_heads: BTreeMap<String, Vec<EventRef>>,
    /// Who led it (the rules of frequency count by it); None when not said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader: Option<super::LeaderRole>,
}

impl Inspection {
    pub fn is_finished(&self) -> bool {
        self.finished_at.is_some()
    }

    /// Whether `name` is one of its inspectors (the people named at the start, and those
    /// who joined by answering).
    pub fn is_inspector(&self, name: &str) -> bool {
        let name = name.trim();
        self.inspectors.iter().any(|i| i == name)
    }

    /// Whether the inspection is `name`'s own: an inspector of it, or the person who started it.
    pub fn is_owner(&self, name: &str) -> bool {
        self.is_inspector(name) || self.started_by == name.trim()
    }

    /// The answers to `item` that a new answer replaces.
    pub fn answer_heads(&self, item: &str) -> Vec<EventRef> {
        self.answer_heads.get(item).cloned().unwrap_or_default()
    }

    /// Folds the events of one inspection; None until its start event is held.
    pub fn fold(events: &[StoredEvent]) -> Option<Inspection> {
        let mut evs: Vec<&StoredEvent> = events
            .iter()
            .filter(|e| matches!(e.payload.entity(), Entity::Inspection(_)))
            .collect();
        evs.sort_by_key(|e| e.order_key());
        let start = evs.iter().find_map(|e| match &e.payload {
            Payload::InspectionStarted {
                inspection_id,
                facility,
                departments,
                mode,
                inspectors,
                lines,
                number,
                checklists,
                leader,
            } => Some(Inspection {
                id: *inspection_id,
                number: number.clone(),
                facility: facility.clone(),
                departments: departments.clone(),
                mode: *mode,
                inspectors: inspectors.clone(),
                lines: lines.clone(),
                answers: BTreeMap::new(),
                started_at: e.at(),
                finished_at: None,
                started_by: e.author.clone(),
                checklists: checklists.clone(),
                answer_conflicts: BTreeMap::new(),
                answer_settled: BTreeMap::new(),
                answer_heads: BTreeMap::new(),
                leader: *leader,
            }),
            _ => None,
        });
        let mut insp = start?;
        let mut by_item: BTreeMap<String, Vec<Answered>> = BTreeMap::new();
        for e in evs {
            match &e.payload {
                Payload::ItemAnswered {
                    item_id,
                    answer,
                    note,
                    supersedes,
                    ..
                } => {
                    let rec = AnswerRecord {
                        answer: *answer,
                        at: e.at(),
                        author: e.author.clone(),
                        note: note.clone(),
                        event: e.r,
                    };
                    by_item
                        .entry(item_id.clone())
                        .or_default()
                        .push((e, rec, supersedes));
                }
                Payload::InspectorAdded { name, .. } if !insp.is_inspector(name) => {
                    insp.inspectors.push(name.clone());
                }
                Payload::InspectionFinished { .. } => {
                    // The first finish counts; later ones (another device) change nothing.
                    insp.finished_at.get_or_insert(e.at());
                }
                _ => {}
            }
        }
        for (item, list) in by_item {
            // An answer replaces what it names and its own device's earlier answers.
            let replaced: BTreeSet<EventRef> = list
                .iter()
                .flat_map(|(e, _, sup)| {
                    let own = list
                        .iter()
                        .filter(|(o, _, _)| o.r.device == e.r.device && o.r.seq < e.r.seq)
                        .map(|(o, _, _)| o.r);
                    sup.iter().copied().chain(own).collect::<Vec<_>>()
                })
                .collect();
            let settled = settled_crossings(&list);
            if !settled.is_empty() {
                insp.answer_settled.insert(item.clone(), settled);
            }
            // `list` is in fold order, so the last head is the newest.
            let heads: Vec<&AnswerRecord> = list
                .iter()
                .filter(|(e, _, _)| !replaced.contains(&e.r))
                .map(|(_, r, _)| r)
                .rev()
                .collect();
            let Some(shown) = heads.first() else { continue };
            insp.answers.insert(item.clone(), (*shown).clone());
            insp.answer_heads
                .insert(item.clone(), heads.iter().map(|r| r.event).collect());
            if heads.iter().any(|r| r.answer != shown.answer) {
                insp.answer_conflicts
                    .insert(item, heads.into_iter().cloned().collect());
            }
        }
        Some(insp)
    }
}

/// The answers of one item (in fold order) that crossed and were settled: an answer naming two
/// or more earlier answers that differ settled them. Returns those answers and each settling
/// one, oldest first, without repeats.
fn settled_crossings(list: &[Answered]) -> Vec<AnswerRecord> {
    let mut out: Vec<AnswerRecord> = Vec::new();
    for (_, rec, sup) in list {
        if sup.len() < 2 {
            continue;
        }
        let crossed: Vec<&AnswerRecord> = list
            .iter()
            .filter(|(e, _, _)| sup.contains(&e.r))
            .map(|(_, r, _)| r)
            .collect();
        if crossed.iter().all(|r| r.answer == crossed[0].answer) {
            continue;
        }
        for r in crossed.into_iter().chain([rec]) {
            if !out.iter().any(|o| o.event == r.event) {
                out.push(r.clone());
            }
        }
    }
    out
}
