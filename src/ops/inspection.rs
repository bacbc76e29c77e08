//! Inspections: start, answer an item, finish.

use super::{
    Ctx, Input, MAX_NAME_CHARS, MAX_TEXT_CHARS, OpsError, Result, clean, limited, required_max,
};
use crate::domain::{Answer, Inspection, Mode, Payload};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct NewInspection {
    pub facility: String,
    pub departments: Vec<String>,
    pub mode: Option<Mode>,
    pub inspectors: Vec<String>,
    pub lines: Vec<String>,
}

pub fn start_inspection(ctx: &mut Ctx, new: NewInspection) -> Result<Inspection> {
    start_led_inspection(ctx, new, None)
}

/// As `start_inspection`, recording who led it (主要领导, 分管领导, 上级督导, 行政检查): the
/// rules of frequency (`plan_status`) count inspections by their leader.
pub fn start_led_inspection(
    ctx: &mut Ctx,
    new: NewInspection,
    leader: Option<crate::domain::LeaderRole>,
) -> Result<Inspection> {
    let (id, payloads) = start_payloads(ctx, new, leader)?;
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, payloads)?;
    inspection_by_id(ctx, id)
}

/// Checks a new inspection and returns its id and the events that start it (the checklist
/// versions it names, then `InspectionStarted`); nothing is written.
pub(crate) fn start_payloads(
    ctx: &Ctx,
    new: NewInspection,
    leader: Option<crate::domain::LeaderRole>,
) -> Result<(Uuid, Vec<Payload>)> {
    let facility = required_max("单位", &new.facility, MAX_NAME_CHARS)?;
    let mode = new.mode.ok_or_else(|| {
        OpsError::invalid("检查方式", "必须选择：self|supervision|mutual|unannounced")
    })?;
    let mut inspectors: Vec<String> = Vec::new();
    for s in &new.inspectors {
        let s = limited("检查人员", s, MAX_NAME_CHARS)?;
        if !s.is_empty() {
            inspectors.push(s);
        }
    }
    if inspectors.is_empty() {
        return Err(OpsError::invalid("检查人员", "至少填写一名检查人员"));
    }
    let mut lines: Vec<String> = Vec::new();
    for l in &new.lines {
        let l = ctx.resolve_line(Input::Line, &clean(l))?;
        if !lines.contains(&l) {
            lines.push(l);
        }
    }
    if lines.is_empty() {
        return Err(OpsError::invalid("防线", "至少选择一道防线"));
    }
    let mut departments: Vec<String> = Vec::new();
    for s in &new.departments {
        let s = limited("科室", s, MAX_NAME_CHARS)?;
        if !s.is_empty() {
            departments.push(s);
        }
    }
    let id = Uuid::now_v7();
    let number = super::next_number(ctx, crate::domain::Series::Inspection)?;
    let (checklists, mut payloads) = versions_of(ctx, &lines)?;
    payloads.push(Payload::InspectionStarted {
        inspection_id: id,
        facility,
        departments,
        mode,
        inspectors,
        lines,
        checklists,
        number: Some(number),
        leader,
    });
    Ok((id, payloads))
}

/// The checklist version of each line (line id → content hash), and a `ChecklistRecorded` event
/// for each version the log does not hold yet, so that the inspection can name its versions and
/// every device that receives it can show their items.
pub(crate) fn versions_of(
    ctx: &Ctx,
    lines: &[String],
) -> Result<(BTreeMap<String, String>, Vec<Payload>)> {
    let mut hashes = BTreeMap::new();
    let mut records = Vec::new();
    for line in lines {
        let (Some(cl), Some(hash)) = (ctx.catalog.line(line), ctx.catalog.hash_of(line)) else {
            continue;
        };
        if !ctx.store.has_checklist_version(hash)? {
            let mut checklist = cl.clone();
            checklist.source.clear();
            records.push(Payload::ChecklistRecorded {
                hash: hash.to_string(),
                checklist,
            });
        }
        hashes.insert(line.clone(), hash.to_string());
    }
    Ok((hashes, records))
}

pub(crate) fn inspection_by_id(ctx: &Ctx, id: Uuid) -> Result<Inspection> {
    ctx.store.inspection(id)?.ok_or(OpsError::NotFound {
        what: "检查",
        id: id.to_string(),
    })
}

/// Answers one item of an unfinished inspection (a later answer supersedes the earlier one).
///
/// # Errors
/// `Invalid` for a finished inspection or an item outside its lines; `NotOwner` when the acting
/// person is not among its inspectors; `Store` when the log cannot be written.
pub fn answer(
    ctx: &mut Ctx,
    inspection_id: Uuid,
    item_id: &str,
    answer: Answer,
    note: &str,
) -> Result<Inspection> {
    let payload = answer_payload(ctx, inspection_id, item_id, answer, note)?;
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, vec![payload])?;
    inspection_by_id(ctx, inspection_id)
}

/// Checks an answer and returns the event that records it (nothing written).
pub(crate) fn answer_payload(
    ctx: &Ctx,
    inspection_id: Uuid,
    item_id: &str,
    answer: Answer,
    note: &str,
) -> Result<Payload> {
    let insp = inspection_by_id(ctx, inspection_id)?;
    if insp.is_finished() {
        return Err(OpsError::invalid(
            "检查",
            "该检查已结束，不能再作答；需要补查请新开一次检查",
        ));
    }
    if !insp.is_owner(&ctx.author) {
        return Err(OpsError::NotOwner {
            inspectors: insp.inspectors.join("、"),
        });
    }
    let item = ctx
        .catalog
        .item(item_id)
        .ok_or_else(|| OpsError::invalid("检查项", format!("未知检查项「{item_id}」")))?;
    if !insp.lines.contains(&item.line) {
        return Err(OpsError::invalid(
            "检查项",
            format!(
                "检查项「{item_id}」属于防线 {}，不在本次检查的防线（{}）中",
                item.line,
                insp.lines.join("、")
            ),
        ));
    }
    let note = limited("备注", note, MAX_TEXT_CHARS)?;
    let supersedes = insp.answer_heads(&item.id);
    Ok(Payload::ItemAnswered {
        inspection_id,
        item_id: item.id.clone(),
        answer,
        note,
        supersedes,
    })
}

/// Adds the acting person to the inspectors of someone else's inspection (asked first by the
/// faces), so they may answer it. Joining one's own inspection changes nothing.
pub fn join_inspection(ctx: &mut Ctx, inspection_id: Uuid) -> Result<Inspection> {
    let insp = inspection_by_id(ctx, inspection_id)?;
    if insp.is_owner(&ctx.author) {
        return Ok(insp);
    }
    if insp.is_finished() {
        return Err(OpsError::invalid("检查", "该检查已结束，不能再加入"));
    }
    let author = ctx.author.clone();
    ctx.store.append(
        &author,
        &ctx.now,
        vec![Payload::InspectorAdded {
            inspection_id,
            name: author.clone(),
        }],
    )?;
    inspection_by_id(ctx, inspection_id)
}

/// Finishes an inspection: after this it takes no answer and no hazard.
///
/// # Errors
/// `Invalid` when it is already finished; `NotOwner` when the acting person is not among its
/// inspectors (like answering: join it first, issue 10); `Store` when the log cannot be
/// written.
pub fn finish_inspection(ctx: &mut Ctx, inspection_id: Uuid) -> Result<Inspection> {
    let insp = inspection_by_id(ctx, inspection_id)?;
    if insp.is_finished() {
        return Err(OpsError::invalid("检查", "该检查已经结束"));
    }
    if !insp.is_owner(&ctx.author) {
        return Err(OpsError::NotOwner {
            inspectors: insp.inspectors.join("、"),
        });
    }
    let author = ctx.author.clone();
    ctx.store.append(
        &author,
        &ctx.now,
        vec![Payload::InspectionFinished { inspection_id }],
    )?;
    inspection_by_id(ctx, inspection_id)
}
