//! Convergence: 3–6 devices with clocks skewed by days do random work; bundles travel in random
//! subsets and orders, with duplicates and relays. After a full exchange every device's views
//! are byte-identical, and importing anything again changes nothing.

use crate::sync_common;
use sync_common::*;

use proptest::prelude::*;
use std::path::PathBuf;
use uuid::Uuid;
use xuncha::domain::{Field, Payload};
use xuncha::store::Store;
use xuncha::sync;

#[derive(Debug, Clone)]
enum Step {
    Record {
        dev: usize,
    },
    Edit {
        dev: usize,
        pick: usize,
        field: usize,
        value: u8,
    },
    Rectify {
        dev: usize,
        pick: usize,
    },
    Comment {
        dev: usize,
        pick: usize,
    },
    /// The device syncs with its own outbox folder: exports what it holds (own and relayed).
    Export {
        dev: usize,
    },
    /// The device imports these files (by index into every bundle written so far), in this
    /// order, repeats included.
    Deliver {
        dev: usize,
        picks: Vec<usize>,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let dev = 0usize..6;
    prop_oneof![
        3 => dev.clone().prop_map(|dev| Step::Record { dev }),
        3 => (dev.clone(), any::<usize>(), 0usize..3, any::<u8>())
            .prop_map(|(dev, pick, field, value)| Step::Edit { dev, pick, field, value }),
        1 => (dev.clone(), any::<usize>()).prop_map(|(dev, pick)| Step::Rectify { dev, pick }),
        1 => (dev.clone(), any::<usize>()).prop_map(|(dev, pick)| Step::Comment { dev, pick }),
        2 => dev.clone().prop_map(|dev| Step::Export { dev }),
        2 => (dev, prop::collection::vec(any::<usize>(), 0..8))
            .prop_map(|(dev, picks)| Step::Deliver { dev, picks }),
    ]
}

const FIELDS: [Field; 3] = [Field::Description, Field::Responsible, Field::Due];

struct World {
    _tmp: tempfile::TempDir,
    stores: Vec<Store>,
    outboxes: Vec<PathBuf>,
    skews: Vec<i64>,
    chunk: u64,
    made: u128,
}

impl World {
    fn new(skews: Vec<i64>, chunk: u64) -> World {
        let tmp = tempfile::tempdir().unwrap();
        let mut stores = Vec::new();
        let mut outboxes = Vec::new();
        for i in 0..skews.len() {
            stores.push(Store::open(&tmp.path().join(format!("dev{i}"))).unwrap());
            let o = tmp.path().join(format!("outbox{i}"));
            std::fs::create_dir_all(&o).unwrap();
            outboxes.push(o);
        }
        World {
            _tmp: tmp,
            stores,
            outboxes,
            skews,
            chunk,
            made: 0,
        }
    }

    fn now(&self, dev: usize, t: usize) -> xuncha::domain::Now {
        now_ms(BASE_MS + self.skews[dev] * DAY_MS + t as i64 * 60_000)
    }

    fn pick(&self, dev: usize, pick: usize) -> Option<Uuid> {
        let ids: Vec<Uuid> = self.stores[dev]
            .all_findings()
            .map(|f| f.unwrap().id)
            .collect();
        (!ids.is_empty()).then(|| ids[pick % ids.len()])
    }

    fn pool(&self) -> Vec<PathBuf> {
        self.outboxes.iter().flat_map(|o| bundle_files(o)).collect()
    }

    fn run(&mut self, t: usize, s: &Step) {
        let n = self.stores.len();
        match s.clone() {
            Step::Record { dev } => {
                let dev = dev % n;
                self.made += 1;
                let id = Uuid::from_u128(((dev as u128) << 64) | self.made);
                let now = self.now(dev, t);
                record(
                    &mut self.stores[dev],
                    &now,
                    id,
                    "临河区人民医院",
                    &format!("隐患{}", self.made),
                );
            }
            Step::Edit {
                dev,
                pick,
                field,
                value,
            } => {
                let dev = dev % n;
                if let Some(id) = self.pick(dev, pick) {
                    let now = self.now(dev, t);
                    let v = match FIELDS[field] {
                        Field::Due => format!("2026-12-{:02}", 1 + value % 28),
                        _ => format!("值{value}"),
                    };
                    edit(&mut self.stores[dev], &now, id, FIELDS[field], &v);
                }
            }
            Step::Rectify { dev, pick } | Step::Comment { dev, pick } => {
                let dev = dev % n;
                if let Some(id) = self.pick(dev, pick) {
                    let now = self.now(dev, t);
                    let p = if matches!(s, Step::Rectify { .. }) {
                        Payload::Rectified {
                            reported_by: None,
                            finding_id: id,
                            note: "已整改".into(),
                            completed_on: None,
                            after: vec![],
                        }
                    } else {
                        Payload::Commented {
                            finding_id: id,
                            text: format!("备注{t}"),
                        }
                    };
                    self.stores[dev].append("赵磊", &now, vec![p]).unwrap();
                }
            }
            Step::Export { dev } => {
                let dev = dev % n;
                let now = self.now(dev, t);
                let rep = sync_chunked(
                    &mut self.stores[dev],
                    &now,
                    &self.outboxes[dev].clone(),
                    self.chunk,
                );
                assert!(rep.rejected.is_empty(), "{:?}", rep.rejected);
            }
            Step::Deliver { dev, picks } => {
                let dev = dev % n;
                let pool = self.pool();
                if pool.is_empty() {
                    return;
                }
                let now = self.now(dev, t);
                for p in picks {
                    let rep = sync::import_file(&mut self.stores[dev], &now, &pool[p % pool.len()])
                        .unwrap();
                    assert!(rep.rejected.is_empty(), "{:?}", rep.rejected);
                }
                // Bundles in any order leave gaps: the count from the version vector
                // (`device`) must still be the log's.
                let s = &self.stores[dev];
                assert_eq!(s.held_event_count().unwrap(), s.event_count() as u64);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn devices_converge_after_a_full_exchange(
        skews in prop::collection::vec(-5i64..=5, 3..=6),
        chunk in 2u64..6,
        steps in prop::collection::vec(step(), 5..40),
    ) {
        let mut w = World::new(skews, chunk);
        for (t, s) in steps.iter().enumerate() {
            w.run(t, s);
        }
        // Full exchange through one shared folder: two rounds reach everyone.
        let shared = w._tmp.path().join("shared");
        std::fs::create_dir_all(&shared).unwrap();
        let end = steps.len() + 1;
        for _round in 0..2 {
            for d in 0..w.stores.len() {
                let now = w.now(d, end);
                let rep = sync_chunked(&mut w.stores[d], &now, &shared, chunk);
                prop_assert!(rep.rejected.is_empty(), "{:?}", rep.rejected);
                prop_assert_eq!(rep.exit_code(), 0);
            }
        }
        let reference = views(&w.stores[0]);
        let events = w.stores[0].event_count();
        for s in &w.stores {
            prop_assert_eq!(s.event_count(), events);
            // `device` counts from the version vector: it must agree with the log.
            prop_assert_eq!(s.held_event_count().unwrap(), events as u64);
            prop_assert_eq!(&views(s), &reference);
            prop_assert!(s.rebuild(false).unwrap().is_clean());
            prop_assert!(sync::status(s).unwrap().unsynced_events == 0);
        }
        // Everything again: nothing moves, nothing changes.
        let mut all = w.pool();
        all.extend(bundle_files(&shared));
        for d in 0..w.stores.len() {
            let now = w.now(d, end + 1);
            let rep = sync_chunked(&mut w.stores[d], &now, &shared, chunk);
            prop_assert!(rep.bundles_written.is_empty() && rep.events_in.is_empty());
            for f in &all {
                let rep = sync::import_file(&mut w.stores[d], &now, f).unwrap();
                prop_assert!(rep.events_in.is_empty() && rep.rejected.is_empty());
            }
            prop_assert_eq!(&views(&w.stores[d]), &reference);
            prop_assert_eq!(w.stores[d].event_count(), events);
        }
    }
}
