//! The `ent` layouts side by side (issue 14): a store whose `ent` tree holds the per-event keys
//! of the versions before reads exactly as with packed entries, takes new events into packed
//! entries beside them, passes `doctor`, and `compact` rewrites the old keys into entries.

use crate::catalog::Catalog;
use crate::domain::{Entity, Now};
use crate::ops::Ctx;
use crate::store::{Register, Store};

fn now() -> Now {
    Now(chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap())
}

/// What every reader of `ent` gives: each finding's and inspection's events, the registry,
/// the patrols, both registers, the checklist versions and each device's description.
fn readings(s: &Store) -> String {
    let mut out = Vec::new();
    for f in s.all_findings() {
        let id = f.unwrap().id;
        let evs = s.entity_events(Entity::Finding(id)).unwrap();
        out.push(format!(
            "f {id} {:?}",
            evs.iter().map(|e| e.r).collect::<Vec<_>>()
        ));
    }
    let registry = s.registry_events().unwrap();
    out.push(format!(
        "registry {:?}",
        registry.iter().map(|e| e.r).collect::<Vec<_>>()
    ));
    out.push(format!("patrols {}", s.patrol_events().unwrap().len()));
    for which in [Register::Chemicals, Register::Equipment] {
        let r = s.register_events(which).unwrap();
        out.push(format!(
            "{which:?} {:?}",
            r.iter().map(|(id, e)| (id, e.len())).collect::<Vec<_>>()
        ));
    }
    let versions = s.checklist_versions().unwrap();
    out.push(format!("checklists {}", versions.len()));
    out.push(format!(
        "device {:?}",
        s.device_profile(s.device_id()).unwrap()
    ));
    out.join("\n")
}

/// A context on a fresh store at `path` holding `findings` demo hazards.
fn demo_ctx(path: &std::path::Path, findings: usize) -> Ctx {
    let mut ctx = Ctx::new(
        Store::open(path).unwrap(),
        Catalog::builtin(),
        now(),
        "王建国",
    );
    crate::ops::demo(&mut ctx, findings).unwrap();
    ctx
}

#[test]
fn per_event_keys_of_older_versions_read_as_packed_entries_and_compact_into_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = demo_ctx(dir.path(), 60);
    let packed = readings(ctx.raw_store());
    let (entries, old) = ctx.raw_store().ent_key_lengths();
    assert_eq!(old, 0, "this version writes packed entries only");
    assert!(
        packed.contains("registry [") && entries > 60,
        "{entries}\n{packed}"
    );

    ctx.raw_store().ent_as_older_versions_wrote();
    let (_, old_keys) = ctx.raw_store().ent_key_lengths();
    assert!(
        old_keys > entries * 3,
        "{old_keys} per-event keys for {entries} entities"
    );
    assert_eq!(readings(ctx.raw_store()), packed);
    assert!(ctx.raw_store().check().unwrap().is_clean());
    assert!(ctx.raw_store().rebuild(false).unwrap().is_clean());

    // A new event of a finding whose events sit in old keys: its entry holds only the new one,
    // and the finding reads all of them.
    let id = ctx.raw_store().all_findings().next().unwrap().unwrap().id;
    let before = ctx
        .raw_store()
        .entity_events(Entity::Finding(id))
        .unwrap()
        .len();
    crate::ops::comment(&mut ctx, id, "复查时再看一次").unwrap();
    let after = ctx.raw_store().entity_events(Entity::Finding(id)).unwrap();
    assert_eq!(after.len(), before + 1);
    assert!(
        after
            .windows(2)
            .all(|w| w[0].order_key() <= w[1].order_key())
    );
    let (entries_now, old_now) = ctx.raw_store().ent_key_lengths();
    assert_eq!(
        (entries_now, old_now),
        (1, old_keys),
        "the comment's entry beside the old keys"
    );
    assert!(ctx.raw_store().check().unwrap().is_clean());
    let mixed = readings(ctx.raw_store());
    drop(ctx);

    // Compaction rewrites the old keys: one entry per entity, the same readings.
    crate::store::compact(dir.path()).unwrap();
    let s = Store::open(dir.path()).unwrap();
    assert_eq!(s.ent_key_lengths(), (entries, 0));
    assert_eq!(readings(&s), mixed);
    assert!(s.check().unwrap().is_clean());
}

#[test]
fn doctor_names_a_damaged_entry_and_a_rebuild_writes_it_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = demo_ctx(dir.path(), 10);
    let s = ctx.raw_store();
    let good = readings(s);
    let id = s.all_findings().next().unwrap().unwrap().id;
    s.ent_damage(Entity::Finding(id));
    assert!(
        s.entity_events(Entity::Finding(id)).is_err(),
        "a damaged entry is not read as empty"
    );
    let rep = s.check().unwrap();
    assert!(
        rep.view_mismatches.iter().any(|m| m.contains("事件归属")),
        "{:?}",
        rep.view_mismatches
    );
    assert!(s.rebuild(true).unwrap().rebuilt);
    assert!(s.check().unwrap().is_clean());
    assert_eq!(readings(s), good);
}

/// `doctor --rebuild` brings `ent` to the log by difference: old per-event keys become one
/// entry per entity, an entry naming an event the log lacks goes, a healthy entry stays.
#[test]
fn a_rebuild_leaves_one_entry_per_entity_whatever_the_tree_held() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = demo_ctx(dir.path(), 30);
    let s = ctx.raw_store();
    let good = readings(s);
    let (entries, _) = s.ent_key_lengths();
    s.ent_as_older_versions_wrote();
    s.ent_stray(Entity::Finding(uuid::Uuid::from_u128(42)));
    assert!(!s.check().unwrap().is_clean(), "the stray entry is named");
    assert!(s.rebuild(true).unwrap().rebuilt);
    assert_eq!(s.ent_key_lengths(), (entries, 0));
    assert!(s.check().unwrap().is_clean());
    assert_eq!(readings(s), good);
    // Run again on a healthy tree: nothing to change, the same result.
    assert!(s.rebuild(true).unwrap().rebuilt);
    assert_eq!(s.ent_key_lengths(), (entries, 0));
    assert_eq!(readings(s), good);
}
