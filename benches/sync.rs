//! Sync figures for 100,000 events: export to an empty folder, import into an empty store, a
//! repeat sync with nothing new, and bytes per event on disk. Run: `cargo bench --bench sync`.

use std::path::Path;
use std::time::Instant;
use xuncha::catalog::Catalog;
use xuncha::domain::Now;
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
