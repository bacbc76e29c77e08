//! What devices say about themselves: the `DeviceDescribed` events, read through the `ent`
//! index under `Entity::Device`, and this device's own description written when it changes.

use super::{Result, Store};
use crate::domain::{DeviceProfile, Entity, Payload, Wall};
use uuid::Uuid;

impl Store {
    /// The latest self-description of a device held in the log, if it wrote one.
    pub fn device_profile(&self, device: Uuid) -> Result<Option<DeviceProfile>> {
        let events =
            self.events_with_prefix(&super::views::entity_prefix(&Entity::Device(device)))?;
        Ok(DeviceProfile::fold(device, &events))
    }

    /// Sets how this device describes itself (inspector name, host name). Nothing is written
    /// now, so read-only use stays read-only: the description goes before the next own event
    /// when it differs from the one held.
    pub fn describe_self(&mut self, profile: DeviceProfile) {
        self.describe = Some(profile);
    }

    /// The description event to put before `items`, when one is set and differs from the last
    /// one written. It takes the first item's author and wall time.
    pub(super) fn description_due(
        &mut self,
        items: &[(String, Wall, Payload)],
    ) -> Result<Option<(String, Wall, Payload)>> {
        let (Some(want), Some((author, ms, _))) = (&self.describe, items.first()) else {
            return Ok(None);
        };
        // A data dir that changed identity keeps saying so (see `fork.rs`).
        let mut want = want.clone();
        if self.meta.contains_key(super::fork::META_REISSUED)?
            && !want.host.contains(super::fork::REISSUED_MARK)
        {
            want.host = match want.host.trim() {
                "" => super::fork::REISSUED_MARK.to_string(),
                h => format!("{h}，{}", super::fork::REISSUED_MARK),
            };
        }
        let want = &want;
        if self.device_profile(self.device)?.as_ref() == Some(want) {
            // Known current: no need to look again in this process.
            self.describe = None;
            return Ok(None);
        }
        Ok(Some((
            author.clone(),
            *ms,
            Payload::DeviceDescribed {
                device: self.device,
                inspector: want.inspector.clone(),
                host: want.host.clone(),
            },
        )))
    }

    pub(super) fn description_written(&mut self) {
        self.describe = None;
    }
}
