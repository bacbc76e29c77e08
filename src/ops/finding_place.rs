//! A hazard's 部位 linked to its facility's place tree (issue 16 point 1): recorded with the
//! hazard in one flushed append, so the register can mark hazards at red and orange sites by
//! the place itself, not by re-reading the text.

use super::registry_pick::{PlaceChoice, link_payload, resolve_place};
use super::{Ctx, NewFinding, Result};
use crate::domain::{Finding, LinkTarget, Payload};

/// What to do with the 部位 text of a new hazard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceIntent {
    /// Link it when it names exactly one registered place of the facility; otherwise keep it
    /// as text, silently (a 部位 typed by hand, `finding add --location`).
    Auto,
    /// It is meant to name a registered place (`finding add --place`): several fitting places
    /// are refused, naming the flag; a place not registered is kept as text with a note.
    Strict,
    /// Register it as a new place of the facility (the form's 「登记」 answer), then link.
    Register,
    /// Keep it as text only (the form's 「不登记」 answer).
    TextOnly,
}

/// What became of the 部位.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceOutcome {
    /// Linked to a registered place; the 部位 text is its path.
    Linked(PlaceChoice),
    /// Registered as a new place just now and linked.
    Registered(PlaceChoice),
    /// Kept as text; `note` says why when the person may want to know (a Chinese line).
    Text { note: Option<String> },
}

/// A recorded hazard and its 部位 link.
#[derive(Debug, Clone)]
pub struct RecordedFinding {
    pub finding: Finding,
    pub place: PlaceOutcome,
}

/// Records a hazard like `record_finding`, resolving its 部位 against the facility's
/// registered places as `intent` says; the hazard, any new place and the link are one append.
/// A hazard of an unregistered facility keeps its 部位 as text.
///
/// # Errors
/// As `record_finding`; `Invalid` naming `部位（--place）` for a 部位 that fits several places
/// (`Strict`), or naming 场所路径 for a path that cannot be registered (`Register`).
pub fn record_finding_at(
    ctx: &mut Ctx,
    new: NewFinding,
    intent: PlaceIntent,
) -> Result<RecordedFinding> {
    let (id, mut payload) = super::finding::finding_payload(ctx, new)?;
    let (mut linked, outcome) = place_payloads(ctx, id, &mut payload, intent)?;
    let mut payloads = vec![payload];
    payloads.append(&mut linked);
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, payloads)?;
    let finding = ctx.finding_by_id(id)?;
    let place = settled(ctx, outcome)?;
    Ok(RecordedFinding { finding, place })
}

/// The events that link the hazard `id` (its `FindingRecorded` in `payload`, whose 部位 text
/// becomes the place's path when one is found or registered) as `intent` says, and what
/// became of the 部位; nothing is written.
pub(crate) fn place_payloads(
    ctx: &Ctx,
    id: uuid::Uuid,
    payload: &mut Payload,
    intent: PlaceIntent,
) -> Result<(Vec<Payload>, PlaceOutcome)> {
    let Payload::FindingRecorded {
        facility, location, ..
    } = payload
    else {
        return Ok((vec![], PlaceOutcome::Text { note: None }));
    };
    let reg = super::registry(ctx)?;
    let mut payloads = Vec::new();
    let outcome = match reg.by_name(facility) {
        _ if location.trim().is_empty() => PlaceOutcome::Text { note: None },
        None => PlaceOutcome::Text {
            note: (intent == PlaceIntent::Strict || intent == PlaceIntent::Register)
                .then(|| format!("单位「{facility}」未登记，部位「{location}」按文字保存")),
        },
        Some(f) => {
            let flag = "部位";
            let found = match intent {
                PlaceIntent::Strict | PlaceIntent::Register => resolve_place(f, flag, location)?,
                PlaceIntent::Auto => resolve_place(f, flag, location).ok().flatten(),
                PlaceIntent::TextOnly => None,
            };
            match (found, intent) {
                (Some(p), _) => {
                    *location = p.path.clone();
                    payloads.push(link_payload(LinkTarget::Finding(id), f.id, Some(p.id)));
                    PlaceOutcome::Linked(PlaceChoice::of(f, p))
                }
                (None, PlaceIntent::Register) => {
                    let (mut added, leaf) =
                        super::facility::place_payloads(f, location, None, false)?;
                    let path = location
                        .split(['/', '／'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join("/");
                    *location = path.clone();
                    payloads.append(&mut added);
                    payloads.push(link_payload(LinkTarget::Finding(id), f.id, Some(leaf)));
                    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
                    PlaceOutcome::Registered(PlaceChoice {
                        facility_id: f.id,
                        facility: f.name.clone(),
                        place_id: leaf,
                        kind: crate::domain::PlaceKind::Spot,
                        name,
                        path,
                        key_site: false,
                        grade: None,
                    })
                }
                (None, PlaceIntent::Strict) => PlaceOutcome::Text {
                    note: Some(format!(
                        "部位「{location}」不是「{}」已登记的场所，按文字保存；登记：xuncha facility place add",
                        f.name
                    )),
                },
                (None, _) => PlaceOutcome::Text { note: None },
            }
        }
    };
    Ok((payloads, outcome))
}

/// A registered place as the registry now holds it (its kind read from the name).
pub(crate) fn settled(ctx: &Ctx, outcome: PlaceOutcome) -> Result<PlaceOutcome> {
    Ok(match outcome {
        PlaceOutcome::Registered(c) => {
            let kind = super::registry(ctx)?
                .get(c.facility_id)
                .and_then(|f| f.places.iter().find(|p| p.id == c.place_id).map(|p| p.kind))
                .unwrap_or(c.kind);
            PlaceOutcome::Registered(PlaceChoice { kind, ..c })
        }
        o => o,
    })
}
