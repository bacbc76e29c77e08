//! Rewriting the database without its garbage (issue 14: ≤ 1 KB per event on disk).
//!
//! sled 0.34 is log-structured: every rewrite of a view or an index page leaves the old
//! version in its segment until the segment is cleaned, so a store built by many small
//! transactions holds about three times its live bytes (measured at 100,000 hazards: 687 B of
//! keys and values per event, 2,271 B on disk). Copying every tree into a fresh database in
//! large batches leaves about 1.7 times (the bare-sled reference of `benches/office.sh`).
//!
//! Kill-safety: the copy is built in `db.compacting` beside `db`; `db.compacting.done` is
//! written (and the folder synced) only once the copy is flushed whole. The swap is two
//! renames (`db` → `db.old`, `db.compacting` → `db`); `finish_compaction`, run by every
//! `Store::open`, completes or undoes a swap a kill interrupted, so the data dir always opens
//! the old database or the whole copy, never a part.

use super::{Result, StoreError, open_db_at};
use std::path::Path;

const COPY: &str = "db.compacting";
const DONE: &str = "db.compacting.done";
const OLD: &str = "db.old";

fn io(what: &str, e: std::io::Error) -> StoreError {
    StoreError::Io(format!("整理数据库时{what}失败：{e}"))
}

/// The bytes of every file under `p`.
pub fn dir_bytes(p: &Path) -> u64 {
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

fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("同步文件夹", e))
}

/// Copies every tree of the database in data dir `dir` into a fresh one and puts the copy in
/// its place. No store of `dir` may be open (sled's lock refuses it: `StoreError::Locked`).
/// Returns the database's bytes on disk before and after.
///
/// # Errors
/// `Locked` when another process holds the data dir; `Io`/`Db` when a step fails, in which
/// case the old database stays in place, whole.
pub fn compact(dir: &Path) -> Result<(u64, u64)> {
    finish_compaction(dir)?;
    let db_dir = dir.join("db");
    let copy = dir.join(COPY);
    if copy.exists() {
        std::fs::remove_dir_all(&copy).map_err(|e| io("清理旧副本", e))?;
    }
    let before = dir_bytes(&db_dir);
    {
        // The old database is read once: the one-pass cache, and walks that let it evict as
        // they go (`walk.rs`). The copy keeps the warm cache for the pages it writes.
        let old = open_db_at(&db_dir, super::CacheUse::OnePass)?;
        let new = open_db_at(&copy, super::CacheUse::OnePass)?;
        for name in old.tree_names() {
            let from = old.open_tree(&name)?;
            let to = new.open_tree(&name)?;
            // Old per-event keys of `ent` are rewritten one entry per entity (`ent.rs`).
            if name.as_ref() == b"ent" {
                super::ent::copy_packed(&from, &to)?;
                continue;
            }
            // The log's consecutive events of a device are kept in runs (`log_runs.rs`).
            if name.as_ref() == b"log" {
                super::log_runs::copy_as_runs(&from, &to)?;
                continue;
            }
            // Index keys no version reads any more are left behind (`views.rs`).
            let retired =
                |k: &[u8]| name.as_ref() == b"idx" && super::views::is_retired_index_key(k);
            let mut batch = super::batched::Batched::new(&to);
            for kv in super::walk::walk_by_size(from.clone(), from.iter()) {
                let (k, v) = kv?;
                if !retired(&k) {
                    batch.insert(k, v)?;
                }
            }
            batch.apply()?;
        }
        new.flush()?;
    }
    std::fs::write(dir.join(DONE), b"").map_err(|e| io("标记副本完成", e))?;
    sync_dir(dir)?;
    swap(dir)?;
    Ok((before, dir_bytes(&db_dir)))
}

/// `db` → `db.old`, the finished copy → `db`, then `db.old` and the mark removed.
fn swap(dir: &Path) -> Result<()> {
    let (db, copy, old) = (dir.join("db"), dir.join(COPY), dir.join(OLD));
    std::fs::rename(&db, &old).map_err(|e| io("移开旧数据库", e))?;
    std::fs::rename(&copy, &db).map_err(|e| io("换入副本", e))?;
    sync_dir(dir)?;
    std::fs::remove_file(dir.join(DONE)).map_err(|e| io("清除标记", e))?;
    std::fs::remove_dir_all(&old).map_err(|e| io("删除旧数据库", e))?;
    sync_dir(dir)
}

/// Completes or undoes a compaction a kill interrupted (see the module comment). Returns
/// whether there was one.
pub(crate) fn finish_compaction(dir: &Path) -> Result<bool> {
    let (db, copy, old, done) = (
        dir.join("db"),
        dir.join(COPY),
        dir.join(OLD),
        dir.join(DONE),
    );
    if !copy.exists() && !old.exists() && !done.exists() {
        return Ok(false);
    }
    if done.exists() {
        // The copy is whole: finish the swap from wherever it stopped.
        if copy.exists() {
            if db.exists() {
                std::fs::rename(&db, &old).map_err(|e| io("移开旧数据库", e))?;
            }
            std::fs::rename(&copy, &db).map_err(|e| io("换入副本", e))?;
            sync_dir(dir)?;
        }
        std::fs::remove_file(&done).map_err(|e| io("清除标记", e))?;
    } else if !db.exists() && old.exists() {
        // Not reachable by `compact` (the mark comes before the first rename), kept so a
        // data dir left so by hand still opens its old database.
        std::fs::rename(&old, &db).map_err(|e| io("放回旧数据库", e))?;
    }
    for leftover in [&copy, &old] {
        if leftover.exists() && db.exists() {
            std::fs::remove_dir_all(leftover).map_err(|e| io("清理", e))?;
        }
    }
    sync_dir(dir)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_interrupted_step_opens_one_whole_database() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mk = |p: &Path, tag: &str| {
            std::fs::create_dir_all(p).unwrap();
            std::fs::write(p.join("tag"), tag).unwrap();
        };
        let tag = |p: &Path| std::fs::read_to_string(p.join("db/tag")).unwrap();
        // Killed while copying: the old database stays, the partial copy goes.
        mk(&dir.join("db"), "old");
        mk(&dir.join(COPY), "partial");
        assert!(finish_compaction(dir).unwrap());
        assert_eq!(tag(dir), "old");
        assert!(!dir.join(COPY).exists());
        // Killed after the mark, before or between the renames: the copy wins.
        for step in 0..2 {
            mk(&dir.join(COPY), "copy");
            std::fs::write(dir.join(DONE), b"").unwrap();
            if step == 1 {
                std::fs::rename(dir.join("db"), dir.join(OLD)).unwrap();
            }
            assert!(finish_compaction(dir).unwrap());
            assert_eq!(tag(dir), "copy");
            for gone in [COPY, OLD, DONE] {
                assert!(!dir.join(gone).exists(), "{gone} left at step {step}");
            }
            mk(&dir.join("db"), "old");
            std::fs::write(dir.join("db/tag"), "old").unwrap();
        }
        assert!(!finish_compaction(dir).unwrap());
    }
}
