//! Helpers for sync tests: stores in temp dirs, events appended straight through the store.
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset};
use std::path::{Path, PathBuf};
use uuid::Uuid;
use xuncha::domain::{Field, Now, Payload, Severity};
use xuncha::store::Store;
use xuncha::sync::{self, SyncOptions, SyncReport};

pub const DAY_MS: i64 = 86_400_000;
/// 2026-11-22T09:00:00+08:00
pub const BASE_MS: i64 = 1_795_309_200_000;

pub fn now_ms(ms: i64) -> Now {
    let off = FixedOffset::east_opt(8 * 3600).unwrap();
    Now(DateTime::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&off))
}

pub fn record_payload(id: Uuid, facility: &str, description: &str) -> Payload {
    Payload::FindingRecorded {
        finding_id: id,
        inspection_id: None,
        facility: facility.into(),
        department: "急诊科".into(),
        location: "一楼走廊".into(),
        line: "fire".into(),
        item_id: None,
        description: description.into(),
        severity: Severity::General,
        measures: "立即整改".into(),
        due: None,
        responsible: "保卫科".into(),
        fixed_on_spot: false,
        number: None,
        category: String::new(),
        interim: String::new(),
        funds: String::new(),
    }
}

pub fn record(s: &mut Store, now: &Now, id: Uuid, facility: &str, description: &str) {
    s.append(
        "王建国",
        now,
        vec![record_payload(id, facility, description)],
    )
    .unwrap();
}

/// An edit that supersedes what this store currently shows for the field.
pub fn edit(s: &mut Store, now: &Now, id: Uuid, field: Field, value: &str) {
    let f = s.finding_full(id).unwrap().expect("finding held");
    let supersedes = f.versions.get(&field).cloned().unwrap_or_default();
    let p = Payload::FieldSet {
        finding_id: id,
        field,
        value: value.into(),
        supersedes,
        after: vec![],
    };
    s.append("李秀英", now, vec![p]).unwrap();
}

pub fn sync_with(s: &mut Store, now: &Now, dir: &Path) -> SyncReport {
    sync::sync(s, now, dir, &SyncOptions::default(), &mut |_, _| {}).unwrap()
}

pub fn sync_chunked(s: &mut Store, now: &Now, dir: &Path, chunk: u64) -> SyncReport {
    let opts = SyncOptions {
        chunk,
        ..SyncOptions::default()
    };
    sync::sync(s, now, dir, &opts, &mut |_, _| {}).unwrap()
}

/// Every bundle file under a sync folder, in listing order.
pub fn bundle_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let root = dir.join("xuncha-sync").join("bundles");
    let Ok(origins) = std::fs::read_dir(&root) else {
        return out;
    };
    for o in origins {
        for f in std::fs::read_dir(o.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            if p.extension().is_some_and(|e| e == "bundle") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Everything a user could see of the store: findings and inspections as stored JSON.
pub fn views(s: &Store) -> (Vec<String>, Vec<String>) {
    let f = s
        .all_findings()
        .map(|f| serde_json::to_string(&f.unwrap()).unwrap())
        .collect();
    let i = s
        .all_inspections()
        .unwrap()
        .iter()
        .map(|i| serde_json::to_string(i).unwrap())
        .collect();
    (f, i)
}

/// Writes `bytes` as a bundle file under `<dir>/<origin>/<name>`, imports it, and removes it.
pub fn import_bytes(
    s: &mut Store,
    dir: &Path,
    origin: &str,
    name: &str,
    bytes: &[u8],
) -> SyncReport {
    let d = dir.join(origin);
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join(name);
    std::fs::write(&p, bytes).unwrap();
    let rep = sync::import_file(s, &now_ms(BASE_MS), &p).unwrap();
    std::fs::remove_file(&p).unwrap();
    rep
}
