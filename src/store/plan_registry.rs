//! The registered facilities as the rules of frequency see them (issue 14): one read-model
//! entry, `#g` → JSON list of [`PlanFacility`] (the active facilities in registry order; no
//! entry when there is none), so the home plan panel reads one value instead of folding the
//! whole registry (every facility, place and link event, one random log read each) on the
//! first home of a process.
//!
//! Kept with the log like the other read models (`models.rs`): recomputed from the whole
//! registry when a write holds a registry event other than a link (`PlaceLinked`, written
//! with hazards, changes nothing the rules see, so a hazard saved folds nothing more); once
//! per import that holds registry events (`views::plan_held`); by `doctor --rebuild`; compared
//! by `doctor`. It shares the patrol models' stamp (`plan_models_v2`).

use super::{Result, Store, StoreError};
use crate::domain::{Entity, Payload, PlanFacility, Registry};

const FACILITIES: &[u8] = b"#g";

/// Whether writing `p` can change what the rules see of the registry: any registry event
/// but a link of a record to a place.
pub(crate) fn moves_plan_facilities(p: &Payload) -> bool {
    matches!(p.entity(), Entity::Facility(_)) && !matches!(p, Payload::PlaceLinked(_))
}

/// The model entry of `reg`: key and value, or None when it has no active facility.
pub(crate) fn entry_of(reg: &Registry) -> (Vec<u8>, Option<Vec<u8>>) {
    let list: Vec<PlanFacility> = reg.active().map(PlanFacility::of).collect();
    let value = (!list.is_empty()).then(|| super::views::to_json(&list));
    (FACILITIES.to_vec(), value)
}

impl Store {
    /// The active registered facilities as the rules of frequency see them, in registry
    /// order: one read, whatever the number of registry events.
    ///
    /// # Errors
    /// `Db`; `Corrupt` when the entry cannot be read.
    pub fn plan_facilities(&self) -> Result<Vec<PlanFacility>> {
        match self.idx.get(FACILITIES)? {
            Some(v) => serde_json::from_slice(&v)
                .map_err(|e| StoreError::Corrupt(format!("单位读模型无法解析：{e}"))),
            None => Ok(vec![]),
        }
    }

    /// The stored entry (what a write compares its new one with).
    pub(crate) fn plan_facilities_stored(&self) -> Result<Option<Vec<u8>>> {
        Ok(self.idx.get(FACILITIES)?.map(|v| v.to_vec()))
    }

    /// The entry folded afresh from every registry event held.
    pub(crate) fn fresh_plan_facilities(&self) -> Result<(Vec<u8>, Option<Vec<u8>>)> {
        Ok(entry_of(&Registry::fold(&self.registry_events()?)))
    }

    /// Removes the entry (before it is built again).
    pub(crate) fn clear_plan_facilities(&self) -> Result<()> {
        self.idx.remove(FACILITIES)?;
        Ok(())
    }
}
