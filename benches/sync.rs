//! Sync figures for 100,000 events: export to an empty folder, import into an empty store, a
//! repeat sync with nothing new, and bytes per event on disk; then the roster check (issue 9):
//! the same import into a store of the organisation (every event checked against the roster),
//! into a store whose roster does not know the device (every event kept aside), and the
//! approval that applies them. Run: `cargo bench --bench sync`.

use std::path::Path;
use std::time::Instant;
use xuncha::catalog::Catalog;
use xuncha::domain::{Now, RosterChange};
use xuncha::ops::{self, Ctx};
use xuncha::store::Store;
use xuncha::sync::{self, SyncOptions, SyncReport};

/// Demo findings that make about 100,000 events (≈5.8 events per finding).
const SCALE: usize = 17_400;

fn dir_bytes(p: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(p) else {
        return 0;
    };
    rd.flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_bytes(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

fn timed(store: &mut Store, now: &Now, dir: &Path, dry_run: bool) -> (f64, SyncReport) {
    let opts = SyncOptions {
        dry_run,
        ..SyncOptions::default()
    };
    let t = Instant::now();
    let rep = sync::sync(store, now, dir, &opts, &mut |_, _| {}).expect("sync");
    (t.elapsed().as_secs_f64(), rep)
}

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let now = Now(chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap());
    let usb = tmp.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();

    let t = Instant::now();
    let mut ctx = Ctx::new(
        Store::open(&tmp.path().join("a")).unwrap(),
        Catalog::builtin(),
        now,
        "王建国",
    );
    let scale = std::env::var("XUNCHA_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SCALE);
    let demo = ops::demo(&mut ctx, scale).expect("demo");
    // The sender is the office of an organisation that approved itself: one roster event more.
    let sender = ctx.raw_store_mut();
    sender.create_org("某某市卫生健康委员会").expect("org");
    let me = sender.device_id();
    let key = sender.public_key_hex();
    sender
        .append_roster(
            "王建国",
            &now,
            me,
            RosterChange::Approved {
                key,
                inspector: "王建国".into(),
                host: "office".into(),
            },
        )
        .expect("roster");
    let org_key = sender.org_key().expect("meta").expect("org key");
    let events = ctx.raw_store().event_count() as f64;
    println!(
        "setup: demo --scale {scale}: {} findings, {} events in {:.2} s",
        demo.findings,
        events,
        t.elapsed().as_secs_f64()
    );

    let (secs, rep) = timed(ctx.raw_store_mut(), &now, &usb, false);
    let bundle_bytes = dir_bytes(&usb.join("xuncha-sync"));
    println!(
        "export: {} events in {} bundles: {secs:.2} s ({:.1} µs/event)",
        rep.events_out,
        rep.bundles_written.len(),
        secs * 1e6 / events
    );
    println!(
        "bytes per event: {:.0} in bundles ({:.1} MB), {:.0} in the sender's data dir (sled log + views)",
        bundle_bytes as f64 / events,
        bundle_bytes as f64 / 1e6,
        dir_bytes(&tmp.path().join("a")) as f64 / events
    );
    let (secs, _) = timed(ctx.raw_store_mut(), &now, &usb, false);
    println!("export again, nothing new (re-checks every bundle): {secs:.2} s");

    let mut b = Store::open(&tmp.path().join("b")).unwrap();
    let (secs, rep) = timed(&mut b, &now, &usb, true);
    println!(
        "dry run into an empty store: {} events would come in: {secs:.2} s",
        rep.events_in_total()
    );
    let (secs, rep) = timed(&mut b, &now, &usb, false);
    let secs_b = secs;
    println!(
        "import into an empty store (verify, apply, views; then re-check the folder): {} events: {secs:.2} s ({:.1} µs/event)",
        rep.events_in_total(),
        secs * 1e6 / events
    );
    assert_eq!(rep.events_in_total() as f64, events);
    creation_check_cost(&b, secs);
    let (secs, rep) = timed(&mut b, &now, &usb, false);
    println!(
        "repeat sync, nothing new: {secs:.2} s ({} bundles known)",
        rep.bundles_known
    );
    println!(
        "receiver data dir: {:.0} bytes per event",
        dir_bytes(&tmp.path().join("b")) as f64 / events
    );
    let sender = (
        ctx.raw_store().device_id(),
        ctx.raw_store().public_key_hex(),
    );
    roster_cost(tmp.path(), &now, &usb, (&org_key, sender), events, secs_b);
}

/// The roster check on the same import: a member store (sender approved), a store whose
/// roster does not know the sender (everything kept aside), and the approval that applies it.
fn roster_cost(
    tmp: &Path,
    now: &Now,
    usb: &Path,
    (org_key, sender): (&[u8; 32], (uuid::Uuid, String)),
    events: f64,
    plain: f64,
) {
    let mut c = Store::open(&tmp.join("c")).unwrap();
    c.set_org(org_key, "某某市卫生健康委员会").unwrap();
    let (secs, rep) = timed(&mut c, now, usb, false);
    assert_eq!(rep.events_in_total() as f64, events);
    println!(
        "import into a store of the organisation (roster check on every run): {} events: {secs:.2} s ({:.1} µs/event) = {:.2}× the import without an organisation above ({plain:.2} s)",
        rep.events_in_total(),
        secs * 1e6 / events,
        secs / plain
    );
    let mut d = Store::open(&tmp.join("d")).unwrap();
    d.create_org("另一个单位").unwrap();
    let (secs, _) = timed(&mut d, now, usb, false);
    let aside: u64 = d.aside_runs().unwrap().iter().map(|r| r.events).sum();
    println!(
        "import from a device the roster does not know (kept aside): {aside} events: {secs:.2} s = {:.2}× the import without an organisation",
        secs / plain
    );
    let (sender, key) = sender;
    let t = Instant::now();
    d.append_roster(
        "王建国",
        now,
        sender,
        RosterChange::Approved {
            key,
            inspector: String::new(),
            host: String::new(),
        },
    )
    .unwrap();
    let p = d.promote_aside(now.millis()).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let n: u64 = p.applied.iter().map(|(_, n)| n).sum();
    println!(
        "approve that device: {n} events applied from aside: {secs:.2} s = {:.2}× the import without an organisation",
        secs / plain
    );
}

/// The key-less check import makes (an event may not create a finding or inspection id the
/// store holds): one view lookup per creating event. Timed here as those lookups against the
/// filled receiver (every one a hit, so an upper bound: during the import most are misses),
/// printed beside the import it belongs to.
fn creation_check_cost(b: &Store, import_secs: f64) {
    let findings: Vec<_> = b.all_findings().map(|f| f.expect("finding").id).collect();
    let inspections: Vec<_> = b
        .all_inspections()
        .expect("inspections")
        .iter()
        .map(|i| i.id)
        .collect();
    let t = Instant::now();
    let mut held = 0usize;
    for id in &findings {
        held += usize::from(b.finding(*id).expect("get").is_some());
    }
    for id in &inspections {
        held += usize::from(b.inspection(*id).expect("get").is_some());
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "key-less creation check: {held} lookups (one per creating event): {secs:.3} s = {:.1}% of the import above ({import_secs:.2} s)",
        secs * 100.0 / import_secs
    );
}
