//! The facility registry and patrols (issue 16) have no stored view: they are few enough to
//! fold from their events whenever they are read, through the `ent` index.

use super::views::entity_prefix;
use super::{Result, Store};
use crate::domain::{Entity, Payload, StoredEvent};
use uuid::Uuid;

impl Store {
    /// Every registry event held (facilities, places, merges), any device.
    pub fn registry_events(&self) -> Result<Vec<StoredEvent>> {
        self.events_with_prefix(&[entity_prefix(&Entity::Facility(Uuid::nil()))[0]])
    }

    /// Every patrol event held, any device.
    pub fn patrol_events(&self) -> Result<Vec<StoredEvent>> {
        self.events_with_prefix(&[entity_prefix(&Entity::Patrol(Uuid::nil()))[0]])
    }

    /// Whether the creating event of a facility or patrol is held: a second creation of the
    /// same id is refused on import as forged.
    pub(crate) fn entity_created(&self, entity: &Entity) -> Result<bool> {
        Ok(self
            .events_with_prefix(&entity_prefix(entity))?
            .iter()
            .any(|e| {
                matches!(
                    e.payload,
                    Payload::FacilityAdded { .. } | Payload::PatrolStarted { .. }
                )
            }))
    }
}
