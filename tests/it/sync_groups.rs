//! An import of more events than one group (sync applies verified bundles by groups and writes
//! each entity's `ent` entry and view once, after the last group): a finding whose events lie
//! in different groups ends with all of them, shown as the device that wrote it shows it, and
//! the views, index keys, read models and `ent` entries equal a rebuild from the log.

use crate::sync_common;
use sync_common::*;

use uuid::Uuid;
use xuncha::catalog::Catalog;
use xuncha::domain::{Field, Payload};
use xuncha::ops::{self, Ctx, NewFacility, SyncOptions};
use xuncha::store::Store;

/// Findings recorded in one batch and each edited in a second: a finding's edit comes this
/// many events after its record, so the two lie in different bundles (1,000 events each)
/// and groups.
const FINDINGS: u128 = 1300;

#[test]
fn findings_spread_over_several_groups_end_whole_and_equal_a_rebuild() {
    let (ta, tb, usb) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let mut a = Store::open(ta.path()).unwrap();
    let now = now_ms(BASE_MS);
    let ids: Vec<Uuid> = (1..=FINDINGS).map(Uuid::from_u128).collect();
    let records = ids
        .iter()
        .map(|id| record_payload(*id, "西城区中医院", &format!("消防通道堆放杂物 {id}")))
        .collect();
    a.append("王建国", &now, records).unwrap();
    let edits = ids
        .iter()
        .map(|id| {
            let f = a.finding_full(*id).unwrap().expect("recorded");
            Payload::FieldSet {
                finding_id: *id,
                field: Field::Responsible,
                value: format!("后勤保障科 {}", id.as_u128() % 7),
                supersedes: f
                    .versions
                    .get(&Field::Responsible)
                    .cloned()
                    .unwrap_or_default(),
                after: vec![],
            }
        })
        .collect();
    a.append("李秀英", &now, edits).unwrap();
    sync_with(&mut a, &now, usb.path());
    assert!(bundle_files(usb.path()).len() >= 3, "three bundles or more");

    let mut b = Store::open(tb.path()).unwrap();
    let rep = sync_with(&mut b, &now, usb.path());
    let events: u64 = rep.events_in.iter().map(|d| d.events).sum();
    assert_eq!(events, 2 * FINDINGS as u64, "every event imported");
    assert_eq!(b.event_count(), a.event_count());
    // What an inspector sees: every finding as its author's device shows it, the edit that
    // arrived in a later group included, and no conflict where there was none.
    assert_eq!(views(&b), views(&a));
    assert!(rep.conflicts.is_empty(), "{:?}", rep.conflicts);
    let last = b.finding_full(ids[0]).unwrap().expect("imported");
    assert_eq!(last.responsible, "后勤保障科 1");
    assert_eq!(last.history.len(), 2, "both events of the first finding");
    // What `doctor` proves: everything derived equals a rebuild from the log.
    let check = b.rebuild(false).unwrap();
    assert!(check.is_clean(), "{check:?}");
}

/// A handle kept open across a sync (the TUI's) shows the facilities the sync imported: the
/// registry it keeps folded (`ops::registry`) is folded again once events of that kind are
/// imported, though their views wait for the end of the import.
#[test]
fn a_facility_imported_shows_in_the_registry_of_the_handle_that_synced() {
    let (ta, tb, usb) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let ctx = |dir: &std::path::Path, who: &str| {
        let store = Store::open(dir).unwrap();
        Ctx::new(store, Catalog::builtin(), now_ms(BASE_MS), who)
    };
    const NAME: &str = "金水区社区卫生服务中心";
    let mut a = ctx(ta.path(), "王建国");
    ops::add_facility(
        &mut a,
        NewFacility {
            name: NAME.into(),
            ..NewFacility::default()
        },
    )
    .unwrap();
    ops::sync(&mut a, usb.path(), &SyncOptions::default(), &mut |_, _| {}).unwrap();

    let mut b = ctx(tb.path(), "李秀英");
    assert!(ops::registry(&b).unwrap().find(NAME).is_none());
    ops::sync(&mut b, usb.path(), &SyncOptions::default(), &mut |_, _| {}).unwrap();
    assert!(
        ops::registry(&b).unwrap().find(NAME).is_some(),
        "the imported facility is in the registry without reopening the store"
    );
}
