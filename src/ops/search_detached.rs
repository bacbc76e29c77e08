//! A whole `xuncha search` that closes the store before it loads the index (issue 14: at most
//! 80 MB resident for every command at 100,000 hazards).
//!
//! sled's page table for such a store is ≈ 55–60 MB from the open to the close, and the index
//! read from `search.idx` ≈ 35 MB: held together, a search after one `finding add` took 95 MB.
//! So while the store is open this reads only what the index file lacks (the findings and
//! register entries of the events it does not hold, `search_file::changes_since`), then the
//! caller closes the store and [`FileSearch::load`] reads the file, puts the changes in, writes
//! it back and seals it: the index takes the memory the page table gave back.
//!
//! The seal keeps its guarantee (`search_seal`): step 1 is written while the store is still
//! held, naming a pending value instead of a header (never usable as it stands); step 2, under
//! the lock of sled's file, completes it only if that pending seal is still there. Every store
//! open removes the seal, so it is still there only if no store was opened since this search
//! read the stamp: the file it wrote is then exactly as current as the store.

use super::search_file::{self, Changes, INDEX_FILE, IndexSource, Stamp};
use super::{Ctx, Result};
use crate::catalog::Catalog;
use crate::search::Index;
use std::path::PathBuf;

/// At most this many new events are read for a search that closes the store first; more take
/// the ordinary way (their findings would be held beside the page table).
const MAX_DETACHED_EVENTS: u64 = 2_000;

/// What a search read from the store to answer from the index file after the store is closed.
pub struct FileSearch {
    dir: PathBuf,
    catalog: Catalog,
    /// The file's stamp when the store was read, and the store's.
    file_stamp: Stamp,
    now: Stamp,
    /// What the file lacks; None when it was current.
    changes: Option<Changes>,
    /// The pending value of the seal step 1 written for the file this search writes.
    pending: Option<String>,
    /// A read-only data dir (a copy): the file is neither written nor sealed.
    read_only: bool,
}

/// Reads what a search needs from the store so that it can close the store before loading
/// the index: None when the index file cannot serve (missing, damaged, another build or
/// checklists, a fork settled, more than [`MAX_DETACHED_EVENTS`] new events): then the
/// caller searches the ordinary way (`search_index`) with the store open.
///
/// # Errors
/// `Store` when the store cannot be read.
pub fn plan_file_search(ctx: &Ctx) -> Result<Option<FileSearch>> {
    let dir = ctx.store.dir().to_path_buf();
    let Some(header) = search_file::read_header(&dir.join(INDEX_FILE)) else {
        return Ok(None);
    };
    let Some(file_stamp) =
        Index::stamp_of(&header).and_then(|s| serde_json::from_slice::<Stamp>(s).ok())
    else {
        return Ok(None);
    };
    let now = Stamp::of(ctx)?;
    if now.build.is_empty() || !file_stamp.only_gained(&now) {
        return Ok(None);
    }
    let changes = if file_stamp == now {
        None
    } else {
        match search_file::changes_since(ctx, &file_stamp.vv, &now.vv, MAX_DETACHED_EVENTS)? {
            Some(changes) => Some(changes),
            None => return Ok(None),
        }
    };
    let read_only = ctx.store.read_only().is_some();
    // A file that is current is sealed by the store's own close (`close_opened`); one this
    // search brings up to date gets a pending step 1 now, while the store is held.
    let pending = match (&changes, search_file::seal_inputs(ctx)) {
        (Some(_), Some((sealed_now, clock))) if sealed_now == now && !read_only => {
            let pending = format!("pending {}", uuid::Uuid::now_v7());
            super::search_seal::begin_pending(&dir, &pending, &now.build, clock).then_some(pending)
        }
        _ => None,
    };
    Ok(Some(FileSearch {
        dir,
        catalog: ctx.catalog.clone(),
        file_stamp,
        now,
        changes,
        pending,
        read_only,
    }))
}

impl FileSearch {
    /// The index, after the store was closed: read from the file, brought up to date with the
    /// changes read before (then written back and sealed). None when the file changed since
    /// in a way the changes do not answer (another process wrote it): search the ordinary way.
    pub fn load(self) -> Option<(Index, IndexSource)> {
        let path = self.dir.join(INDEX_FILE);
        let bytes = search_file::read_file(&path).ok()?;
        let stamp: Stamp = serde_json::from_slice(Index::stamp_of(&bytes)?).ok()?;
        let mut index = Index::from_bytes(&bytes, &self.catalog).ok()?;
        drop(bytes);
        if stamp == self.now {
            return Some((index, IndexSource::File));
        }
        let changes = self.changes.as_ref().filter(|_| stamp == self.file_stamp)?;
        let events = changes.apply_to(&mut index);
        let saved = !self.read_only && search_file::save_at(&self.dir, &index, &self.now);
        if saved
            && let (Some(pending), Some(header)) = (&self.pending, search_file::read_header(&path))
        {
            let written = Index::stamp_of(&header)
                .and_then(|s| serde_json::from_slice::<Stamp>(s).ok())
                .is_some_and(|s| s == self.now);
            if written {
                super::search_seal::finish_pending(&self.dir, pending, &header);
            }
        }
        Some((index, IndexSource::CaughtUp(events)))
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

    #[test]
    fn a_search_closing_the_store_first_finds_the_new_hazard_and_seals_the_file() {
        let (dir, c) = ctx();
        drop(c);
        let (_, new) = file_one_event_behind(dir.path());
        let c = ctx_at(dir.path());
        let plan = plan_file_search(&c).unwrap().expect("the file serves");
        let now = c.now;
        drop(c);
        let (index, source) = plan.load().expect("the file is as planned");
        assert_eq!(source, IndexSource::CaughtUp(1));
        assert!(finds(&index, &now, "纸箱", new));
        assert!(completed_seal(dir.path()), "no open came between");
        // The file written is current: the next search reads it as it is.
        let c = ctx_at(dir.path());
        let plan = plan_file_search(&c).unwrap().expect("the file serves");
        drop(c);
        let (again, source) = plan.load().unwrap();
        assert_eq!(source, IndexSource::File);
        assert!(finds(&again, &now, "纸箱", new));
    }

    #[test]
    fn an_open_between_the_plan_and_the_load_leaves_no_seal() {
        let (dir, c) = ctx();
        drop(c);
        let (_, new) = file_one_event_behind(dir.path());
        let c = ctx_at(dir.path());
        let plan = plan_file_search(&c).unwrap().expect("the file serves");
        let now = c.now;
        drop(c);
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
}
