//! Starting an inspection of a facility the registry does not hold. Issue 16 point 1: "typing a
//! new one still works and offers to add it" — the faces ask first, then either register the
//! facility with the inspection in one append or keep the name as typed text.

use super::facility::{NewFacility, facility_added, registry};
use super::inspection::{NewInspection, inspection_by_id, start_payloads};
use super::{Ctx, Result};
use crate::domain::{Inspection, LeaderRole, Registry, name_key};

/// What to do when the facility of a new inspection is not registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacilityIntent {
    /// Start nothing and say so ([`StartOutcome::Unregistered`]), when the office keeps a
    /// registry (at least one facility registered); an office without one is never asked.
    Ask,
    /// Register the facility (type guessed from its name) and start the inspection, in one
    /// append.
    Register,
    /// Start the inspection with the name as typed text.
    TextOnly,
}

/// What [`start_inspection_at`] did.
#[derive(Debug, Clone)]
pub enum StartOutcome {
    /// The inspection was started (and, with `Register`, its facility registered).
    Started(Box<Inspection>),
    /// Nothing was written: `facility` (as typed, trimmed) is not in the registry. `like` holds
    /// up to three registered names that contain it or that it contains, nearest first.
    Unregistered { facility: String, like: Vec<String> },
}

/// Starts an inspection (checked as `start_led_inspection`), deciding by `intent` what
/// becomes of a facility name the registry does not know (by name or merged spelling).
///
/// # Errors
/// As `start_led_inspection` (`Invalid` naming the field, `Store`); with `Register`, also as
/// `add_facility` for the name. Nothing is written on an error.
pub fn start_inspection_at(
    ctx: &mut Ctx,
    new: NewInspection,
    leader: Option<LeaderRole>,
    intent: FacilityIntent,
) -> Result<StartOutcome> {
    let (id, mut payloads) = start_payloads(ctx, new.clone(), leader)?;
    let facility = new.facility.trim().to_string();
    let reg = registry(ctx)?;
    let known = reg.by_name(&facility).is_some();
    match intent {
        FacilityIntent::Ask if !known && reg.active().next().is_some() => {
            let like = alike(&reg, &facility);
            return Ok(StartOutcome::Unregistered { facility, like });
        }
        FacilityIntent::Register if !known => {
            let (_, added) = facility_added(
                ctx,
                NewFacility {
                    name: facility,
                    ..NewFacility::default()
                },
            )?;
            payloads.insert(0, added);
        }
        _ => {}
    }
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, payloads)?;
    Ok(StartOutcome::Started(Box::new(inspection_by_id(ctx, id)?)))
}

/// Registered names that contain `typed` or are contained in it (spaces and case aside),
/// the closest in length first, at most three.
pub fn alike(reg: &Registry, typed: &str) -> Vec<String> {
    let key = name_key(typed);
    if key.is_empty() {
        return vec![];
    }
    let mut found: Vec<&str> = reg
        .active()
        .map(|f| f.name.as_str())
        .filter(|n| {
            let k = name_key(n);
            k.contains(&key) || key.contains(&k)
        })
        .collect();
    let len = key.chars().count() as isize;
    found.sort_by_key(|n| ((n.chars().count() as isize - len).abs(), n.to_string()));
    found.into_iter().take(3).map(str::to_string).collect()
}
