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

/// Registered names that look like `typed` (spaces and case aside): those that contain it or
/// that it contains, and those that share at least three quarters of the longer name in order
/// (城关人民医院 ~ 城关区人民医院), most alike first, at most three.
pub fn alike(reg: &Registry, typed: &str) -> Vec<String> {
    let typed_key = name_key(typed);
    if typed_key.is_empty() {
        return vec![];
    }
    let mut found: Vec<(f64, &str)> = reg
        .active()
        .filter_map(|f| {
            let k = name_key(&f.name);
            let contained = k.contains(&typed_key) || typed_key.contains(&k);
            let score = likeness(typed, &f.name);
            (contained || score >= 0.75).then_some((score, f.name.as_str()))
        })
        .collect();
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    found
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// How alike two facility names are, 0 to 1: the characters they share in order over the
/// length of the longer (spaces and case aside). 城关人民医院 ~ 城关区人民医院: 6/7.
pub fn likeness(a: &str, b: &str) -> f64 {
    let a: Vec<char> = name_key(a).chars().collect();
    let b: Vec<char> = name_key(b).chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 0.0;
    }
    common_in_order(&a, &b) as f64 / longest as f64
}

/// The length of the longest common subsequence of `a` and `b` (characters in the same order,
/// gaps allowed).
fn common_in_order(a: &[char], b: &[char]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for ca in a {
        let mut diagonal = 0;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::common_in_order;

    fn lcs(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        common_in_order(&a, &b)
    }

    #[test]
    fn names_alike_share_characters_in_order() {
        assert_eq!(lcs("城关人民医院", "城关区人民医院"), 6);
        assert_eq!(lcs("城关区中医院", "城关区人民医院"), 5);
        assert_eq!(lcs("医院人民", "人民医院"), 2);
        assert_eq!(lcs("", "人民医院"), 0);
    }
}
