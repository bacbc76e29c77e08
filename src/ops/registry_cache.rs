//! The facility registry, folded once and kept while the log does not change (issue 14).
//!
//! Folding it reads every facility, place and merge event from the log: at an office's 100,000
//! hazards that was most of the register's first screen, and the register, the plan panel and
//! the pickers each folded it again. The fold is kept with the store's change stamp
//! (`Store::change_stamp`: the log's extent and a count of rewrites) and given again while the
//! stamp is the same; any write or import moves the stamp, and the next read folds afresh.

use crate::domain::Registry;
use crate::store::Store;
use std::sync::{Arc, Mutex};

/// The last fold and the stamp of the log it was folded from.
#[derive(Default)]
pub(crate) struct RegistryCache(Mutex<Option<([u8; 32], Arc<Registry>)>>);

impl RegistryCache {
    /// The registry of `store` as it is now: the kept fold when the log has not changed since.
    pub(crate) fn get(&self, store: &Store) -> super::Result<Arc<Registry>> {
        let stamp = store.change_stamp()?;
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, reg)) = &*kept
            && *at == stamp
        {
            return Ok(Arc::clone(reg));
        }
        let reg = Arc::new(Registry::fold(&store.registry_events()?));
        *kept = Some((stamp, Arc::clone(&reg)));
        Ok(reg)
    }
}

#[cfg(test)]
mod tests {
    use crate::ops::{NewFacility, add_facility, registry, test_support};
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
}
