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

use crate::domain::{Entity, Patrol, Registry};
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
    /// The registry of `store` as it is now: the kept fold when no facility event was written.
    pub(crate) fn get(&self, store: &Store) -> super::Result<Arc<Registry>> {
        self.get_or_fold(store, Entity::Facility(Uuid::nil()), || {
            Ok(Registry::fold(&store.registry_events()?))
        })
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
        record_finding(
            &mut ctx,
            NewFinding {
                facility: Some("南湖医院".into()),
                line: Some("fire".into()),
                description: "疏散通道堆放杂物".into(),
                location: "三楼".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(
            Arc::ptr_eq(&reg, &registry(&ctx).unwrap()),
            "registry folded again"
        );
        let again = crate::ops::patrol::patrols_shared(&ctx).unwrap();
        assert!(Arc::ptr_eq(&patrols, &again), "patrols folded again");
    }
}
