//! The registers (危险化学品, 特种设备; issue 17) have no stored view: they are small (hundreds
//! of entries, not 100,000), so each is folded on demand from its events, found through the
//! `ent` index (prefix `h` for chemicals, `q` for equipment). Nothing to rebuild, so
//! `doctor` proves them equal to the log by construction.

use super::views::entity_prefix;
use super::{Result, Store, StoreError};
use crate::domain::{Entity, Payload, StoredEvent};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Which register to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    Chemicals,
    Equipment,
}

impl Store {
    /// Every event of every entry of one register, grouped by entry id (fold order not
    /// guaranteed: the folds sort).
    pub fn register_events(&self, which: Register) -> Result<BTreeMap<Uuid, Vec<StoredEvent>>> {
        let tag: &[u8] = match which {
            Register::Chemicals => b"h",
            Register::Equipment => b"q",
        };
        let mut out: BTreeMap<Uuid, Vec<StoredEvent>> = BTreeMap::new();
        self.for_each_entity(tag, &mut |entity, refs| {
            let id =
                Uuid::from_slice(&entity[1..]).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let events = out.entry(id).or_default();
            for (device, seq) in refs {
                events.push(self.stored_event(device, seq)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Whether the entry's creating event (ChemicalAdded / EquipmentAdded) is held.
    pub(crate) fn register_created(&self, entity: Entity) -> Result<bool> {
        Ok(self
            .events_with_prefix(&entity_prefix(&entity))?
            .iter()
            .any(|e| {
                matches!(
                    e.payload,
                    Payload::ChemicalAdded(_) | Payload::EquipmentAdded(_)
                )
            }))
    }
}
