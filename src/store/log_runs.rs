//! Runs: up to [`RUN_LEN`] consecutive events of one device kept under one `log` key (issue
//! 14, office scale).
//!
//! sled 0.34 splits a leaf page past 16 entries, so a log written in order holds about nine
//! events per leaf, and every open reads and keeps one page-table entry per page: at 100,000
//! hazards the log's 628,000 keys were about 70,000 of the store's 133,000 pages. A run of
//! eight events is one key, so the log takes about an eighth of the pages (measured figures in
//! docs/store-format.md, "Runs").
//!
//! A run is written where a stretch of a device's events is written at once: by an import or
//! any other ordered write of many events (`apply.rs`, [`as_runs`]), and by compaction
//! (`doctor --compact`, and the demo, which ends with it), which also gathers the single keys
//! of events saved one at a time. Code that removes or renumbers events (fork settling,
//! roster cuts) first turns the runs it touches back into single keys ([`split_runs_from`]),
//! one sled transaction per run.
//!
//! Layout of a run's value, under the key `device ‖ seq of its first event`:
//! `FF FF FF 02 | count (u8, 2..=RUN_LEN) | count × (length u32 LE | stored record)`, each
//! stored record exactly as a single key holds it (`Record::stored`). A single record never
//! starts with `FF FF FF` followed by 0x02 (see `codec::PACKED`). A run value that does not
//! parse reads as one damaged record at its key, so the log check names it (never a panic).
//!
//! Every read of the log goes through this module: an event may sit in a run whose key is an
//! earlier seq.

use sled::{IVec, Tree};
use uuid::Uuid;

use super::Result;
use super::codec::{log_key, split_log_key};

/// How a run's value starts.
pub const RUN: [u8; 4] = [0xFF, 0xFF, 0xFF, 0x02];
/// The most events one run holds: eight keeps a leaf page of runs about 20 KB (a point read
/// loads a whole leaf), and takes the log from about 9 events per page to about 70.
pub const RUN_LEN: usize = 8;

/// The events one `log` entry holds: `(seq, stored record)`, in seq order. A single record is
/// the entry itself; a run is split; a damaged run is one record, the whole value.
pub(super) fn events_of(first_seq: u64, value: &IVec) -> Vec<(u64, IVec)> {
    match parse_run(value) {
        Some(parts) => parts
            .into_iter()
            .enumerate()
            .map(|(i, b)| (first_seq + i as u64, IVec::from(b)))
            .collect(),
        None => vec![(first_seq, value.clone())],
    }
}

/// The events one raw `log` entry holds, for tools that read the tree with sled themselves
/// (the office bench): `(log key of the event, stored record)` in seq order; the entry itself
/// when its key is not a log key.
pub fn log_entry_events(key: &[u8], value: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    match split_log_key(key) {
        Some((device, first)) if is_run(value) => events_of(first, &IVec::from(value))
            .into_iter()
            .map(|(seq, r)| (log_key(device, seq).to_vec(), r.to_vec()))
            .collect(),
        _ => vec![(key.to_vec(), value.to_vec())],
    }
}

/// How many events the entry holds, read from its header only.
fn count_of(value: &[u8]) -> usize {
    if value.starts_with(&RUN) && value.len() > RUN.len() && parse_run(value).is_some() {
        value[RUN.len()] as usize
    } else {
        1
    }
}

/// The parts of a well-formed run, or None for a single record (or a damaged run).
fn parse_run(value: &[u8]) -> Option<Vec<&[u8]>> {
    let rest = value.strip_prefix(&RUN)?;
    let (&count, mut rest) = rest.split_first()?;
    if !(2..=RUN_LEN).contains(&(count as usize)) {
        return None;
    }
    let mut parts = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let part = rest.get(4..4 + len)?;
        parts.push(part);
        rest = &rest[4 + len..];
    }
    rest.is_empty().then_some(parts)
}

/// The value of a run of `records` (stored records, 2..=[`RUN_LEN`] of them, consecutive
/// seqs of one device).
pub(super) fn run_value(records: &[IVec]) -> Vec<u8> {
    debug_assert!((2..=RUN_LEN).contains(&records.len()));
    let len: usize = records.iter().map(|r| 4 + r.len()).sum();
    let mut v = Vec::with_capacity(RUN.len() + 1 + len);
    v.extend_from_slice(&RUN);
    v.push(records.len() as u8);
    for r in records {
        v.extend_from_slice(&(r.len() as u32).to_le_bytes());
        v.extend_from_slice(r);
    }
    v
}

/// Whether a `log` value is a run (well formed or not).
pub(super) fn is_run(value: &[u8]) -> bool {
    value.starts_with(&RUN)
}

/// The entry of `device` that holds `seq` or the last one before it: its first seq and value.
fn entry_at_or_before(log: &Tree, device: Uuid, seq: u64) -> Result<Option<(u64, IVec)>> {
    let Some((k, v)) = log
        .range(log_key(device, 0)..=log_key(device, seq))
        .next_back()
        .transpose()?
    else {
        return Ok(None);
    };
    Ok(split_log_key(&k).map(|(_, first)| (first, v)))
}

/// The stored record of event `(device, seq)`, wherever it sits.
///
/// # Errors
/// sled's, when the tree cannot be read.
pub(super) fn get(log: &Tree, device: Uuid, seq: u64) -> Result<Option<IVec>> {
    let Some((first, v)) = entry_at_or_before(log, device, seq)? else {
        return Ok(None);
    };
    if first == seq && !is_run(&v) {
        return Ok(Some(v));
    }
    Ok(events_of(first, &v)
        .into_iter()
        .find(|(s, _)| *s == seq)
        .map(|(_, r)| r))
}

/// The stored records of `refs` (device, seq), in the order given: read in log order, each
/// entry once however many of its events are asked for (a registry's events, written
/// together, share runs). None for an event not held.
///
/// # Errors
/// sled's, when the tree cannot be read.
pub(super) fn get_many(log: &Tree, refs: &[(Uuid, u64)]) -> Result<Vec<Option<IVec>>> {
    let mut order: Vec<usize> = (0..refs.len()).collect();
    order.sort_unstable_by_key(|&i| refs[i]);
    let mut out = vec![None; refs.len()];
    // The entry read last: its device, and its events.
    let mut held: Option<(Uuid, Vec<(u64, IVec)>)> = None;
    for i in order {
        let (device, seq) = refs[i];
        let covered = |h: &Option<(Uuid, Vec<(u64, IVec)>)>| {
            h.as_ref().is_some_and(|(d, events)| {
                *d == device
                    && events.first().is_some_and(|e| e.0 <= seq)
                    && events.last().is_some_and(|e| e.0 >= seq)
            })
        };
        if !covered(&held) {
            held = entry_at_or_before(log, device, seq)?
                .map(|(first, v)| (device, events_of(first, &v)));
        }
        if let Some((_, events)) = &held {
            out[i] = events
                .iter()
                .find(|(s, _)| *s == seq)
                .map(|(_, r)| r.clone());
        }
    }
    Ok(out)
}

/// `device`'s last event in the log: its seq and stored record.
///
/// # Errors
/// sled's, when the tree cannot be read.
pub(super) fn last(log: &Tree, device: Uuid) -> Result<Option<(u64, IVec)>> {
    let Some((k, v)) = log.scan_prefix(device.as_bytes()).next_back().transpose()? else {
        return Ok(None);
    };
    let Some((_, first)) = split_log_key(&k) else {
        return Ok(None);
    };
    Ok(events_of(first, &v).pop())
}

/// `device`'s events with seqs in `from..=to`, in order: `(seq, stored record)`.
///
/// # Errors
/// sled's, when the tree cannot be read (also as an item of the iterator).
pub(super) fn range(
    log: &Tree,
    device: Uuid,
    from: u64,
    to: u64,
) -> Result<impl Iterator<Item = Result<(u64, IVec)>> + use<>> {
    // A run that starts before `from` may hold it.
    let start = match entry_at_or_before(log, device, from)? {
        Some((first, v)) if first < from && is_run(&v) => first,
        _ => from,
    };
    // Walked (`walk.rs`): a range over a device's whole log (the numbering's count after a
    // demo, a bundle's export) otherwise kept the pages it read: 56 MB at 100,000 hazards.
    let keys = log_key(device, start)..=log_key(device, to.max(start));
    Ok(super::walk::walk_by_size(log.clone(), log.range(keys))
        .flat_map(move |kv| -> Vec<Result<(u64, IVec)>> {
            match kv {
                Err(e) => vec![Err(e.into())],
                Ok((k, v)) => match split_log_key(&k) {
                    Some((_, first)) => events_of(first, &v).into_iter().map(Ok).collect(),
                    None => vec![],
                },
            }
        })
        .filter(move |e| !matches!(e, Ok((s, _)) if *s < from || *s > to)))
}

/// Every event of the log in key order: `(log key of the event, stored record)`; an entry
/// whose key is not a log key is handed on as it is, for the log check to name. Walked so
/// sled's cache accounting sees the pass (`walk.rs`): each entry is read once more per event
/// it holds, since a leaf of runs is about as big as eight leaves of single events.
pub(super) fn walk(log: &Tree) -> impl Iterator<Item = Result<(IVec, IVec)>> + '_ {
    super::walk::walk(log, log.iter()).flat_map(move |kv| -> Vec<Result<(IVec, IVec)>> {
        match kv {
            Err(e) => vec![Err(e.into())],
            Ok((k, v)) => match split_log_key(&k) {
                Some((device, first)) if is_run(&v) => {
                    let events = events_of(first, &v);
                    for _ in 1..events.len() {
                        let _ = log.get(&k);
                    }
                    events
                        .into_iter()
                        .map(|(seq, r)| Ok((IVec::from(&log_key(device, seq)[..]), r)))
                        .collect()
                }
                _ => vec![Ok((k, v))],
            },
        }
    })
}

/// How many events the log holds. Reads every entry (sled keeps no count): O(entries).
///
/// # Errors
/// sled's, when the tree cannot be read.
pub(super) fn count(log: &Tree) -> Result<usize> {
    let mut n = 0;
    for kv in log.iter() {
        let (_, v) = kv?;
        n += count_of(&v);
    }
    Ok(n)
}

/// Turns every run of `device` holding an event with seq ≥ `from` back into single keys, each
/// in one sled transaction (the run's key removed, its events inserted), so code that removes
/// or renumbers events by key finds each under its own. Returns how many runs were split.
///
/// # Errors
/// sled's, when the tree cannot be read or written.
pub(super) fn split_runs_from(log: &Tree, device: Uuid, from: u64) -> Result<usize> {
    let start = match entry_at_or_before(log, device, from)? {
        Some((first, _)) => first,
        None => from,
    };
    let mut runs = Vec::new();
    for kv in log.range(log_key(device, start)..=log_key(device, u64::MAX)) {
        let (k, v) = kv?;
        if is_run(&v)
            && let Some((_, first)) = split_log_key(&k)
            && parse_run(&v).is_some()
        {
            runs.push((first, v));
        }
    }
    for (first, v) in &runs {
        let events = events_of(*first, v);
        log.transaction(|tx| {
            tx.remove(&log_key(device, *first))?;
            for (seq, r) in &events {
                tx.insert(&log_key(device, *seq), r.clone())?;
            }
            Ok(())
        })
        .map_err(|e: sled::transaction::TransactionError<()>| match e {
            sled::transaction::TransactionError::Storage(e) => super::StoreError::from(e),
            sled::transaction::TransactionError::Abort(()) => {
                super::StoreError::Corrupt("拆分日志事件组失败".into())
            }
        })?;
    }
    Ok(runs.len())
}

/// `(device, seq, stored record)` of events not held yet, as `log` entries: each stretch of
/// consecutive seqs of one device (in the order given) as runs of up to [`RUN_LEN`], any
/// other event as its own key.
pub(super) fn as_runs(
    events: impl IntoIterator<Item = (Uuid, u64, Vec<u8>)>,
) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    let mut group: Option<(Uuid, u64, Vec<IVec>)> = None;
    let flush = |group: &mut Option<(Uuid, u64, Vec<IVec>)>, out: &mut Vec<(Vec<u8>, Vec<u8>)>| {
        if let Some((device, first, records)) = group.take() {
            let key = log_key(device, first).to_vec();
            match records.len() {
                0 => {}
                1 => out.push((key, records[0].to_vec())),
                _ => out.push((key, run_value(&records))),
            }
        }
    };
    for (device, seq, stored) in events {
        match &mut group {
            Some((d, first, records))
                if *d == device
                    && *first + records.len() as u64 == seq
                    && records.len() < RUN_LEN =>
            {
                records.push(IVec::from(stored))
            }
            _ => {
                flush(&mut group, &mut out);
                group = Some((device, seq, vec![IVec::from(stored)]));
            }
        }
    }
    flush(&mut group, &mut out);
    out
}

/// Copies the log `from` into `to` (an empty tree) with consecutive single events of one
/// device gathered into runs of up to [`RUN_LEN`], through byte-bounded batches
/// (`batched.rs`). Runs already made, and any entry that is not a log key, are copied as they
/// are.
///
/// # Errors
/// sled's, when either tree cannot be read or written.
pub(super) fn copy_as_runs(from: &Tree, to: &Tree) -> Result<()> {
    let mut batch = super::batched::Batched::new(to);
    // The first key of the group gathered and its records.
    let mut group: Option<(Uuid, u64, Vec<IVec>)> = None;
    let flush = |group: &mut Option<(Uuid, u64, Vec<IVec>)>,
                 batch: &mut super::batched::Batched|
     -> Result<()> {
        if let Some((device, first, records)) = group.take() {
            let key = IVec::from(&log_key(device, first)[..]);
            match records.len() {
                0 => {}
                1 => batch.insert(key, records[0].clone())?,
                _ => batch.insert(key, IVec::from(run_value(&records)))?,
            }
        }
        Ok(())
    };
    // sled writes a leaf of runs whole each time it consolidates one, about eight times the
    // bytes of a leaf of single events: the batches wait for its write buffers every few MB
    // (`batched::FLUSH_EVERY`; without, 467 MB resident copying the 100k log).
    for kv in super::walk::walk_by_size(from.clone(), from.iter()) {
        let (k, v) = kv?;
        let at = split_log_key(&k).filter(|_| !is_run(&v));
        let Some((device, seq)) = at else {
            flush(&mut group, &mut batch)?;
            batch.insert(k, v)?;
            continue;
        };
        match &mut group {
            Some((d, first, records))
                if *d == device
                    && *first + records.len() as u64 == seq
                    && records.len() < RUN_LEN =>
            {
                records.push(v)
            }
            _ => {
                flush(&mut group, &mut batch)?;
                group = Some((device, seq, vec![v]));
            }
        }
    }
    flush(&mut group, &mut batch)?;
    batch.apply()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (sled::Db, Tree) {
        let db = sled::Config::new().temporary(true).open().expect("db");
        let t = db.open_tree("log").expect("tree");
        (db, t)
    }

    /// A stand-in stored record: log_runs never looks inside one.
    fn rec(device: Uuid, seq: u64) -> IVec {
        IVec::from(format!("记录 {device} #{seq} {}", "x".repeat(seq as usize % 7)).as_bytes())
    }

    /// Two devices: A with seqs 1..=20 and 23..=25 (a gap), B with 1..=3.
    fn filled(t: &Tree) -> (Uuid, Uuid, Vec<(IVec, IVec)>) {
        let (a, b) = (Uuid::from_u128(0xA), Uuid::from_u128(0xB));
        let mut all = vec![];
        for (d, seqs) in [
            (a, (1..=20).chain(23..=25).collect::<Vec<u64>>()),
            (b, (1..=3).collect()),
        ] {
            for s in seqs {
                let k = IVec::from(&log_key(d, s)[..]);
                t.insert(&k, rec(d, s)).expect("insert");
                all.push((k, rec(d, s)));
            }
        }
        (a, b, all)
    }

    fn walked(t: &Tree) -> Vec<(IVec, IVec)> {
        walk(t).map(|kv| kv.expect("read")).collect()
    }

    #[test]
    fn a_copy_in_runs_reads_back_every_event_in_order_under_fewer_keys() {
        let (_db, src) = tree();
        let (a, b, all) = filled(&src);
        let (_db2, runs) = tree();
        copy_as_runs(&src, &runs).expect("copy");
        // 1..=8, 9..=16, 17..=20, 23..=25 of A; 1..=3 of B.
        assert_eq!(runs.len(), 5);
        assert_eq!(walked(&runs), all);
        assert_eq!(count(&runs).expect("count"), 26);
        for (d, s) in [(a, 1), (a, 8), (a, 9), (a, 20), (a, 23), (a, 25), (b, 2)] {
            assert_eq!(get(&runs, d, s).expect("get"), Some(rec(d, s)), "{d} {s}");
        }
        for (d, s) in [(a, 0), (a, 21), (a, 22), (a, 26), (b, 4)] {
            assert_eq!(get(&runs, d, s).expect("get"), None, "{d} {s}");
        }
        assert_eq!(last(&runs, a).expect("last"), Some((25, rec(a, 25))));
        assert_eq!(last(&runs, b).expect("last"), Some((3, rec(b, 3))));
        let seqs = |from, to| -> Vec<u64> {
            range(&runs, a, from, to)
                .expect("range")
                .map(|kv| kv.expect("read").0)
                .collect()
        };
        assert_eq!(seqs(6, 10), vec![6, 7, 8, 9, 10]);
        assert_eq!(seqs(19, 24), vec![19, 20, 23, 24]);
        assert_eq!(seqs(21, 22), Vec::<u64>::new());
        assert_eq!(seqs(25, u64::MAX), vec![25]);
        // Many at once, in the order asked, each run read once: the same records.
        let refs = [
            (b, 2),
            (a, 9),
            (a, 21),
            (a, 1),
            (a, 9),
            (a, 25),
            (b, 9),
            (a, 16),
        ];
        let many = get_many(&runs, &refs).expect("get_many");
        let one_by_one: Vec<Option<IVec>> = refs
            .iter()
            .map(|(d, s)| get(&runs, *d, *s).expect("get"))
            .collect();
        assert_eq!(many, one_by_one);
        assert_eq!(many.iter().filter(|r| r.is_none()).count(), 2);
        assert_eq!(many[1], Some(rec(a, 9)));
        // Copied again, the runs stay as they are.
        let (_db3, again) = tree();
        copy_as_runs(&runs, &again).expect("copy");
        assert_eq!(walked(&again), all);
        assert_eq!(again.len(), 5);
    }

    #[test]
    fn events_written_at_once_go_in_as_runs_of_consecutive_seqs() {
        let (_db, t) = tree();
        let (a, b) = (Uuid::from_u128(0xA), Uuid::from_u128(0xB));
        // A's 1..=10, then B's 4, then A's 12..=13 (a gap at 11).
        let events: Vec<(Uuid, u64)> = (1..=10)
            .map(|s| (a, s))
            .chain([(b, 4), (a, 12), (a, 13)])
            .collect();
        let entries = as_runs(events.iter().map(|&(d, s)| (d, s, rec(d, s).to_vec())));
        let keys: Vec<(Uuid, u64)> = entries
            .iter()
            .map(|(k, _)| split_log_key(k).expect("log key"))
            .collect();
        assert_eq!(keys, [(a, 1), (a, 9), (b, 4), (a, 12)]);
        assert!(is_run(&entries[0].1) && !is_run(&entries[2].1));
        for (k, v) in entries {
            t.insert(k, v).expect("insert");
        }
        for (d, s) in events {
            assert_eq!(get(&t, d, s).expect("get"), Some(rec(d, s)), "{d} {s}");
        }
        assert_eq!(get(&t, a, 11).expect("get"), None);
        assert_eq!(count(&t).expect("count"), 13);
    }

    #[test]
    fn splitting_from_a_seq_leaves_each_later_event_under_its_own_key() {
        let (_db, src) = tree();
        let (a, b, all) = filled(&src);
        let (_db2, runs) = tree();
        copy_as_runs(&src, &runs).expect("copy");
        // Seq 12 sits in the run 9..=16: it and the runs after it are split, 1..=8 stays.
        assert_eq!(split_runs_from(&runs, a, 12).expect("split"), 3);
        assert_eq!(walked(&runs), all);
        for s in (9..=20).chain(23..=25) {
            assert_eq!(
                runs.get(log_key(a, s)).expect("get"),
                Some(rec(a, s)),
                "{s}"
            );
        }
        assert!(is_run(&runs.get(log_key(a, 1)).expect("get").expect("run")));
        assert!(is_run(&runs.get(log_key(b, 1)).expect("get").expect("run")));
        assert_eq!(split_runs_from(&runs, a, 1).expect("split"), 1);
        assert_eq!(runs.len(), 23 + 1);
    }

    #[test]
    fn a_damaged_run_reads_as_one_record_and_is_copied_as_it_is() {
        let (_db, t) = tree();
        let a = Uuid::from_u128(0xA);
        let good = run_value(&[rec(a, 1), rec(a, 2)]);
        let mut cut = good.clone();
        cut.truncate(good.len() - 3);
        let mut too_many = good.clone();
        too_many[RUN.len()] = 200;
        for (s, v) in [(1, &good), (10, &cut), (20, &too_many)] {
            t.insert(log_key(a, s), v.as_slice()).expect("insert");
        }
        let events: Vec<(IVec, IVec)> = walked(&t);
        assert_eq!(events.len(), 4);
        assert_eq!(
            events[2],
            (IVec::from(&log_key(a, 10)[..]), IVec::from(cut.clone()))
        );
        assert_eq!(events[3].1, IVec::from(too_many.clone()));
        assert_eq!(count(&t).expect("count"), 4);
        assert_eq!(get(&t, a, 11).expect("get"), None);
        let (_db2, copy) = tree();
        copy_as_runs(&t, &copy).expect("copy");
        assert_eq!(walked(&copy), events);
        // Nothing to split in a damaged run: it stays for the log check to name.
        assert_eq!(split_runs_from(&t, a, 1).expect("split"), 1);
        assert_eq!(t.get(log_key(a, 10)).expect("get"), Some(IVec::from(cut)));
    }
}
