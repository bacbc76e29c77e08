//! Folds of the log kept while no event of their kind is written (issue 14): the facility
//! registry and the patrols.
//!
//! Folding the registry reads every facility, place and merge event from the log, and the
//! patrols every patrol event: at an office's 100,000 hazards the registry fold was most of the
//! register's first screen and four fifths of a confirmed hazard save, and the patrols most of
//! the home plan panel. A fold is kept with the store's stamp of its kind
//! (`Store::kind_stamp`: events of that kind written by this handle, and rewrites of held
//! events) and given again while the stamp is the same; a hazard saved leaves both stamps as
//! they were, a facility or patrol event written or imported moves its own.

use crate::domain::{Entity, EventRef, Facility, Hlc, LinkTarget, Patrol, Registry};
use crate::store::Store;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// A fold and the stamp (`Store::kind_stamp`) of the events it was folded from.
type Kept<T> = Option<((u64, u64), Arc<T>)>;

/// The last fold of one kind and the stamp of the events it was folded from.
pub(crate) struct FoldCache<T>(Mutex<Kept<T>>);

impl<T> Default for FoldCache<T> {
    fn default() -> Self {
        FoldCache(Mutex::new(None))
    }
}

impl<T> FoldCache<T> {
    /// The kept fold when no event of `kind`'s kind was written since, else `fold()` kept.
    fn get_or_fold(
        &self,
        store: &Store,
        kind: Entity,
        fold: impl FnOnce() -> super::Result<T>,
    ) -> super::Result<Arc<T>> {
        let stamp = store.kind_stamp(&kind);
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, value)) = &*kept
            && *at == stamp
        {
            return Ok(Arc::clone(value));
        }
        let value = Arc::new(fold()?);
        *kept = Some((stamp, Arc::clone(&value)));
        Ok(value)
    }
}

/// The facility registry as last folded.
pub(crate) type RegistryCache = FoldCache<Registry>;

impl FoldCache<Registry> {
    /// The registry of `store` as it is now: the kept fold when no facility event was written;
    /// else the fold the last process saved, when the same build saved it from the same
    /// events; else folded afresh (and saved for the next process).
    pub(crate) fn get(&self, store: &Store) -> super::Result<Arc<Registry>> {
        let kind = Entity::Facility(Uuid::nil());
        self.get_or_fold(store, kind, || {
            let mut stamp = store.kind_refs_digest(&kind)?.to_vec();
            stamp.extend_from_slice(super::search_file::build_id().as_bytes());
            if let Some(bytes) = store.saved_fold(SAVED_REGISTRY, &stamp)?
                && let Ok(saved) = serde_json::from_slice::<SavedRegistry>(&bytes)
                && let Some(registry) = saved.into_registry()
            {
                return Ok(registry);
            }
            let registry = Registry::fold(&store.registry_events()?);
            // A cache: a store that cannot keep it folds again next time.
            if let Ok(bytes) = serde_json::to_vec(&SavedRegistry::of(&registry.all)) {
                let _ = store.save_fold(SAVED_REGISTRY, &stamp, &bytes);
            }
            Ok(registry)
        })
    }
}

/// The name the facility registry's fold is saved under between processes
/// (`store::saved_folds`).
const SAVED_REGISTRY: &str = "registry";

/// The registry as saved between processes: each facility as it serializes, and beside it
/// what its JSON leaves out (the order of its links' events, the versions edits supersede).
/// Written from borrowed facilities (`F` = `&[Facility]`), read back owned.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedRegistry<F = Vec<Facility>> {
    all: F,
    hidden: Vec<Hidden>,
}

/// The fields of one [`Facility`] its JSON skips, as lists (JSON keys must be strings).
#[derive(serde::Serialize, serde::Deserialize)]
struct Hidden {
    link_order: Vec<(LinkTarget, (Hlc, Uuid, u64))>,
    versions: Vec<(String, Vec<EventRef>)>,
}

impl<'a> SavedRegistry<&'a [Facility]> {
    fn of(all: &'a [Facility]) -> Self {
        SavedRegistry {
            all,
            hidden: all
                .iter()
                .map(|f| Hidden {
                    link_order: f.link_order.iter().map(|(k, v)| (*k, *v)).collect(),
                    versions: f.versions.clone().into_iter().collect(),
                })
                .collect(),
        }
    }
}

impl SavedRegistry {
    /// The registry, or None when the two lists do not match (bytes not saved by `of`).
    fn into_registry(self) -> Option<Registry> {
        if self.all.len() != self.hidden.len() {
            return None;
        }
        let all = self
            .all
            .into_iter()
            .zip(self.hidden)
            .map(|(mut f, h)| {
                f.link_order = h.link_order.into_iter().collect();
                f.versions = h.versions.into_iter().collect();
                f
            })
            .collect();
        Some(Registry { all })
    }
}

/// Every patrol as last folded, oldest first.
pub(crate) type PatrolCache = FoldCache<Vec<Patrol>>;

impl FoldCache<Vec<Patrol>> {
    /// Every patrol of `store` as it is now: the kept fold when no patrol event was written.
    pub(crate) fn get(&self, store: &Store) -> super::Result<Arc<Vec<Patrol>>> {
        self.get_or_fold(store, Entity::Patrol(Uuid::nil()), || {
            Ok(Patrol::fold_all(&store.patrol_events()?))
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ops::{
        NewFacility, NewFinding, add_facility, record_finding, registry, test_support,
    };
    use std::sync::Arc;

    /// A hazard of the fire line recorded at 南湖医院 (registered by the test).
    pub(super) fn hazard_at_nanhu(ctx: &mut crate::ops::Ctx) -> crate::domain::Finding {
        record_finding(
            ctx,
            NewFinding {
                facility: Some("南湖医院".into()),
                line: Some("fire".into()),
                description: "疏散通道堆放杂物".into(),
                location: "三楼".into(),
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn the_kept_registry_is_given_until_a_write_changes_the_log() {
        let (_dir, mut ctx) = test_support::ctx();
        let new = |name: &str| NewFacility {
            name: name.into(),
            ..Default::default()
        };
        add_facility(&mut ctx, new("南湖医院")).unwrap();
        let first = registry(&ctx).unwrap();
        assert!(
            Arc::ptr_eq(&first, &registry(&ctx).unwrap()),
            "folded again"
        );
        add_facility(&mut ctx, new("北湖社区卫生服务中心")).unwrap();
        let after = registry(&ctx).unwrap();
        let names: Vec<&str> = after.active().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["南湖医院", "北湖社区卫生服务中心"]);
        assert_eq!(first.active().count(), 1);
    }

    #[test]
    fn a_saved_hazard_keeps_the_registry_and_the_patrols_folded() {
        let (_dir, mut ctx) = test_support::ctx();
        add_facility(
            &mut ctx,
            NewFacility {
                name: "南湖医院".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let reg = registry(&ctx).unwrap();
        let patrols = crate::ops::patrol::patrols_shared(&ctx).unwrap();
        hazard_at_nanhu(&mut ctx);
        assert!(
            Arc::ptr_eq(&reg, &registry(&ctx).unwrap()),
            "registry folded again"
        );
        let again = crate::ops::patrol::patrols_shared(&ctx).unwrap();
        assert!(Arc::ptr_eq(&patrols, &again), "patrols folded again");
    }
}

#[cfg(test)]
mod saved_tests {
    use super::SAVED_REGISTRY;
    use crate::domain::{Entity, Registry};
    use crate::ops::{NewFacility, add_facility, edit_facility, registry, test_support};
    use uuid::Uuid;

    fn facility(name: &str) -> NewFacility {
        NewFacility {
            name: name.into(),
            ..Default::default()
        }
    }

    fn names(r: &Registry) -> Vec<String> {
        r.active().map(|f| f.name.clone()).collect()
    }

    #[test]
    fn the_next_process_reads_the_saved_registry_until_its_events_change() {
        let dir = tempfile::tempdir().unwrap();
        let kind = Entity::Facility(Uuid::nil());
        {
            let mut ctx = test_support::ctx_at(dir.path());
            add_facility(&mut ctx, facility("南湖医院")).unwrap();
            add_facility(&mut ctx, facility("北湖社区卫生服务中心")).unwrap();
            // An edit (its version is kept) and a hazard linked to the facility (its link's
            // order is kept): both left out of a facility's JSON, both saved.
            edit_facility(&mut ctx, "南湖医院", "deputy", "李强").unwrap();
            let hazard = super::tests::hazard_at_nanhu(&mut ctx);
            let f = registry(&ctx).unwrap().all[0].id;
            let link = crate::ops::registry_pick::link_payload(
                crate::domain::LinkTarget::Finding(hazard.id),
                f,
                None,
            );
            let author = ctx.author.clone();
            ctx.store.append(&author, &ctx.now, vec![link]).unwrap();
            let folded = registry(&ctx).unwrap();
            let f = &folded.all[0];
            assert!(!f.versions.is_empty() && !f.link_order.is_empty(), "{f:?}");
            assert_eq!(
                *folded,
                Registry::fold(&ctx.store.registry_events().unwrap())
            );
            ctx.store.flush().unwrap();
        }
        // A new process: the saved fold, read back whole, equals a fold of the events.
        let mut ctx = test_support::ctx_at(dir.path());
        let saved = ctx
            .store
            .saved_fold(SAVED_REGISTRY, &stamp(&ctx, kind))
            .unwrap()
            .expect("saved by the last process");
        let read = serde_json::from_slice::<super::SavedRegistry>(&saved)
            .unwrap()
            .into_registry()
            .unwrap();
        assert_eq!(read, Registry::fold(&ctx.store.registry_events().unwrap()));
        assert_eq!(
            names(&registry(&ctx).unwrap()),
            ["南湖医院", "北湖社区卫生服务中心"]
        );
        // A facility written: the events' digest moves, the old fold no longer answers.
        let before = stamp(&ctx, kind);
        add_facility(&mut ctx, facility("东湖门诊部")).unwrap();
        assert_ne!(stamp(&ctx, kind), before);
        drop(ctx);
        let ctx = test_support::ctx_at(dir.path());
        assert_eq!(
            names(&registry(&ctx).unwrap()),
            ["南湖医院", "北湖社区卫生服务中心", "东湖门诊部"]
        );
    }

    #[test]
    fn saved_bytes_that_do_not_read_are_folded_again() {
        let dir = tempfile::tempdir().unwrap();
        let kind = Entity::Facility(Uuid::nil());
        {
            let mut ctx = test_support::ctx_at(dir.path());
            add_facility(&mut ctx, facility("南湖医院")).unwrap();
            let s = stamp(&ctx, kind);
            ctx.store
                .save_fold(SAVED_REGISTRY, &s, b"{not a registry")
                .unwrap();
            ctx.store.flush().unwrap();
        }
        let ctx = test_support::ctx_at(dir.path());
        assert_eq!(names(&registry(&ctx).unwrap()), ["南湖医院"]);
    }

    fn stamp(ctx: &crate::ops::Ctx, kind: Entity) -> Vec<u8> {
        let mut s = ctx.store.kind_refs_digest(&kind).unwrap().to_vec();
        s.extend_from_slice(crate::ops::search_file::build_id().as_bytes());
        s
    }
}
