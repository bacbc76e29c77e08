//! The in-process figures and the references of `benches/office.sh` (issue 14), one
//! subcommand per row group. Not meant to be run alone: the script builds it with
//! `cargo build --release --bench office` and calls the executable with a data dir.
//!
//! ```text
//! office open DATA CONFIG REF   store open, ops::open, home figures, register rows; bare sled open of REF
//! office bare DATA REF          copy DATA's event log bytes into a bare sled tree at REF: insert rate, bytes/event
//! office sigs DATA [N]          check N (default all) of DATA's event signatures on every core
//! office keys DATA              per-keystroke search latency: demo texts, then every description distinct
//! office keyq DATA [QUERY…]     each prefix's latency (min/median/max of KEYQ_ROUNDS, default 5) as each QUERY (default QUERIES) is typed, every description distinct
//! office mkstore DATA SCALE   a syncable (not demo-marked) demo store of SCALE findings: write rate
//! office fsync DIR              write 1 KB and fsync, 50 times
//! office descs DATA OUT         every finding description, one a line (the fzf corpus)
//! office trees DATA             entries and key+value bytes of each sled tree, per event
//! office parts DATA CONFIG      store open and each part of the home figures, timed alone
//! office save DATA CONFIG [N]   N (default 30) confirmed hazard saves as the TUI's form makes them
//! office layout DATA DIR        sled open time and snapshot size: one event per key vs 64 per value
//! ```
//!
//! Times are wall-clock, milliseconds unless named; every figure is a fresh measurement.

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};
use xuncha::catalog::Catalog;
use xuncha::domain::Now;
use xuncha::ops::{self, Ctx};
use xuncha::search::{FindingDoc, Index};
use xuncha::store::{Record, Store, log_entry_events};

const QUERIES: [&str; 10] = [
    "灭火器压力不足",
    "mhq",
    "miehuoqi",
    "gl房",
    "pds",
    "kongtiao",
    "xiaofangtongdao",
    "status:overdue yqp",
    "配电室 line:key_site",
    // A typo (ai for ia): only the fuzzy pass finds it.
    "peidain",
];
const ROUNDS: usize = 5;
const LIMIT: usize = 20;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let a = |i: usize| -> &str { args.get(i).map(String::as_str).unwrap_or("") };
    match a(0) {
        "open" => open(Path::new(a(1)), Path::new(a(2)), Path::new(a(3))),
        "bare" => bare(Path::new(a(1)), Path::new(a(2))),
        "sigs" => sigs(Path::new(a(1)), a(2).parse().ok()),
        "keys" => keys(Path::new(a(1))),
        "keyq" => keyq(Path::new(a(1)), &args[2.min(args.len())..]),
        "mkstore" => mkstore(Path::new(a(1)), a(2).parse().expect("SCALE")),
        "fsync" => fsync(Path::new(a(1))),
        "descs" => descs(Path::new(a(1)), Path::new(a(2))),
        "trees" => trees(Path::new(a(1))),
        "parts" => parts(Path::new(a(1)), Path::new(a(2))),
        "layout" => layout(Path::new(a(1)), Path::new(a(2))),
        "save" => save(Path::new(a(1)), Path::new(a(2)), a(3).parse().unwrap_or(30)),
        other => {
            eprintln!("unknown subcommand {other:?}; see the doc comment of benches/office.rs");
            std::process::exit(2);
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn now() -> Now {
    let text =
        std::env::var("XUNCHA_NOW").unwrap_or_else(|_| "2026-11-22T09:00:00+08:00".to_string());
    Now(chrono::DateTime::parse_from_rfc3339(&text).expect("XUNCHA_NOW"))
}

/// Opens a bare sled database the way the store does (same cache size).
fn sled_open(dir: &Path) -> sled::Db {
    sled::Config::new()
        .path(dir)
        .cache_capacity(32 * 1024 * 1024)
        .open()
        .expect("sled open")
}

/// Store open, the whole start-up path, home figures and register rows, each timed alone;
/// then the bare sled reference: open the database at REF and its `log` tree, count it.
fn open(data: &Path, config: &Path, reference: &Path) {
    let t = Instant::now();
    let store = Store::open(data).expect("store open");
    let open_ms = ms(t.elapsed());
    let events = store.event_count();
    drop(store);
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    // As the TUI opens it (its small sled cache: it holds what it reads whole).
    let opened = ops::open_tui_at(data, config).expect("ops::open");
    let ops_ms = ms(t.elapsed());
    let ctx = opened.ctx;
    let t = Instant::now();
    let home = ops::home(&ctx, None).expect("home");
    let home_ms = ms(t.elapsed());
    let open_count: usize = home.lines.iter().map(|l| l.open).sum();
    // What the TUI's register asks ops for on the worker: the first screen, newest first;
    // every row, read once, and the default view chosen from them; then, for a filter key,
    // the whole list by deadline with the 待整改 filter chosen from the rows held.
    let t = Instant::now();
    let first = ops::register_first_screen(
        &ctx,
        &ops::RegisterFilter::default(),
        ops::SortDue::Newest,
        ops::FIRST_SCREEN_ROWS,
    )
    .expect("first screen")
    .map_or(0, |r| r.len());
    let first_ms = ms(t.elapsed());
    let t = Instant::now();
    let rows = ops::register_rows(&ctx).expect("register");
    let reg_ms = ms(t.elapsed());
    let n_rows = rows.len();
    let view = ops::register_select(
        &ctx,
        &rows,
        &ops::RegisterFilter::default(),
        ops::SortDue::Newest,
    )
    .expect("register view");
    let view_ms = ms(t.elapsed());
    let n_view = view.visible.len();
    let open_only = ops::RegisterFilter {
        status: Some(xuncha::domain::Status::Open),
        ..Default::default()
    };
    let t = Instant::now();
    let sorted =
        ops::register_select(&ctx, &rows, &open_only, ops::SortDue::DueAsc).expect("sorted");
    let sorted_ms = ms(t.elapsed());
    let n_sorted = sorted.visible.len();
    // The same view walked from the store, as each filter key did before rows were held.
    let t = Instant::now();
    let walked = ops::register_view(&ctx, &open_only, ops::SortDue::DueAsc).expect("walked");
    let walked_ms = ms(t.elapsed());
    assert_eq!(walked.rows.len(), n_sorted);
    drop((rows, walked));
    drop(ctx);

    let (bare_open, bare_events) = if reference.exists() {
        let t = Instant::now();
        let db = sled_open(reference);
        let log = db.open_tree("log").expect("tree");
        (ms(t.elapsed()), log.len())
    } else {
        (f64::NAN, 0)
    };
    println!(
        "store open (Store::open)            {open_ms:>9.1} ms  | bare sled open of the same event bytes: {bare_open:.1} ms ({bare_events} events; store holds {events})"
    );
    println!("start-up path (ops::open)           {ops_ms:>9.1} ms");
    println!("home figures (ops::home)            {home_ms:>9.1} ms  ({open_count} open)");
    println!(
        "open + home figures                 {:>9.1} ms  | goal ≤ 150 ms",
        ops_ms + home_ms
    );
    println!(
        "register loaded (ops::register_rows){reg_ms:>9.1} ms  ({n_rows} rows) | goal full list ≤ 300 ms"
    );
    println!(
        "register first screen               {first_ms:>9.1} ms  ({first} rows) | goal ≤ 100 ms"
    );
    println!(
        "register view, default filter       {view_ms:>9.1} ms  ({n_view} rows; rows read + chosen) | goal ≤ 300 ms"
    );
    println!(
        "register view, 待整改 by deadline     {sorted_ms:>9.1} ms  ({n_sorted} rows; from rows held) | goal ≤ 300 ms; walked from the store: {walked_ms:.1} ms"
    );
}

/// Copies DATA's `log` tree (the exact stored event bytes) into a fresh bare sled database at
/// REF with batches of 10,000, timing only the inserts and the final flush.
fn bare(data: &Path, reference: &Path) {
    let _ = std::fs::remove_dir_all(reference);
    let src = sled_open(&data.join("db"));
    let src_log = src.open_tree("log").expect("log");
    let dst = sled_open(reference);
    let dst_log = dst.open_tree("log").expect("log");
    let mut spent = Duration::ZERO;
    let mut n = 0u64;
    let mut bytes = 0u64;
    let mut iter = src_log.iter();
    loop {
        // One key per event: a run of the store's log is split (`store::log_runs`).
        let chunk: Vec<_> = iter
            .by_ref()
            .take(10_000)
            .map(|kv| kv.expect("read"))
            .flat_map(|(k, v)| log_entry_events(&k, &v))
            .collect();
        if chunk.is_empty() {
            break;
        }
        let mut batch = sled::Batch::default();
        for (k, v) in &chunk {
            // The event's own bytes (len | body | signature), as the store packs them or not.
            let v = Record::from_stored(v).0;
            n += 1;
            bytes += (k.len() + v.len()) as u64;
            batch.insert(k.clone(), v);
        }
        let t = Instant::now();
        dst_log.apply_batch(batch).expect("insert");
        spent += t.elapsed();
    }
    let t = Instant::now();
    dst.flush().expect("flush");
    spent += t.elapsed();
    drop(dst_log);
    drop(dst);
    std::thread::sleep(Duration::from_millis(500));
    let on_disk = dir_bytes(reference);
    println!(
        "bare sled: {n} events ({:.0} B key+value each) inserted in {:.2} s = {:.0} events/s; on disk {:.0} B per event",
        bytes as f64 / n.max(1) as f64,
        spent.as_secs_f64(),
        n as f64 / spent.as_secs_f64(),
        on_disk as f64 / n.max(1) as f64
    );
}

/// Where the data dir's bytes go: each tree's entries and key+value bytes, per event held,
/// beside the whole directory's size on disk.
fn trees(data: &Path) {
    // Counted by the store: a log entry may hold a run of events (`store::log_runs`).
    let events = Store::open(data).expect("store").event_count().max(1) as f64;
    std::thread::sleep(Duration::from_millis(800));
    let db = sled_open(&data.join("db"));
    let mut total = 0u64;
    for name in db.tree_names() {
        let tree = db.open_tree(&name).expect("tree");
        let (mut n, mut bytes) = (0u64, 0u64);
        for kv in tree.iter() {
            let (k, v) = kv.expect("read");
            n += 1;
            bytes += (k.len() + v.len()) as u64;
        }
        total += bytes;
        println!(
            "  tree {:<14} {n:>9} entries {:>8.0} B per event",
            String::from_utf8_lossy(&name),
            bytes as f64 / events
        );
    }
    drop(db);
    println!(
        "  all trees {:.0} B per event (key+value); data dir on disk {:.0} B per event",
        total as f64 / events,
        dir_bytes(data) as f64 / events
    );
}

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

/// Checks one ed25519 signature per event (the first N of DATA's log), split over every core.
fn sigs(data: &Path, limit: Option<usize>) {
    let db = sled_open(&data.join("db"));
    let keys: HashMap<Vec<u8>, VerifyingKey> = db
        .open_tree("keys")
        .expect("keys")
        .iter()
        .map(|kv| kv.expect("read"))
        .filter_map(|(k, v)| {
            let bytes: [u8; 32] = v.as_ref().try_into().ok()?;
            Some((k.to_vec(), VerifyingKey::from_bytes(&bytes).ok()?))
        })
        .collect();
    let log = db.open_tree("log").expect("log");
    let records: Vec<(Vec<u8>, Vec<u8>)> = log
        .iter()
        .map(|kv| kv.expect("read"))
        .flat_map(|(k, v)| log_entry_events(&k, &v))
        .take(limit.unwrap_or(usize::MAX))
        .map(|(k, v)| (k[..16].to_vec(), Record::from_stored(&v).0))
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t = Instant::now();
    let bad: usize = std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks(records.len().div_ceil(cores).max(1))
            .map(|part| {
                let keys = &keys;
                s.spawn(move || {
                    part.iter()
                        .filter(|(device, rec)| {
                            let n = u32::from_le_bytes(rec[..4].try_into().unwrap()) as usize;
                            let body = &rec[4..4 + n];
                            let sig = Signature::from_slice(&rec[4 + n..]).expect("sig");
                            keys.get(device)
                                .is_none_or(|k| k.verify(body, &sig).is_err())
                        })
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    let spent = t.elapsed();
    println!(
        "ed25519: {} signatures checked on {cores} cores in {:.2} s ({bad} failed)",
        records.len(),
        spent.as_secs_f64()
    );
}

/// Per-keystroke latency as each query of QUERIES is typed one character at a time, over the
/// demo texts and over the same findings with every description and measure made distinct.
fn keys(data: &Path) {
    let catalog = Catalog::builtin();
    let store = Store::open(data).expect("store");
    let ctx = Ctx::new(store, catalog.clone(), now(), "bench");
    let (index, _) = ops::load_search_index(&ctx).expect("index");
    let store = ctx.into_store();
    eprintln!(
        "  index, descriptions shared: {} texts, {:.1} MB (estimate; per-char lists {:.2} MB)",
        index.text_count(),
        index.memory_bytes() as f64 / 1e6,
        index.char_list_bytes() as f64 / 1e6
    );
    print_parts(&index);
    keystrokes("descriptions shared  ", &index);
    // What the keystrokes left: the plan, the per-text lists (`postings`), the memos.
    print_parts(&index);
    drop(index);
    let unique = distinct_index(&store);
    eprintln!(
        "  index, every description distinct: {} texts, {:.1} MB (estimate; per-char lists {:.2} MB)",
        unique.text_count(),
        unique.memory_bytes() as f64 / 1e6,
        unique.char_list_bytes() as f64 / 1e6
    );
    print_parts(&unique);
    keystrokes("every description distinct", &unique);
    print_parts(&unique);
}

/// The index's estimate part by part, on one line (MB).
fn print_parts(index: &Index) {
    let parts: Vec<String> = index
        .memory_parts()
        .iter()
        .map(|(name, b)| format!("{name} {:.2}", *b as f64 / 1e6))
        .collect();
    eprintln!("    parts (MB): {}", parts.join(", "));
}

/// Each prefix of each query typed (ROUNDS times) over the every-description-distinct index:
/// median and max per prefix, to see which keystroke costs what.
fn keyq(data: &Path, queries: &[String]) {
    let store = Store::open(data).expect("store");
    let index = distinct_index(&store);
    let queries: Vec<String> = if queries.is_empty() {
        QUERIES.iter().map(|q| q.to_string()).collect()
    } else {
        queries.to_vec()
    };
    let now = now();
    // KEYQ_ROUNDS=N types each query N times (default ROUNDS).
    let rounds = std::env::var("KEYQ_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(ROUNDS);
    for q in &queries {
        let chars: Vec<char> = q.chars().collect();
        let mut times = vec![Vec::new(); chars.len()];
        for _ in 0..rounds {
            for (k, spent) in times.iter_mut().enumerate() {
                let prefix: String = chars[..=k].iter().collect();
                let t = Instant::now();
                std::hint::black_box(index.search(&prefix, &now, LIMIT));
                spent.push(t.elapsed());
            }
        }
        let line: Vec<String> = times
            .iter_mut()
            .enumerate()
            .map(|(k, spent)| {
                spent.sort();
                let prefix: String = chars[..=k].iter().collect();
                format!(
                    "「{prefix}」{:.1}/{:.1}/{:.1}",
                    ms(spent[0]),
                    ms(spent[spent.len() / 2]),
                    ms(spent[spent.len() - 1])
                )
            })
            .collect();
        // The least of the rounds is the figure a busy machine disturbs least.
        println!("{} (min/median/max ms)", line.join(" "));
    }
}

/// The findings of `store` with every description and measure made distinct, in an index
/// read back from its file bytes, as the CLI and the TUI read theirs.
fn distinct_index(store: &Store) -> Index {
    let mut unique = Index::of_catalog(&Catalog::builtin());
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
    let bytes = unique.to_bytes(b"bench");
    drop(unique);
    Index::from_bytes_unchecked(&bytes).expect("index file")
}

fn keystrokes(label: &str, index: &Index) {
    let now = now();
    let mut all = Vec::new();
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    for q in QUERIES {
        let chars: Vec<char> = q.chars().collect();
        for _ in 0..ROUNDS {
            for k in 1..=chars.len() {
                let prefix: String = chars[..k].iter().collect();
                let t = Instant::now();
                std::hint::black_box(index.search(&prefix, &now, LIMIT));
                let spent = t.elapsed();
                all.push(spent);
                slowest.push((spent, prefix));
            }
        }
    }
    all.sort();
    slowest.sort_by_key(|b| std::cmp::Reverse(b.0));
    let mut seen = std::collections::HashSet::new();
    let worst: Vec<String> = slowest
        .iter()
        .filter(|(_, p)| seen.insert(p.clone()))
        .take(4)
        .map(|(d, p)| format!("「{p}」{:.1} ms", ms(*d)))
        .collect();
    eprintln!("  slowest keystrokes, {label}: {}", worst.join("，"));
    let pct = |p: usize| ms(all[(all.len() - 1) * p / 100]);
    println!(
        "per keystroke, {label}: median {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} keystrokes) | goal p99 ≤ 5 ms",
        pct(50),
        pct(99),
        pct(100),
        all.len()
    );
}

/// Fills an empty store at DATA with `ops::demo` (as `xuncha demo` does, without the demo
/// mark, so the store can sync): the app's write rate for the event-count.
fn mkstore(data: &Path, scale: usize) {
    let store = Store::open(data).expect("store");
    let mut ctx = Ctx::new(store, Catalog::builtin(), now(), "王建国");
    let t = Instant::now();
    let s = ops::demo(&mut ctx, scale).expect("demo");
    let spent = t.elapsed().as_secs_f64();
    let events = ctx.event_count();
    println!(
        "demo (ops::demo): {} findings, {events} events in {spent:.2} s = {:.0} events/s",
        s.findings,
        events as f64 / spent
    );
}

/// The disk's floor for a confirmed save: write 1 KB to a file and fsync it, 50 times.
fn fsync(dir: &Path) {
    let path = dir.join("fsync.probe");
    let mut f = std::fs::File::create(&path).expect("probe file");
    let block = [7u8; 1024];
    let t = Instant::now();
    for _ in 0..50 {
        f.write_all(&block).expect("write");
        f.sync_all().expect("fsync");
    }
    println!(
        "write 1 KB + fsync on this disk: {:.2} ms each",
        ms(t.elapsed()) / 50.0
    );
    let _ = std::fs::remove_file(path);
}

/// The fzf corpus: every finding's description on its own line.
fn descs(data: &Path, out: &Path) {
    let store = Store::open(data).expect("store");
    let mut w = std::io::BufWriter::new(std::fs::File::create(out).expect("out"));
    store
        .for_each_finding_json(|bytes| {
            let doc: FindingDoc = serde_json::from_slice(bytes).expect("doc");
            writeln!(w, "{}", doc.description.replace('\n', " ")).expect("write");
            Ok(())
        })
        .expect("scan");
}

/// Where the start-up time goes: `Store::open`, the rest of `ops::open`, and the parts of
/// `ops::home` that read beyond its counters and marks, each timed alone after a first home.
fn parts(data: &Path, config: &Path) {
    let t = Instant::now();
    let opened = ops::open_at(data, config).expect("ops::open");
    let open_ms = ms(t.elapsed());
    let ctx = opened.ctx;
    let timed = |label: &str, f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        println!("  {label:<36}{:>9.1} ms", ms(t.elapsed()));
    };
    println!(
        "  {:<36}{open_ms:>9.1} ms",
        "ops::open (Store::open and the rest)"
    );
    timed("ops::home whole, first", &mut || {
        std::hint::black_box(ops::home(&ctx, None).expect("home"));
    });
    timed("sync_info (peers, trust)", &mut || {
        std::hint::black_box(ops::sync_info(&ctx, None).expect("sync"));
    });
    timed("due_counts (equipment)", &mut || {
        std::hint::black_box(ops::due_counts(&ctx).expect("due"));
    });
    timed("plan_panel", &mut || {
        std::hint::black_box(ops::plan_panel(&ctx).expect("plan"));
    });
    timed("ops::home whole, again", &mut || {
        std::hint::black_box(ops::home(&ctx, None).expect("home"));
    });
}

/// One confirmed save in the TUI: the store opened once (as the TUI's worker holds it), the
/// search index loaded (as after a first search), then `n` hazards saved one at a time through
/// the call the hazard form's Ctrl-s makes (`ops::record_finding_at`, flushed before it
/// returns) and put into the index (`ops::index_finding`), each timed alone. Prints the median,
/// p99 and max beside the disk's fsync floor measured right after, in the data dir's folder.
fn save(data: &Path, config: &Path, n: usize) {
    let mut ctx = ops::open_at(data, config).expect("ops::open").ctx;
    ops::search(&mut ctx, "消防", 1).expect("search index");
    let inspection = ops::start_inspection(
        &mut ctx,
        ops::NewInspection {
            facility: "性能测试医院".into(),
            departments: vec![],
            mode: Some(xuncha::domain::Mode::SelfCheck),
            inspectors: vec!["测试".into()],
            lines: vec!["fire".into()],
        },
    )
    .expect("inspection")
    .id;
    let mut spent = Vec::with_capacity(n);
    for i in 0..n {
        let new = ops::NewFinding {
            inspection: Some(inspection),
            item_id: Some("fire.exit-clear".into()),
            description: format!("性能测试：疏散通道堆放杂物（{i}）"),
            location: "三楼".into(),
            measures: "立即清理".into(),
            responsible: "后勤科 王芳".into(),
            ..Default::default()
        };
        let t = Instant::now();
        let f = ops::record_finding_at(&mut ctx, new, ops::PlaceIntent::Auto)
            .expect("save")
            .finding;
        ops::index_finding(&mut ctx, &f);
        spent.push(t.elapsed());
    }
    spent.sort();
    let pct = |p: usize| ms(spent[(spent.len() - 1) * p / 100]);
    println!(
        "confirmed save (ops::record_finding_at + index): median {:.2} ms, p99 {:.2} ms, max {:.2} ms ({n} saves) | goal ≤ 20 ms",
        pct(50),
        pct(99),
        pct(100)
    );
    drop(ctx);
    fsync(data.parent().unwrap_or(data));
}

/// How sled 0.34's open cost follows the number of keys (issue 14, goal 3): DATA's event
/// bytes copied into two bare databases under DIR, `one` with one key per event (the `log`
/// tree's layout) and `packed` with 64 consecutive events of a device per value (key: the
/// first event's key); then each opened alternately three times (open and `open_tree`), with
/// the snapshot file's size and the directory's size per event.
fn layout(data: &Path, dir: &Path) {
    const PER_VALUE: usize = 64;
    let one = dir.join("one");
    let packed = dir.join("packed");
    for d in [&one, &packed] {
        let _ = std::fs::remove_dir_all(d);
    }
    let src = sled_open(&data.join("db"));
    let src_log = src.open_tree("log").expect("log");
    let (db1, dbp) = (sled_open(&one), sled_open(&packed));
    let (log1, logp) = (
        db1.open_tree("log").expect("log"),
        dbp.open_tree("log").expect("log"),
    );
    let (mut b1, mut bp) = (sled::Batch::default(), sled::Batch::default());
    let (mut n, mut in_b1) = (0u64, 0usize);
    let mut group: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let flush_group = |group: &mut Vec<(Vec<u8>, Vec<u8>)>, bp: &mut sled::Batch| {
        if let Some((k, _)) = group.first() {
            let mut v = Vec::new();
            for (_, e) in group.iter() {
                v.extend_from_slice(&(e.len() as u32).to_le_bytes());
                v.extend_from_slice(e);
            }
            bp.insert(k.clone(), v);
        }
        group.clear();
    };
    let events = src_log
        .iter()
        .map(|kv| kv.expect("read"))
        .flat_map(|(k, v)| log_entry_events(&k, &v));
    for (k, v) in events {
        n += 1;
        b1.insert(k.to_vec(), v.to_vec());
        in_b1 += 1;
        // A value holds one device's consecutive events only.
        if group.first().is_some_and(|(g, _)| g[..16] != k[..16]) || group.len() == PER_VALUE {
            flush_group(&mut group, &mut bp);
        }
        group.push((k.to_vec(), v.to_vec()));
        if in_b1 == 10_000 {
            log1.apply_batch(std::mem::take(&mut b1)).expect("insert");
            logp.apply_batch(std::mem::take(&mut bp)).expect("insert");
            in_b1 = 0;
        }
    }
    flush_group(&mut group, &mut bp);
    log1.apply_batch(b1).expect("insert");
    logp.apply_batch(bp).expect("insert");
    let (keys1, keysp) = (log1.len(), logp.len());
    db1.flush().expect("flush");
    dbp.flush().expect("flush");
    drop((log1, logp, db1, dbp, src_log, src));
    std::thread::sleep(Duration::from_millis(800));
    let mut times: [Vec<f64>; 2] = [vec![], vec![]];
    for _ in 0..3 {
        for (i, d) in [&one, &packed].into_iter().enumerate() {
            let t = Instant::now();
            let db = sled_open(d);
            let log = db.open_tree("log").expect("log");
            times[i].push(ms(t.elapsed()));
            drop((log, db));
            std::thread::sleep(Duration::from_millis(800));
        }
    }
    let snap = |d: &Path| -> u64 {
        std::fs::read_dir(d)
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with("snap."))
                    .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
                    .sum()
            })
            .unwrap_or(0)
    };
    for (i, (label, d, keys)) in [
        ("one event per key", &one, keys1),
        ("64 events per value", &packed, keysp),
    ]
    .into_iter()
    .enumerate()
    {
        let mut t = times[i].clone();
        t.sort_by(f64::total_cmp);
        println!(
            "bare sled, {label:<20}: {keys:>7} keys for {n} events, open {:.1} ms (min {:.1}), snapshot {:.2} MB, {:.0} B per event on disk",
            t[1],
            t[0],
            snap(d) as f64 / 1e6,
            dir_bytes(d) as f64 / n.max(1) as f64
        );
    }
}
