//! Photos through the sync folder (issue 18): `xuncha-sync/photos/<sha256>.jpg`, beside the
//! bundles. A photo is written once per folder (a name present is never rewritten: the name is
//! the content). A reader takes only photos a signed event names and it lacks, refuses a file
//! larger than [`BLOB_READ_LIMIT`] or a link or anything not a regular file before reading it,
//! and keeps the bytes only if their SHA-256 is the name and they are a JPEG. A refused photo
//! never refuses the events that name it: the hazard shows 「照片未同步」 until a good copy
//! arrives at a later sync.

use super::folder::{self, OpenFault};
use crate::photo::{Shelf, human_size};
use serde::Serialize;
use std::io::Read;
use std::path::Path;

/// The folder below `xuncha-sync/`.
pub const DIR: &str = "photos";

/// Largest photo file read from a folder: 32 MB. A stored copy is a re-encoded JPEG of a photo
/// at most `photo_max_mb` (default 20 MB) as attached, so anything larger was not made by us.
pub const BLOB_READ_LIMIT: u64 = 32 * 1024 * 1024;

/// What a sync did with photos.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PhotoNote {
    /// Photos written to the folder (the folder lacked them), and their bytes.
    pub sent: usize,
    pub sent_bytes: u64,
    /// Photos taken in from the folder, and their bytes.
    pub fetched: usize,
    pub fetched_bytes: u64,
    /// Photos named by a hazard here that neither this store nor the folder holds yet.
    pub missing: usize,
    /// Photo files refused (file below `xuncha-sync/`, reason); their events stand.
    pub refused: Vec<(String, String)>,
}

impl PhotoNote {
    /// Lines a person reads, each with whether it is a warning.
    pub fn lines(&self, dry_run: bool) -> Vec<(bool, String)> {
        let verb = |done: &'static str, would: &'static str| if dry_run { would } else { done };
        let mut out = Vec::new();
        if self.sent + self.fetched > 0 {
            out.push((
                false,
                format!(
                    "照片：{}写出 {} 张（{}），{}取回 {} 张（{}）",
                    verb("已", "将"),
                    self.sent,
                    human_size(self.sent_bytes),
                    verb("已", "将"),
                    self.fetched,
                    human_size(self.fetched_bytes)
                ),
            ));
        }
        for (file, why) in &self.refused {
            out.push((
                true,
                format!("照片 {file} 已拒收：{why}（记录照常导入，照片等待完好的副本）"),
            ));
        }
        if self.missing > 0 {
            out.push((
                true,
                format!("照片未同步：{} 张尚未到达，下次同步时再取", self.missing),
            ));
        }
        out
    }
}

/// Takes in the photos `wanted` (hashes named by events here) that the shelf lacks, then
/// writes the shelf's wanted photos the folder lacks. `root` is `xuncha-sync/`; with
/// `dry_run` nothing is written anywhere.
pub fn exchange(shelf: &Shelf, wanted: &[String], root: &Path, dry_run: bool) -> PhotoNote {
    let mut note = PhotoNote::default();
    let dir = root.join(DIR);
    let folder_dir_ok = match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => {
            note.refused.push((
                format!("{DIR}/"),
                "不是文件夹（或是符号链接），照片不经它同步".into(),
            ));
            return note;
        }
        Err(_) => false,
    };
    for hash in wanted {
        if !crate::domain::PhotoRef::valid_hash(hash) {
            continue;
        }
        let file = format!("{DIR}/{hash}.jpg");
        let path = dir.join(format!("{hash}.jpg"));
        if shelf.has(hash) {
            if folder_dir_ok && std::fs::symlink_metadata(&path).is_ok() {
                continue; // written once per folder; whatever is there is judged by readers
            }
            if dry_run {
                note.sent += 1;
                continue;
            }
            if let Some(bytes) = shelf.read(hash) {
                let written = std::fs::create_dir_all(&dir)
                    .and_then(|_| folder::write_atomic(&dir, &format!("{hash}.jpg"), &bytes));
                match written {
                    Ok(()) => {
                        note.sent += 1;
                        note.sent_bytes += bytes.len() as u64;
                    }
                    Err(e) => note
                        .refused
                        .push((file, format!("无法写入：{}", folder::io_text(&e)))),
                }
            }
            continue;
        }
        if !folder_dir_ok {
            note.missing += 1;
            continue;
        }
        match read_blob(&path) {
            Ok(None) => note.missing += 1,
            Ok(Some(bytes)) => {
                if dry_run {
                    note.fetched += 1;
                    note.fetched_bytes += bytes.len() as u64;
                    continue;
                }
                match shelf.keep_arrived(hash, &bytes) {
                    Ok(()) => {
                        note.fetched += 1;
                        note.fetched_bytes += bytes.len() as u64;
                    }
                    Err(why) => {
                        note.missing += 1;
                        note.refused.push((file, why));
                    }
                }
            }
            Err(why) => {
                note.missing += 1;
                note.refused.push((file, why));
            }
        }
    }
    note
}

/// The bytes of a photo file in the folder; None if it is not there (yet).
fn read_blob(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let (file, len) = match folder::open_regular(path, BLOB_READ_LIMIT) {
        Ok(x) => x,
        Err(OpenFault::Vanished) => return Ok(None),
        Err(OpenFault::NotRegular(why)) => return Err(why),
        Err(OpenFault::TooLarge(n)) => {
            return Err(format!(
                "有 {}，超过照片上限 {}，未读取",
                human_size(n),
                human_size(BLOB_READ_LIMIT)
            ));
        }
        Err(OpenFault::Io(e)) => return Err(format!("无法读取：{}", folder::io_text(&e))),
    };
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(BLOB_READ_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("无法读取：{}", folder::io_text(&e)))?;
    if bytes.len() as u64 > BLOB_READ_LIMIT {
        return Err(format!("超过照片上限 {}", human_size(BLOB_READ_LIMIT)));
    }
    Ok(Some(bytes))
}
