//! A whole `xuncha search` that closes the store before it loads or builds the index (issue 14:
//! at most 80 MB resident for every command at 100,000 hazards).
//!
//! sled's page table for such a store is ≈ 40–60 MB from the open to the close, and the index
//! ≈ 35 MB: held together, a search after one `finding add` took 95 MB, one that built the
//! index 91–94 MB. So while the store is open this reads only what the index needs from it,
//! then the caller closes the store and [`FileSearch::load`] makes the index, writes it back and
//! seals it: the index takes the memory the page table gave back.
//! - When the index file serves (current, or behind by at most [`MAX_DETACHED_EVENTS`]): the
//!   findings and register entries of the events it does not hold (`search_file::changes_since`);
//!   the file is then read and brought up to date.
//! - Else (no file, another format, build or checklists, a fork settled, more new events): every
//!   text a full build reads, compactly (`search_gather`); the index is then built from them.
//!
//! The seal keeps its guarantee (`search_seal`): step 1 is written while the store is still
//! held, naming a pending value instead of a header (never usable as it stands); step 2, under
//! the lock of sled's file, completes it only if that pending seal is still there. Every store
//! open removes the seal, so it is still there only if no store was opened since this search
//! read the stamp: the file it wrote is then exactly as current as the store.

use super::search_file::{self, Changes, INDEX_FILE, IndexSource, Stamp};
use super::search_gather::{Gathered, gather};
use super::{Ctx, Result};
use crate::catalog::Catalog;
use crate::search::Index;
use std::path::PathBuf;

/// At most this many new events are read to bring the index file up to date after the store
/// is closed; more are answered by a full build (reading them one by one costs more).
const MAX_DETACHED_EVENTS: u64 = 2_000;

/// What a search read from the store to make the index after the store is closed.
pub struct FileSearch {
    dir: PathBuf,
    catalog: Catalog,
    /// The store's stamp when it was read.
    now: Stamp,
    work: Work,
    /// The pending value of the seal step 1 written for the file this search writes.
    pending: Option<String>,
    /// A read-only data dir (a copy): the file is neither written nor sealed.
    read_only: bool,
}

/// How the index is made once the store is closed.
enum Work {
    /// The file was current.
    Current,
    /// The file (stamped `file_stamp`) lacks `changes`.
    CatchUp { file_stamp: Stamp, changes: Changes },
    /// No file serves (the reason in words): a build from what was gathered.
    Build { why: String, gathered: Gathered },
}

/// Reads what a search needs from the store so that it can close the store before making the
/// index. None when the executable cannot be identified (the file is never trusted): then the
/// caller searches the ordinary way (`search_index`) with the store open.
///
/// # Errors
/// `Store` when the store cannot be read (a view that does not decode is `Corrupt`).
pub fn plan_file_search(ctx: &Ctx) -> Result<Option<FileSearch>> {
    let dir = ctx.store.dir().to_path_buf();
    let now = Stamp::of(ctx)?;
    if now.build.is_empty() {
        return Ok(None);
    }
    let path = dir.join(INDEX_FILE);
    let file_stamp = search_file::read_header(&path).map(|header| {
        Index::stamp_of(&header).and_then(|s| serde_json::from_slice::<Stamp>(s).ok())
    });
    let build = |why: &str| -> Result<Work> {
        Ok(Work::Build {
            why: why.to_string(),
            gathered: gather(ctx)?,
        })
    };
    let work = match file_stamp {
        None if path.exists() => build("索引文件格式不同")?,
        None => build("没有索引文件")?,
        Some(None) => build("索引文件格式不同")?,
        Some(Some(file_stamp)) if file_stamp == now => Work::Current,
        Some(Some(file_stamp)) if file_stamp.only_gained(&now) => {
            match search_file::changes_since(ctx, &file_stamp.vv, &now.vv, MAX_DETACHED_EVENTS)? {
                Some(changes) => Work::CatchUp {
                    file_stamp,
                    changes,
                },
                None => build("新事件太多")?,
            }
        }
        Some(Some(_)) => build("日志、检查表或程序已变")?,
    };
    let read_only = ctx.store.read_only().is_some();
    // A file that is current is sealed by the store's own close (`close_opened`); one this
    // search writes gets a pending step 1 now, while the store is held.
    let pending = match (&work, search_file::seal_inputs(ctx)) {
        (Work::Current, _) => None,
        (_, Some((sealed_now, clock))) if sealed_now == now && !read_only => {
            let pending = format!("pending {}", uuid::Uuid::now_v7());
            super::search_seal::begin_pending(&dir, &pending, &now.build, clock).then_some(pending)
        }
        _ => None,
    };
    Ok(Some(FileSearch {
        dir,
        catalog: ctx.catalog.clone(),
        now,
        work,
        pending,
        read_only,
    }))
}

impl FileSearch {
    /// The index, after the store was closed: read from the file, brought up to date with the
    /// changes read before, or built from what was gathered (then written back and sealed).
    /// None when the file changed since in a way the changes do not answer (another process
    /// wrote it): search the ordinary way.
    pub fn load(self) -> Option<(Index, IndexSource)> {
        let (index, source) = match self.work {
            Work::Build { why, gathered } => {
                // What sled let go at the close, given back before the index takes its place.
                super::trim_heap();
                (gathered.build(&self.catalog), IndexSource::Built(why))
            }
            Work::Current | Work::CatchUp { .. } => {
                let path = self.dir.join(INDEX_FILE);
                let bytes = search_file::read_file(&path).ok()?;
                let stamp: Stamp = serde_json::from_slice(Index::stamp_of(&bytes)?).ok()?;
                let mut index = Index::from_bytes(&bytes, &self.catalog).ok()?;
                drop(bytes);
                if stamp == self.now {
                    return Some((index, IndexSource::File));
                }
                let Work::CatchUp {
                    file_stamp,
                    changes,
                } = &self.work
                else {
                    return None;
                };
                if stamp != *file_stamp {
                    return None;
                }
                let events = changes.apply_to(&mut index);
                (index, IndexSource::CaughtUp(events))
            }
        };
        let saved = !self.read_only && search_file::save_at(&self.dir, &index, &self.now);
        if saved
            && let (Some(pending), Some(header)) = (
                &self.pending,
                search_file::read_header(&self.dir.join(INDEX_FILE)),
            )
        {
            let written = Index::stamp_of(&header)
                .and_then(|s| serde_json::from_slice::<Stamp>(s).ok())
                .is_some_and(|s| s == self.now);
            if written {
                super::search_seal::finish_pending(&self.dir, pending, &header);
            }
        }
        Some((index, source))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ctx, ctx_at, fire_inspection};
    use super::super::{Ctx, IndexSource, NewFinding, record_finding, search_index};
    use super::plan_file_search;
    use crate::domain::Now;
    use crate::search::{Index, Target};
    use uuid::Uuid;

    fn add(c: &mut Ctx, insp: Uuid, description: &str) -> Uuid {
        let new = NewFinding {
            inspection: Some(insp),
            description: description.into(),
            location: "住院部一楼".into(),
            ..Default::default()
        };
        record_finding(c, new).unwrap().id
    }

    fn finds(index: &Index, now: &Now, query: &str, id: Uuid) -> bool {
        index
            .search(query, now, 20)
            .iter()
            .any(|h| h.target == Target::Finding(id))
    }

    /// The seal as the next search would use it: complete (marks added) and naming a header.
    fn completed_seal(dir: &std::path::Path) -> bool {
        let Ok(bytes) = std::fs::read(dir.join(crate::store::SEAL_FILE)) else {
            return false;
        };
        let seal: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        !seal["files"].is_null() && !seal["index"].as_str().unwrap().starts_with("pending")
    }

    /// The file a search wrote is current: the next search reads it as it is and finds `new`.
    fn assert_next_search_reads_the_file(dir: &std::path::Path, now: &Now, new: Uuid) {
        let c = ctx_at(dir);
        let plan = plan_file_search(&c).unwrap().expect("the file serves");
        drop(c);
        let (again, source) = plan.load().unwrap();
        assert_eq!(source, IndexSource::File);
        assert!(finds(&again, now, "纸箱", new));
    }

    /// A store with the index file written, then one hazard more: what a search after a
    /// `finding add` meets. Returns the inspection and the new hazard.
    fn file_one_event_behind(dir: &std::path::Path) -> (Uuid, Uuid) {
        let mut c = ctx_at(dir);
        let (insp, _) = fire_inspection(&mut c);
        add(&mut c, insp, "消防通道堆放杂物");
        search_index(&c).unwrap();
        let new = add(&mut c, insp, "配电室堆放纸箱");
        (insp, new)
    }

    /// A store one hazard ahead of its index file, then `prepare`d (the file damaged or
    /// removed, or left alone), a search planned on it and the store closed, as
    /// `xuncha search` does before it loads: (data dir, the new hazard, the plan, the clock).
    fn planned(
        prepare: impl FnOnce(&std::path::Path),
    ) -> (tempfile::TempDir, Uuid, super::FileSearch, Now) {
        let (dir, c) = ctx();
        drop(c);
        let (_, new) = file_one_event_behind(dir.path());
        prepare(dir.path());
        let c = ctx_at(dir.path());
        let plan = plan_file_search(&c)
            .unwrap()
            .expect("a search can be planned");
        let now = c.now;
        drop(c);
        (dir, new, plan, now)
    }

    #[test]
    fn a_search_closing_the_store_first_finds_the_new_hazard_and_seals_the_file() {
        let (dir, new, plan, now) = planned(|_| {});
        let (index, source) = plan.load().expect("the file is as planned");
        assert_eq!(source, IndexSource::CaughtUp(1));
        assert!(finds(&index, &now, "纸箱", new));
        assert!(completed_seal(dir.path()), "no open came between");
        assert_next_search_reads_the_file(dir.path(), &now, new);
    }

    #[test]
    fn an_open_between_the_plan_and_the_load_leaves_no_seal() {
        let (dir, new, plan, now) = planned(|_| {});
        // Another process opens the store (and could have written) before the file is.
        drop(ctx_at(dir.path()));
        let (index, _) = plan.load().expect("the file is as planned");
        assert!(
            finds(&index, &now, "纸箱", new),
            "the answer is still whole"
        );
        assert!(
            !completed_seal(dir.path()),
            "the seal cannot vouch for the file"
        );
    }

    #[test]
    fn a_file_another_search_rewrote_meanwhile_is_read_as_it_is_or_not_at_all() {
        let (dir, c) = ctx();
        drop(c);
        let (insp, new) = file_one_event_behind(dir.path());
        // Brought up to date by another process: current, read as it is.
        let c = ctx_at(dir.path());
        let plan = plan_file_search(&c).unwrap().expect("the file serves");
        search_index(&c).unwrap();
        let now = c.now;
        drop(c);
        let (index, source) = plan.load().unwrap();
        assert_eq!(source, IndexSource::File);
        assert!(finds(&index, &now, "纸箱", new));
        // Written from a store that moved on: neither the plan's file nor current, so the
        // caller takes the ordinary way.
        let mut c = ctx_at(dir.path());
        add(&mut c, insp, "楼梯间堆放氧气瓶");
        let plan = plan_file_search(&c).unwrap().expect("the file serves");
        add(&mut c, insp, "楼梯间灭火器过期");
        search_index(&c).unwrap();
        drop(c);
        assert!(plan.load().is_none());
    }

    #[test]
    fn a_search_with_no_usable_file_builds_it_after_the_close_and_seals_it() {
        let (dir, new, plan, now) = planned(|dir| {
            std::fs::write(dir.join(super::INDEX_FILE), b"not an index").unwrap();
        });
        let (index, source) = plan.load().expect("a build does not read the file");
        assert!(matches!(source, IndexSource::Built(_)), "{source:?}");
        assert!(finds(&index, &now, "纸箱", new));
        assert!(completed_seal(dir.path()), "no open came between");
        assert_next_search_reads_the_file(dir.path(), &now, new);
    }

    #[test]
    fn an_open_between_the_gathering_and_the_build_leaves_no_seal() {
        let (dir, new, plan, now) = planned(|dir| {
            std::fs::remove_file(dir.join(super::INDEX_FILE)).unwrap();
        });
        drop(ctx_at(dir.path()));
        let (index, _) = plan.load().unwrap();
        assert!(finds(&index, &now, "纸箱", new), "the answer is whole");
        assert!(
            !completed_seal(dir.path()),
            "the seal cannot vouch for the file"
        );
    }
}
