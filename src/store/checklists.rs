//! Checklist versions recorded in the log (`ChecklistRecorded`), read through the `ent` index
//! under tag `k`; they have no view tree of their own, so there is nothing to rebuild.

use super::views::entity_prefix;
use super::{Result, Store};
use crate::domain::{Checklist, Entity, checklist_entity_id, fold_checklist};
use std::collections::BTreeSet;

impl Store {
    /// The checklist version with this content hash, if the log holds a valid record of it.
    pub fn checklist_version(&self, hash: &str) -> Result<Option<Checklist>> {
        let Some(id) = checklist_entity_id(hash) else {
            return Ok(None);
        };
        let events = self.entity_events(Entity::Checklist(id))?;
        Ok(fold_checklist(&events)
            .filter(|(h, _)| h == hash)
            .map(|(_, c)| c))
    }

    /// Every checklist version the log records, oldest record first, as (hash, checklist).
    pub fn checklist_versions(&self) -> Result<Vec<(String, Checklist)>> {
        let mut ids = BTreeSet::new();
        for kv in self.ent.scan_prefix([b'k']) {
            let (k, _) = kv?;
            if k.len() >= 17 {
                ids.insert(k[..17].to_vec());
            }
        }
        let mut out = Vec::new();
        for prefix in ids {
            let events = self.events_with_prefix(&prefix)?;
            let first = events.iter().map(|e| e.order_key()).min();
            if let (Some(first), Some(version)) = (first, fold_checklist(&events)) {
                out.push((first, version));
            }
        }
        out.sort_by_key(|a| a.0);
        Ok(out.into_iter().map(|(_, v)| v).collect())
    }

    /// Whether the log already records this checklist version.
    pub fn has_checklist_version(&self, hash: &str) -> Result<bool> {
        let Some(id) = checklist_entity_id(hash) else {
            return Ok(false);
        };
        Ok(self
            .ent
            .scan_prefix(entity_prefix(&Entity::Checklist(id)))
            .next()
            .is_some()
            && self.checklist_version(hash)?.is_some())
    }
}
