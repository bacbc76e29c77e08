//! A filter as a person types it, resolved against what exists: a line by id or Chinese name,
//! a facility by the whole name or a unique part of it, standing for every spelling merged
//! into its registry entry. A value that names nothing is refused
//! with the values that exist, never answered with an empty list.

use super::{Ctx, Input, OpsError, Result};
use crate::domain::FindingQuery;

/// Resolves `q.line` and `q.facility` in place.
///
/// # Errors
/// `Invalid` naming `Line` or `Facility` when the value names nothing (or, for a facility part,
/// more than one), with the values that exist.
pub fn resolve_filter(ctx: &Ctx, q: &mut FindingQuery) -> Result<()> {
    if let Some(l) = q.line.as_deref() {
        q.line = Some(ctx.resolve_line(Input::Line, l)?);
    }
    if let Some(f) = q.facility.as_deref().map(str::trim) {
        let mut names = super::facilities(ctx)?;
        // Read one at a time: collecting every finding held an office's 100,000 in memory.
        let mut seen: std::collections::HashSet<String> = names.iter().cloned().collect();
        ctx.for_each_finding(&FindingQuery::default(), |x| {
            if seen.insert(x.facility.clone()) {
                names.push(x.facility);
            }
            Ok(())
        })?;
        for r in super::registry(ctx)?.active() {
            for n in std::iter::once(&r.name).chain(&r.aliases) {
                if !names.contains(n) {
                    names.push(n.clone());
                }
            }
        }
        if !names.iter().any(|n| n == f) {
            let parts: Vec<&String> = names.iter().filter(|n| n.contains(f)).collect();
            match parts.as_slice() {
                [one] => q.facility = Some((*one).clone()),
                [] => {
                    let shown: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
                    let more = if names.len() > 10 { "……" } else { "" };
                    return Err(OpsError::invalid(
                        Input::Facility,
                        format!("没有单位「{f}」，已有：{}{more}", shown.join("、")),
                    ));
                }
                many => {
                    let shown: Vec<&str> = many.iter().take(10).map(|s| s.as_str()).collect();
                    return Err(OpsError::invalid(
                        Input::Facility,
                        format!("「{f}」对应多个单位，请写全称：{}", shown.join("、")),
                    ));
                }
            }
        }
        // One identity: a registered facility stands for its merged spellings too.
        if let Some(name) = q.facility.clone() {
            let reg = super::registry(ctx)?;
            q.facility_spellings = super::registry_pick::spellings(&reg, &name);
            if let Some(first) = q.facility_spellings.first() {
                q.facility = Some(first.clone());
            }
        }
    }
    Ok(())
}
