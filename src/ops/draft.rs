//! The hazard form's drafts, one per inspection and item (or line, outside the checklist), kept
//! through `draft_files` so a crash or a kill loses nothing typed; and the failed answer saved
//! together with its finding.

use super::draft_files::{DraftKey, clear_draft_at, save_draft_at};
use super::{Ctx, NewFinding, OpsError, Result, finding, inspection};
use crate::domain::{Answer, Finding, Inspection, Severity};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use uuid::Uuid;

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

impl FindingDraft {
    /// The form this draft belongs to: its inspection and item (or line, outside the checklist).
    pub fn key(&self) -> DraftKey {
        DraftKey::finding(
            self.inspection,
            self.item_id.as_deref(),
            self.line.as_deref(),
        )
    }
}

/// Where the single draft of earlier versions was kept; still read (and dropped once its form
/// is saved or discarded).
fn legacy_path(ctx: &Ctx) -> PathBuf {
    super::draft_files::drafts_dir(ctx).join("finding.json")
}

/// Keeps the hazard form's draft (replacing that form's previous one) atomically.
///
/// # Errors
/// `Setup` naming the file when it cannot be written; the previous draft is then intact.
pub fn save_draft(ctx: &Ctx, draft: &FindingDraft) -> Result<()> {
    save_draft_at(ctx, &draft.key(), draft)
}

/// Every hazard-form draft left unsaved (of one inspection, or of all), newest first; damaged
/// files are set aside and named in the second list, never fatal.
///
/// # Errors
/// None today: a file that cannot be read is named in the problems instead.
pub fn finding_drafts(
    ctx: &Ctx,
    inspection: Option<Uuid>,
) -> Result<(Vec<FindingDraft>, Vec<String>)> {
    let dir = super::draft_files::drafts_dir(ctx);
    let mut found: Vec<(std::time::SystemTime, FindingDraft)> = Vec::new();
    let mut problems = Vec::new();
    let prefix = inspection.map(|i| format!("finding-{}-", i.simple()));
    for name in super::draft_files::draft_names(ctx) {
        let ours = name.ends_with(".json")
            && (name == "finding.json"
                || prefix
                    .as_deref()
                    .map_or(name.starts_with("finding-"), |p| name.starts_with(p)));
        if !ours {
            continue;
        }
        let path = dir.join(&name);
        match super::draft_files::read_draft::<FindingDraft>(&path) {
            Ok(Some(d)) if inspection.is_none_or(|i| d.inspection == i) => {
                let at = std::fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH);
                found.push((at, d));
            }
            Ok(_) => {}
            Err(e) => problems.push(e.to_string()),
        }
    }
    found.sort_by_key(|b| std::cmp::Reverse(b.0));
    Ok((found.into_iter().map(|(_, d)| d).collect(), problems))
}

/// The newest hazard-form draft left by a form that was not saved, if any.
///
/// # Errors
/// `Setup` naming a damaged file (set aside as `….damaged`).
pub fn load_draft(ctx: &Ctx) -> Result<Option<FindingDraft>> {
    let (drafts, problems) = finding_drafts(ctx, None)?;
    match (drafts.into_iter().next(), problems.into_iter().next()) {
        (Some(d), _) => Ok(Some(d)),
        (None, Some(p)) => Err(OpsError::Setup(p)),
        (None, None) => Ok(None),
    }
}

/// Drops the draft of one hazard form (it was saved, or the user discarded it), and the single
/// draft of earlier versions when it was that form's.
///
/// # Errors
/// `Setup` naming the file when it exists and cannot be removed.
pub fn clear_draft(ctx: &Ctx, key: &DraftKey) -> Result<()> {
    let legacy = legacy_path(ctx);
    if let Ok(Some(d)) = super::draft_files::read_draft::<FindingDraft>(&legacy)
        && &d.key() == key
    {
        let _ = std::fs::remove_file(&legacy);
    }
    clear_draft_at(ctx, key)
}

/// Answers the finding's item 不合格 and records the finding in one append (one flush): both are
/// stored or neither is.
///
/// # Errors
/// What [`super::answer`] and [`super::record_finding`] refuse (an invalid field, a finished
/// inspection); then nothing was written.
pub fn fail_with_finding(ctx: &mut Ctx, new: NewFinding) -> Result<(Inspection, Finding)> {
    fail_with_finding_at(ctx, new, super::PlaceIntent::Auto)
}

/// `fail_with_finding` with the hazard's 部位 resolved as `intent` says (the hazard form's
/// answer to 「登记新场所？」); answer, hazard, any new place and the link are one append.
///
/// # Errors
/// As `fail_with_finding` and `record_finding_at`.
pub fn fail_with_finding_at(
    ctx: &mut Ctx,
    new: NewFinding,
    intent: super::PlaceIntent,
) -> Result<(Inspection, Finding)> {
    let inspection_id = new.inspection.ok_or_else(|| {
        OpsError::invalid(super::Input::Inspection, "不合格项的隐患须属于一次检查")
    })?;
    let item = new
        .item_id
        .clone()
        .ok_or_else(|| OpsError::invalid(super::Input::Item, "不合格须针对一个检查项"))?;
    let answer = inspection::answer_payload(ctx, inspection_id, &item, Answer::Fail, "")?;
    let (id, mut recorded) = finding::finding_payload(ctx, new)?;
    let (linked, _) = super::finding_place::place_payloads(ctx, id, &mut recorded, intent)?;
    let author = ctx.author.clone();
    let mut payloads = vec![answer, recorded];
    payloads.extend(linked);
    ctx.store.append(&author, &ctx.now, payloads)?;
    let insp = inspection::inspection_by_id(ctx, inspection_id)?;
    Ok((insp, ctx.finding_by_id(id)?))
}
