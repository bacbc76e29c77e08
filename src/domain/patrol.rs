//! Patrols (巡查, issue 16 point 3): a person walks a facility's key sites in order and records
//! each visit as 正常 or 异常 (an 异常 opens a hazard pre-filled with the site). Seed 003
//! 四（十七）: hospitals patrol key sites for fire at night at least twice, and managers at
//! least once a day. Each visit is stamped with the writer's wall clock and the patroller.

use super::{Payload, Stamp, StoredEvent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// One visit of one place during a patrol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub place_id: Uuid,
    /// 正常 (true) or 异常 (false).
    pub ok: bool,
    pub note: String,
    /// The hazard an 异常 opened.
    pub finding_id: Option<Uuid>,
    pub at: Stamp,
    /// Who signed the visit (the patroller at that device).
    pub author: String,
}

impl Visit {
    /// "正常" or "异常".
    pub fn label(&self) -> &'static str {
        if self.ok { "正常" } else { "异常" }
    }
}

/// One visit as the rules of frequency count it: which patrol (of which facility, day or night)
/// was at which place when. What the store keeps per visit for the plan panel (issue 14), so
/// home reads the visits of the last days instead of folding every patrol ever made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatrolVisit {
    pub patrol_id: Uuid,
    pub facility_id: Uuid,
    /// Of a night patrol (夜间防火巡查).
    pub night: bool,
    pub place_id: Uuid,
    pub at: Stamp,
}

/// One patrol: who, which facility, day or night, and the visits in the order made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patrol {
    pub id: Uuid,
    pub facility_id: Uuid,
    /// A night patrol (夜间防火巡查) rather than a day one.
    pub night: bool,
    pub patroller: String,
    pub started_at: Stamp,
    pub visits: Vec<Visit>,
    pub finished_at: Option<Stamp>,
}

impl Patrol {
    /// "夜间巡查" or "日间巡查".
    pub fn kind_label(&self) -> &'static str {
        if self.night {
            "夜间巡查"
        } else {
            "日间巡查"
        }
    }

    /// The latest visit of a place in this patrol, if visited.
    pub fn visit_of(&self, place: Uuid) -> Option<&Visit> {
        self.visits.iter().rev().find(|v| v.place_id == place)
    }

    /// Each visit as the rules of frequency count it, in the order made.
    pub fn counted_visits(&self) -> impl Iterator<Item = PatrolVisit> + '_ {
        self.visits.iter().map(|v| PatrolVisit {
            patrol_id: self.id,
            facility_id: self.facility_id,
            night: self.night,
            place_id: v.place_id,
            at: v.at,
        })
    }

    /// How many places were found 异常.
    pub fn abnormal(&self) -> usize {
        self.visits.iter().filter(|v| !v.ok).count()
    }

    /// Folds the patrol events of any number of patrols, oldest start first. Visits of a
    /// patrol whose start is not held change nothing until it arrives.
    pub fn fold_all(events: &[StoredEvent]) -> Vec<Patrol> {
        let mut evs: Vec<&StoredEvent> = events.iter().collect();
        evs.sort_by_key(|e| e.order_key());
        let mut out: BTreeMap<Uuid, Patrol> = BTreeMap::new();
        for e in &evs {
            if let Payload::PatrolStarted {
                patrol_id,
                facility_id,
                night,
                patroller,
            } = &e.payload
            {
                out.entry(*patrol_id).or_insert_with(|| Patrol {
                    id: *patrol_id,
                    facility_id: *facility_id,
                    night: *night,
                    patroller: patroller.clone(),
                    started_at: e.at(),
                    visits: vec![],
                    finished_at: None,
                });
            }
        }
        for e in &evs {
            match &e.payload {
                Payload::PatrolVisited {
                    patrol_id,
                    place_id,
                    ok,
                    note,
                    finding_id,
                } => {
                    if let Some(p) = out.get_mut(patrol_id) {
                        p.visits.push(Visit {
                            place_id: *place_id,
                            ok: *ok,
                            note: note.clone(),
                            finding_id: *finding_id,
                            at: e.at(),
                            author: e.author.clone(),
                        });
                    }
                }
                Payload::PatrolFinished { patrol_id } => {
                    if let Some(p) = out.get_mut(patrol_id) {
                        p.finished_at.get_or_insert(e.at());
                    }
                }
                _ => {}
            }
        }
        let mut v: Vec<Patrol> = out.into_values().collect();
        v.sort_by_key(|p| (p.started_at, p.id));
        v
    }
}
