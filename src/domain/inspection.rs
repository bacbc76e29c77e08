//! The inspection (检查) view: one visit and its answers.

use super::{Answer, EventRef, Mode, Number, Payload, Stamp, StoredEvent, event::Entity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
}

impl Inspection {
    pub fn is_finished(&self) -> bool {
        self.finished_at.is_some()
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
            }),
            _ => None,
        });
        let mut insp = start?;
        for e in evs {
            match &e.payload {
                Payload::ItemAnswered {
                    item_id,
                    answer,
                    note,
                    ..
                } => {
                    insp.answers.insert(
                        item_id.clone(),
                        AnswerRecord {
                            answer: *answer,
                            at: e.at(),
                            author: e.author.clone(),
                            note: note.clone(),
                            event: e.r,
                        },
                    );
                }
                Payload::InspectionFinished { .. } => {
                    // The first finish counts; later ones (another device) change nothing.
                    insp.finished_at.get_or_insert(e.at());
                }
                _ => {}
            }
        }
        Some(insp)
    }
}
