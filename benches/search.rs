//! Search benchmark on a demo store: index build time, index memory, and per-keystroke query
//! latency (median, p99) as queries are typed one char at a time. Budget: p99 < 10 ms.
//!
//! `cargo bench --bench search` (scale: XUNCHA_BENCH_SCALE, default 100000; reuse a demo
//! data dir with XUNCHA_BENCH_DIR, made on first run if empty). With XUNCHA_BENCH_DUMP=FILE
//! it also writes every hit of every typed prefix to FILE, to diff the results of two
//! versions of the index; with XUNCHA_BENCH_SLOW_MS=N it names every keystroke slower than N ms.

use std::time::{Duration, Instant};
use xuncha::catalog::Catalog;
use xuncha::domain::Now;
use xuncha::ops::{self, Ctx};
use xuncha::search::{FindingDoc, Index};
use xuncha::store::Store;

const QUERIES: [&str; 9] = [
    "灭火器压力不足",
    "mhq",
    "miehuoqi",
    "gl房",
    "pds",
    "kongtiao",
    "xiaofangtongdao",
    "status:overdue yqp",
    "配电室 line:key_site",
];
/// Dumped too: typos, gaps and filters that exercise the fuzzy pass and the filters.
const DUMP_ONLY: [&str; 6] = [
    "mihuoqi",
    "灭器不足",
    "status:open peidian",
    "facility:东城 mhq",
    "status:closed xfd",
    "line:fire zdbj",
];
const ROUNDS: usize = 15;
const LIMIT: usize = 20;

fn main() {
    let scale: usize = std::env::var("XUNCHA_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let now = Now(chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00+08:00").unwrap());
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = std::env::var_os("XUNCHA_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| temp.path().to_path_buf());
    let catalog = Catalog::builtin();
    let store = Store::open(&dir).expect("store");
    let store = if store.finding_count() == 0 {
        let t = Instant::now();
        let mut ctx = Ctx::new(store, catalog.clone(), now, "bench");
        let s = ops::demo(&mut ctx, scale).expect("demo");
        println!(
            "demo: {} findings, {} events in {:.1?}",
            s.findings,
            s.events,
            t.elapsed()
        );
        ctx.into_store()
    } else {
        store
    };
    println!(
        "store: {} findings in {}",
        store.finding_count(),
        dir.display()
    );

    let rss0 = resident_bytes();
    let t = Instant::now();
    let ctx = Ctx::new(store, catalog.clone(), now, "bench");
    let (index, times) = xuncha::ops::load_search_index(&ctx).expect("load");
    let store = ctx.into_store();
    let build = t.elapsed();
    let rss1 = resident_bytes();
    println!(
        "index build (raw scan + partial decode): {build:.1?} — catalog {:.1?}, {} findings {:.1?}; {} distinct texts",
        times.catalog,
        times.count,
        times.findings,
        index.text_count()
    );
    println!(
        "index memory: estimate {:.1} MB; resident growth while building {:.1} MB",
        mb(index.memory_bytes()),
        mb(rss1.saturating_sub(rss0))
    );
    let t = Instant::now();
    let full = Index::build(&catalog, store.all_findings().map(|f| f.expect("finding")));
    println!(
        "for comparison, Index::build over full Finding decode: {:.1?}",
        t.elapsed()
    );
    drop(full);
    let mut dump =
        std::env::var_os("XUNCHA_BENCH_DUMP").map(|p| std::fs::File::create(p).expect("dump file"));
    if let Some(out) = dump.as_mut() {
        dump_hits(out, &index, &now);
    }
    keystrokes("demo data (descriptions shared)", &index, &now);

    // Worst case for the shared-text pool: every description distinct.
    let mut unique = Index::of_catalog(&catalog);
    let mut n = 0u32;
    store
        .for_each_finding_json(|bytes| {
            let mut doc: FindingDoc = serde_json::from_slice(bytes).expect("doc");
            n += 1;
            doc.description = format!("{}（{}号）", doc.description, n).into();
            doc.measures = format!("{}，{}日内完成", doc.measures, n % 997).into();
            unique.upsert_doc(&doc);
            Ok(())
        })
        .expect("scan");
    println!(
        "\nunique-description index: {} distinct texts, estimate {:.1} MB",
        unique.text_count(),
        mb(unique.memory_bytes())
    );
    if let Some(out) = dump.as_mut() {
        dump_hits(out, &unique, &now);
    }
    keystrokes("every description distinct", &unique, &now);
}

fn dump_hits(out: &mut impl std::io::Write, index: &Index, now: &Now) {
    for q in QUERIES.iter().chain(DUMP_ONLY.iter()) {
        let chars: Vec<char> = q.chars().collect();
        for k in 1..=chars.len() {
            let prefix: String = chars[..k].iter().collect();
            writeln!(out, "== {prefix}").expect("dump");
            for h in index.search(&prefix, now, LIMIT) {
                writeln!(
                    out,
                    "{:?} {:?} {} {:?} {:?} {:?} {:?} {}",
                    h.target,
                    h.tier,
                    h.score,
                    h.title_indices,
                    h.field,
                    h.field_indices,
                    h.subtitle_indices,
                    h.subtitle
                )
                .expect("dump");
            }
        }
    }
}

fn keystrokes(label: &str, index: &Index, now: &Now) {
    println!("\nper-keystroke latency, {label} (limit {LIMIT}, {ROUNDS} rounds):");
    println!(
        "{:<24} {:>6} {:>10} {:>10} {:>10}",
        "query", "keys", "median", "p99", "max"
    );
    let slow: Option<u64> = std::env::var("XUNCHA_BENCH_SLOW_MS")
        .ok()
        .and_then(|s| s.parse().ok());
    let mut all = Vec::new();
    for q in QUERIES {
        let chars: Vec<char> = q.chars().collect();
        let mut samples = Vec::new();
        for _ in 0..ROUNDS {
            for k in 1..=chars.len() {
                let prefix: String = chars[..k].iter().collect();
                let t = Instant::now();
                let hits = index.search(&prefix, now, LIMIT);
                samples.push(t.elapsed());
                if slow.is_some_and(|ms| t.elapsed() > Duration::from_millis(ms)) {
                    println!("  slow: {prefix:?} {:.2?}", t.elapsed());
                }
                std::hint::black_box(hits);
            }
        }
        samples.sort();
        println!(
            "{:<24} {:>6} {:>10.2?} {:>10.2?} {:>10.2?}",
            q,
            chars.len(),
            pct(&samples, 50),
            pct(&samples, 99),
            samples.last().copied().unwrap_or_default()
        );
        all.extend(samples);
    }
    all.sort();
    println!(
        "{:<24} {:>6} {:>10.2?} {:>10.2?} {:>10.2?}",
        "ALL",
        all.len() / ROUNDS,
        pct(&all, 50),
        pct(&all, 99),
        all.last().copied().unwrap_or_default()
    );
}

fn pct(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[(sorted.len() - 1) * p / 100]
}

fn resident_bytes() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or(0, |pages| pages * 4096)
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_048_576.0
}
