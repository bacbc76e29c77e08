//! Patrols of a facility's key sites (issue 16 point 3): start, finish, and the log. The
//! visits (正常, or 异常 with its hazard) are in `patrol_visit.rs`.

use super::{Ctx, MAX_NAME_CHARS, OpsError, Result, limited};
use crate::domain::{Facility, Patrol, Payload, Stamp};
use uuid::Uuid;

/// The checklist line a hazard found on patrol belongs to: 重点部位.
pub const PATROL_LINE: &str = "key_site";

/// Every patrol held, oldest first.
///
/// # Errors
/// `Store` when the log cannot be read.
pub fn patrols(ctx: &Ctx) -> Result<Vec<Patrol>> {
    Ok(patrols_shared(ctx)?.as_ref().clone())
}

/// Every patrol held, oldest first, as kept while no patrol event is written
/// (`registry_cache.rs`): what the plan panel reads on every home refresh.
///
/// # Errors
/// `Store` when the log cannot be read.
pub(crate) fn patrols_shared(ctx: &Ctx) -> Result<std::sync::Arc<Vec<Patrol>>> {
    ctx.patrols.get(&ctx.store)
}

/// A patrol by id (whole, or its first or last 6+ hex digits).
pub fn patrol(ctx: &Ctx, text: &str) -> Result<Patrol> {
    let t: String = text.trim().replace('-', "").to_ascii_lowercase();
    // A whole id (what the TUI and `patrol start` hand on): only that patrol's events are
    // folded, not every patrol's, after each visit written (issue 14).
    if t.len() == 32
        && let Ok(id) = Uuid::try_parse(&t)
    {
        let events = ctx.store.entity_events(crate::domain::Entity::Patrol(id))?;
        return Patrol::fold_all(&events)
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| OpsError::NotFound {
                what: "巡查",
                id: text.to_string(),
            });
    }
    let hits: Vec<Patrol> = patrols(ctx)?
        .into_iter()
        .filter(|p| {
            let s = p.id.simple().to_string();
            t.len() >= 6 && (s.ends_with(&t) || s.starts_with(&t))
        })
        .collect();
    match <[Patrol; 1]>::try_from(hits) {
        Ok([p]) => Ok(p),
        Err(_) => Err(OpsError::NotFound {
            what: "巡查",
            id: text.to_string(),
        }),
    }
}

/// Starts a patrol of a facility's key sites (refused when it has none: add them with
/// `facility place add … --key-site`). `patroller` defaults to the signing author.
pub fn start_patrol(
    ctx: &mut Ctx,
    facility_text: &str,
    night: bool,
    patroller: Option<&str>,
) -> Result<(Patrol, Facility)> {
    let f = super::facility(ctx, facility_text)?;
    if f.key_sites().next().is_none() {
        return Err(OpsError::invalid(
            super::Input::Facility,
            format!(
                "「{}」尚未登记重点部位；先用 xuncha facility place add 登记（加 --key-site）",
                f.name
            ),
        ));
    }
    let patroller = match patroller {
        Some(p) => limited("巡查人", p, MAX_NAME_CHARS)?,
        None => String::new(),
    };
    let patroller = if patroller.is_empty() {
        ctx.author.clone()
    } else {
        patroller
    };
    let id = Uuid::now_v7();
    let author = ctx.author.clone();
    ctx.store.append(
        &author,
        &ctx.now,
        vec![Payload::PatrolStarted {
            patrol_id: id,
            facility_id: f.id,
            night,
            patroller,
        }],
    )?;
    Ok((patrol(ctx, &id.simple().to_string())?, f))
}

/// Ends a patrol.
pub fn finish_patrol(ctx: &mut Ctx, patrol_text: &str) -> Result<Patrol> {
    let p = patrol(ctx, patrol_text)?;
    if p.finished_at.is_none() {
        let author = ctx.author.clone();
        ctx.store.append(
            &author,
            &ctx.now,
            vec![Payload::PatrolFinished { patrol_id: p.id }],
        )?;
    }
    patrol(ctx, &p.id.simple().to_string())
}

/// One line of the patrol log: a visit with its patrol and place.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VisitRow {
    pub at: Stamp,
    pub facility: String,
    pub site: String,
    pub night: bool,
    pub result: &'static str,
    pub note: String,
    pub patroller: String,
    pub patrol_id: Uuid,
    pub finding_id: Option<Uuid>,
}

/// The patrol log, newest first: every visit, optionally of one facility and one site.
pub fn patrol_log(
    ctx: &Ctx,
    facility_text: Option<&str>,
    site_text: Option<&str>,
) -> Result<Vec<VisitRow>> {
    let reg = super::registry(ctx)?;
    let only = match facility_text {
        Some(t) => Some(super::facility(ctx, t)?),
        None => None,
    };
    let site = match (&only, site_text) {
        (Some(f), Some(s)) => Some(super::place(f, s)?.id),
        (None, Some(_)) => {
            return Err(OpsError::invalid(
                super::Input::Facility,
                "按部位查看须同时指定单位",
            ));
        }
        _ => None,
    };
    let mut rows = Vec::new();
    let mut order = Vec::new();
    for p in patrols(ctx)? {
        if only.as_ref().is_some_and(|f| f.id != p.facility_id) {
            continue;
        }
        let f = reg.get(p.facility_id);
        for (n, v) in p.visits.iter().enumerate() {
            if site.is_some_and(|s| s != v.place_id) {
                continue;
            }
            let site_name = f
                .and_then(|f| f.places.iter().find(|pl| pl.id == v.place_id))
                .map(|pl| pl.path.clone())
                .unwrap_or_default();
            order.push((p.id, n));
            rows.push(VisitRow {
                at: v.at,
                facility: f.map(|f| f.name.clone()).unwrap_or_default(),
                site: site_name,
                night: p.night,
                result: v.label(),
                note: v.note.clone(),
                patroller: p.patroller.clone(),
                patrol_id: p.id,
                finding_id: v.finding_id,
            });
        }
    }
    // Newest first; visits stamped in the same millisecond (a pinned clock, a quick hand) by
    // the later patrol (ids are time-ordered UUIDv7), then the later visit of one patrol.
    let mut keyed: Vec<_> = rows.into_iter().zip(order).collect();
    keyed.sort_by_key(|(r, o)| std::cmp::Reverse((r.at, *o)));
    Ok(keyed.into_iter().map(|(r, _)| r).collect())
}
