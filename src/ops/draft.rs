//! The finding form's draft, kept in a small file of the data dir so a crash or a kill loses
//! nothing typed; and the failed answer saved together with its finding.
//!
//! The draft is one JSON file, `<data dir>/drafts/finding.json`, replaced atomically (temp file
//! in the same folder, fsync, rename, fsync the folder). It is not an event: it never syncs and
//! it is dropped once the finding is saved or the user discards it. Read back as hostile input:
//! a file over [`MAX_DRAFT_BYTES`] or one that does not parse is refused with a message naming
//! the file, and nothing else is touched.

use super::{Ctx, NewFinding, OpsError, Result, finding, inspection};
use crate::domain::{Answer, Finding, Inspection, Severity};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The largest draft file read back (bytes); a form's text is far smaller.
pub const MAX_DRAFT_BYTES: u64 = 256 * 1024;

/// What the finding form holds, as typed (the due date stays text: `+7` is kept as `+7`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingDraft {
    pub inspection: Uuid,
    /// The checklist item; None for a hazard outside the checklist.
    pub item_id: Option<String>,
    pub line: Option<String>,
    /// Saving answers the item 不合格 together with the finding (the form opened with `f`).
    #[serde(default)]
    pub fail: bool,
    pub description: String,
    pub severity: Severity,
    pub location: String,
    pub department: String,
    pub measures: String,
    pub due: String,
    pub responsible: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub interim: String,
    #[serde(default)]
    pub funds: String,
    #[serde(default)]
    pub fixed_on_spot: bool,
}

fn draft_path(ctx: &Ctx) -> PathBuf {
    ctx.store.dir().join("drafts").join("finding.json")
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> OpsError {
    OpsError::Setup(format!("无法{what}草稿文件 {}：{e}", path.display()))
}

/// Keeps the form's draft (replacing the previous one) atomically.
///
/// # Errors
/// `Setup` naming the file when it cannot be written; the previous draft is then intact.
pub fn save_draft(ctx: &Ctx, draft: &FindingDraft) -> Result<()> {
    let path = draft_path(ctx);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, "创建", e))?;
    let tmp = dir.join("finding.json.tmp");
    let bytes = serde_json::to_vec(draft).map_err(|e| OpsError::Setup(e.to_string()))?;
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| io_error(&path, "写入", e))
}

/// The draft left by a form that was not saved, if any.
///
/// # Errors
/// `Setup` naming the file when it is too large, unreadable or not a draft.
pub fn load_draft(ctx: &Ctx) -> Result<Option<FindingDraft>> {
    let path = draft_path(ctx);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(&path, "读取", e)),
    };
    if !meta.is_file() || meta.len() > MAX_DRAFT_BYTES {
        return Err(OpsError::Setup(format!(
            "草稿文件 {} 不是普通文件或超过 {} KB，已忽略",
            path.display(),
            MAX_DRAFT_BYTES / 1024
        )));
    }
    let bytes = std::fs::read(&path).map_err(|e| io_error(&path, "读取", e))?;
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        OpsError::Setup(format!(
            "草稿文件 {} 第 {} 行无法读取（{e}），已忽略",
            path.display(),
            e.line()
        ))
    })
}

/// Drops the draft (the finding was saved, or the user discarded it).
///
/// # Errors
/// `Setup` naming the file when it exists and cannot be removed.
pub fn clear_draft(ctx: &Ctx) -> Result<()> {
    let path = draft_path(ctx);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(&path, "删除", e)),
    }
}

/// Answers the finding's item 不合格 and records the finding in one append (one flush): both are
/// stored or neither is.
///
/// # Errors
/// What [`super::answer`] and [`super::record_finding`] refuse (an invalid field, a finished
/// inspection); then nothing was written.
pub fn fail_with_finding(ctx: &mut Ctx, new: NewFinding) -> Result<(Inspection, Finding)> {
    let inspection_id = new.inspection.ok_or_else(|| {
        OpsError::invalid(super::Input::Inspection, "不合格项的隐患须属于一次检查")
    })?;
    let item = new
        .item_id
        .clone()
        .ok_or_else(|| OpsError::invalid(super::Input::Item, "不合格须针对一个检查项"))?;
    let answer = inspection::answer_payload(ctx, inspection_id, &item, Answer::Fail, "")?;
    let (id, recorded) = finding::finding_payload(ctx, new)?;
    let author = ctx.author.clone();
    ctx.store
        .append(&author, &ctx.now, vec![answer, recorded])?;
    let insp = inspection::inspection_by_id(ctx, inspection_id)?;
    Ok((insp, ctx.finding_by_id(id)?))
}
