//! Drafts of open forms, one small file per form and target in `<data dir>/drafts/`, so a crash
//! or a kill loses nothing typed and reopening that form brings its text back (issue 11).
//!
//! Each draft is JSON, replaced atomically (temp file in the same folder, fsync, rename, fsync
//! the folder). Drafts are not events: they never sync, and each is dropped once its form is
//! saved or discarded. Read back as hostile input: a file over [`MAX_DRAFT_BYTES`], not a
//! regular file, or one that does not parse is set aside (renamed `….damaged`, never deleted)
//! and named in a message with its line; nothing else is touched and nothing fails.

use super::{Ctx, OpsError, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The largest draft file read back (bytes); a form's text is far smaller.
pub const MAX_DRAFT_BYTES: u64 = 256 * 1024;

/// Which form a draft belongs to: its file name in the drafts folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DraftKey(String);

impl DraftKey {
    /// The hazard form of `inspection` for `item`, or (no item) for a hazard outside the
    /// checklist on `line`. Ids typed in checklist files are hashed, never used as file names.
    pub fn finding(inspection: Uuid, item: Option<&str>, line: Option<&str>) -> DraftKey {
        let target = match item {
            Some(i) => format!("item:{i}"),
            None => format!("line:{}", line.unwrap_or_default()),
        };
        DraftKey(format!(
            "finding-{}-{}.json",
            inspection.simple(),
            short_hash(&target)
        ))
    }

    /// The new-inspection form (one: there is one such form).
    pub fn new_inspection() -> DraftKey {
        DraftKey("new-inspection.json".into())
    }

    /// A note typed for a step on a record (`kind`: comment, rectify, retract, ...).
    pub fn note(kind: &str, target: Uuid) -> DraftKey {
        DraftKey(format!(
            "note-{}-{}.json",
            target.simple(),
            short_hash(kind)
        ))
    }

    /// A form of the 台账 screen (issue 17): `form` names it (`chem-add`, `chem-issue`,
    /// `equipment-check-maintenance`, …) and `target` the entry it writes to (None: a new one).
    pub fn register_entry(form: &str, target: Option<Uuid>) -> DraftKey {
        let target = target.map_or("new".to_string(), |t| t.simple().to_string());
        DraftKey(format!("entry-{target}-{}.json", short_hash(form)))
    }

    /// The file name in the drafts folder.
    pub fn file_name(&self) -> &str {
        &self.0
    }
}

fn short_hash(text: &str) -> String {
    let d = Sha256::digest(text.as_bytes());
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn drafts_dir(ctx: &Ctx) -> PathBuf {
    ctx.store.dir().join("drafts")
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> OpsError {
    OpsError::Setup(format!("无法{what}草稿文件 {}：{e}", path.display()))
}

/// Keeps a form's draft under `key` (replacing its previous one) atomically.
///
/// # Errors
/// `Setup` naming the file when it cannot be written; the previous draft is then intact.
pub fn save_draft_at<T: Serialize>(ctx: &Ctx, key: &DraftKey, value: &T) -> Result<()> {
    let dir = drafts_dir(ctx);
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, "创建", e))?;
    let path = dir.join(key.file_name());
    let tmp = dir.join(format!("{}.tmp", key.file_name()));
    let bytes = serde_json::to_vec(value).map_err(|e| OpsError::Setup(e.to_string()))?;
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| io_error(&path, "写入", e))
}

/// The draft kept under `key`, if any.
///
/// # Errors
/// `Setup` naming the file and line when it is damaged (too large, not a regular file, not a
/// draft): the file is then set aside as `….damaged` and the form opens without it.
pub fn load_draft_at<T: DeserializeOwned>(ctx: &Ctx, key: &DraftKey) -> Result<Option<T>> {
    read_draft(&drafts_dir(ctx).join(key.file_name()))
}

pub(crate) fn read_draft<T: DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(path, "读取", e)),
    };
    if !meta.is_file() || meta.len() > MAX_DRAFT_BYTES {
        let aside = set_aside(path);
        return Err(OpsError::Setup(format!(
            "草稿文件 {} 不是普通文件或超过 {} KB，{aside}",
            path.display(),
            MAX_DRAFT_BYTES / 1024
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(path, "读取", e))?;
    match serde_json::from_slice(&bytes) {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            let aside = set_aside(path);
            Err(OpsError::Setup(format!(
                "草稿文件 {} 第 {} 行无法读取（{e}），{aside}",
                path.display(),
                e.line()
            )))
        }
    }
}

/// Renames a damaged draft out of the way (kept for a person to look at); says where it went.
fn set_aside(path: &Path) -> String {
    let mut aside = path.as_os_str().to_owned();
    aside.push(".damaged");
    let aside = PathBuf::from(aside);
    match std::fs::rename(path, &aside) {
        Ok(()) => format!(
            "已移到 {}，表单不带草稿打开",
            aside.file_name().unwrap_or_default().to_string_lossy()
        ),
        Err(_) => "已忽略".into(),
    }
}

/// Drops the draft under `key` (its form was saved or discarded).
///
/// # Errors
/// `Setup` naming the file when it exists and cannot be removed.
pub fn clear_draft_at(ctx: &Ctx, key: &DraftKey) -> Result<()> {
    let path = drafts_dir(ctx).join(key.file_name());
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(&path, "删除", e)),
    }
}

/// Drops every note draft typed for steps on `target` (one of its steps was taken).
pub fn clear_note_drafts(ctx: &Ctx, target: Uuid) {
    let prefix = format!("note-{}-", target.simple());
    for name in draft_names(ctx) {
        if name.starts_with(&prefix) && name.ends_with(".json") {
            let _ = std::fs::remove_file(drafts_dir(ctx).join(name));
        }
    }
}

/// The file names in the drafts folder (none when it does not exist).
pub(crate) fn draft_names(ctx: &Ctx) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(drafts_dir(ctx)) else {
        return vec![];
    };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}
