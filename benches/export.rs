//! Export time and file size of the ledger for a large register.
//! `cargo bench --bench export` (scale with XUNCHA_BENCH_SCALE, default 100000).
//! XUNCHA_BENCH_DIR keeps the demo store between runs (filling it takes minutes).

use std::time::Instant;
use xuncha::catalog::Catalog;
use xuncha::domain::FindingQuery;
use xuncha::domain::Now;
use xuncha::ops::export_ledger;
use xuncha::ops::{self, Ctx};
use xuncha::report::{Env, InspectionBrief, LedgerFormat, ledger};
use xuncha::store::Store;

/// Resets the peak-memory mark so each phase is measured on its own (Linux only).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident memory of this process so far, in MB (Linux only).
fn peak_rss_mb() -> Option<f64> {
    rss_field("VmHWM:")
}

fn rss_field(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let scale: usize = std::env::var("XUNCHA_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = std::env::var("XUNCHA_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| tmp.path().to_path_buf());
    let now = Now(chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap());
    let mut ctx = Ctx::new(
        Store::open(&dir.join("data")).expect("store"),
        Catalog::builtin(),
        now,
        "bench",
    );
    if ctx.raw_store().finding_count() == 0 {
        let t = Instant::now();
        let made = ops::demo(&mut ctx, scale).expect("demo");
        println!(
            "demo: {} findings in {} inspections, {:.1} s",
            made.findings,
            made.inspections,
            t.elapsed().as_secs_f64()
        );
    }
    println!(
        "store: {} findings, resident memory after opening: {:.0} MB",
        ctx.raw_store().finding_count(),
        rss_field("VmRSS:").unwrap_or(0.0)
    );
    let q = FindingQuery::default();

    reset_peak();
    let t = Instant::now();
    let env = Env::of(&ctx.catalog, ctx.now);
    let inspections = ctx
        .raw_store()
        .all_inspections()
        .expect("inspections")
        .into_iter()
        .map(|i| (i.id, InspectionBrief::of(&i)))
        .collect();
    let rows = ledger(
        &env,
        &q,
        &inspections,
        ctx.raw_store()
            .all_findings()
            .map(|f| f.map_err(ops::OpsError::from)),
        &tmp.path().join("台账.xlsx"),
    )
    .expect("ledger")
    .len();
    println!(
        "ledger rows only (read, filter, make each row once, order them): {rows} rows, {:.2} s",
        t.elapsed().as_secs_f64()
    );
    if let Some(mb) = peak_rss_mb() {
        println!("      peak resident memory while building rows: {mb:.0} MB");
    }

    for format in [LedgerFormat::Csv, LedgerFormat::Xlsx] {
        reset_peak();
        let out = tmp.path().join(format!("台账.{}", format.extension()));
        let t = Instant::now();
        let s = export_ledger(&ctx, &q, format, &out, None).expect("export");
        println!(
            "export {:>4}: {} rows, {} sheets, {:.2} s, {:.1} MB",
            format.extension(),
            s.rows,
            s.sheets,
            t.elapsed().as_secs_f64(),
            s.bytes as f64 / (1u64 << 20) as f64
        );
        if let Some(mb) = peak_rss_mb() {
            println!("      peak resident memory during this export: {mb:.0} MB");
        }
    }
}
