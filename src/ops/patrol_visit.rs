//! One visit of a patrol (issue 16 point 3: "one key per site (正常, or 异常 which opens a
//! hazard pre-filled with the site)"). 正常 is one event; 异常 is the hazard, its 部位 link and
//! the visit that names it, written in ONE flushed append, so a crash never leaves a hazard
//! without its visit nor a visit without its hazard.

use super::finding_place::{PlaceIntent, place_payloads};
use super::patrol::{PATROL_LINE, patrol};
use super::{Ctx, Input, MAX_TEXT_CHARS, NewFinding, OpsError, Result, limited};
use crate::domain::{Facility, Finding, Patrol, Payload, Place, PlaceKind};

/// The outcome of one visit: the patrol as it stands and the hazard an 异常 recorded.
#[derive(Debug, Clone)]
pub struct VisitOutcome {
    /// The patrol with this visit in it.
    pub patrol: Patrol,
    /// The hazard an 异常 recorded (None for 正常).
    pub finding: Option<Finding>,
}

/// Records one visit. 正常 (`ok`) is one event. 异常 (`ok` false) needs a note: it becomes the
/// description of a hazard pre-filled from the site (`abnormal_finding`), recorded with the
/// visit in one append (`patrol_visit_abnormal`). Flushed before this returns.
///
/// # Errors
/// `NotFound` for an unknown patrol or site; `Invalid` for a finished patrol, a note over
/// `MAX_TEXT_CHARS`, or an 异常 without a note (naming 说明; nothing written).
pub fn patrol_visit(
    ctx: &mut Ctx,
    patrol_text: &str,
    place_text: &str,
    ok: bool,
    note: &str,
) -> Result<VisitOutcome> {
    let (p, f, site) = open_visit(ctx, patrol_text, place_text)?;
    let note = limited("情况", note, MAX_TEXT_CHARS)?;
    if !ok {
        if note.is_empty() {
            return Err(OpsError::invalid(
                Input::Note,
                "异常须写明情况（将登记为隐患）",
            ));
        }
        let new = abnormal_finding(&f, &site, &note);
        return patrol_visit_abnormal(ctx, patrol_text, place_text, new, PlaceIntent::Auto);
    }
    let author = ctx.author.clone();
    ctx.store.append(
        &author,
        &ctx.now,
        vec![Payload::PatrolVisited {
            patrol_id: p.id,
            place_id: site.id,
            ok: true,
            note,
            finding_id: None,
        }],
    )?;
    Ok(VisitOutcome {
        patrol: patrol(ctx, &p.id.simple().to_string())?,
        finding: None,
    })
}

/// Records an 异常 at `place_text` on the patrol: hazard `new` (as the hazard form or
/// `abnormal_finding` made it; its 部位 resolved against the registry as `intent` says, as
/// `record_finding_at` does), and the visit `PatrolVisited { ok: false, finding_id, note =
/// the description }`, in one flushed append. The hazard is the patrol's facility's and on
/// line 重点部位 unless `new` names another line; it belongs to no inspection.
///
/// # Errors
/// As `record_finding_at` (a blank 问题隐患, a bad 整改时限 … naming the field; nothing
/// written); `NotFound` for an unknown patrol or site; `Invalid` for a finished patrol or a
/// hazard that names an inspection.
pub fn patrol_visit_abnormal(
    ctx: &mut Ctx,
    patrol_text: &str,
    place_text: &str,
    mut new: NewFinding,
    intent: PlaceIntent,
) -> Result<VisitOutcome> {
    let (p, f, site) = open_visit(ctx, patrol_text, place_text)?;
    if new.inspection.is_some() {
        return Err(OpsError::invalid(
            Input::Inspection,
            "巡查发现的隐患不属于某次检查",
        ));
    }
    // The patrol's facility, by its registered name: the face's copy may be escaped.
    new.facility = Some(f.name.clone());
    new.line.get_or_insert_with(|| PATROL_LINE.to_string());
    let (id, mut payload) = super::finding::finding_payload(ctx, new)?;
    let Payload::FindingRecorded { description, .. } = &payload else {
        unreachable!("finding_payload makes a FindingRecorded")
    };
    let note = description.clone();
    let (mut linked, _) = place_payloads(ctx, id, &mut payload, intent)?;
    let mut payloads = vec![payload];
    payloads.append(&mut linked);
    payloads.push(Payload::PatrolVisited {
        patrol_id: p.id,
        place_id: site.id,
        ok: false,
        note,
        finding_id: Some(id),
    });
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, payloads)?;
    Ok(VisitOutcome {
        patrol: patrol(ctx, &p.id.simple().to_string())?,
        finding: Some(ctx.finding_by_id(id)?),
    })
}

/// The open patrol `patrol_text`, its facility, and its place `place_text`.
fn open_visit(ctx: &Ctx, patrol_text: &str, place_text: &str) -> Result<(Patrol, Facility, Place)> {
    let p = patrol(ctx, patrol_text)?;
    if p.finished_at.is_some() {
        return Err(OpsError::invalid(
            Input::Other("巡查".into()),
            "该巡查已结束",
        ));
    }
    let reg = super::registry(ctx)?;
    let f = reg
        .get(p.facility_id)
        .cloned()
        .ok_or_else(|| OpsError::NotFound {
            what: "单位",
            id: p.facility_id.to_string(),
        })?;
    let site = super::place(&f, place_text)?;
    Ok((p, f, site))
}

/// The hazard an 异常 at `site` opens, pre-filled: facility, 部位 = the site's whole path
/// (so it links to that place even when another building has a place of the same name),
/// 科室 = the site's parent when that is a 科室, line 重点部位, 责任单位及人员 = the site's
/// 责任人, and `note` as 问题隐患 (empty when the hazard form opens, for the person to write).
pub fn abnormal_finding(f: &Facility, site: &Place, note: &str) -> NewFinding {
    let department = site
        .parent
        .and_then(|pid| f.places.iter().find(|p| p.id == pid))
        .filter(|p| p.kind == PlaceKind::Department)
        .map(|p| p.name.clone());
    NewFinding {
        facility: Some(f.name.clone()),
        department,
        location: site.path.clone(),
        line: Some(PATROL_LINE.to_string()),
        description: note.to_string(),
        responsible: site.responsible.clone(),
        ..NewFinding::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FindingQuery, PlaceField};
    use crate::ops::test_support::ctx;
    use crate::ops::{NewFacility, add_facility, add_place, set_place_fields, start_patrol};

    const H: &str = "市第一人民医院";

    /// 市第一人民医院 with one key site, 氧气储瓶间 (责任人 赵磊), and a night patrol of it.
    fn patrolling() -> (tempfile::TempDir, Ctx, Patrol) {
        let (dir, mut ctx) = ctx();
        let new = NewFacility {
            name: H.into(),
            ..NewFacility::default()
        };
        add_facility(&mut ctx, new).unwrap();
        add_place(&mut ctx, H, "本部/后勤楼/氧气储瓶间", None, true).unwrap();
        let who = [(PlaceField::Responsible, "后勤保障科 赵磊".to_string())];
        set_place_fields(&mut ctx, H, "氧气储瓶间", &who).unwrap();
        let (p, _) = start_patrol(&mut ctx, H, true, None).unwrap();
        (dir, ctx, p)
    }

    /// The kinds of this device's events from `first` on, in log order.
    fn kinds_since(ctx: &Ctx, first: u64) -> Vec<&'static str> {
        let s = &ctx.store;
        s.records(s.device_id(), first, s.own_seq())
            .unwrap()
            .iter()
            .map(|r| r.body().unwrap().payload.kind())
            .collect()
    }

    #[test]
    fn an_abnormal_visit_writes_its_hazard_link_and_visit_in_one_append() {
        let (_d, mut ctx, p) = patrolling();
        let (appends, seq) = (ctx.store.appends(), ctx.store.own_seq());
        let reg = crate::ops::registry(&ctx).unwrap();
        let f = reg.by_name(H).unwrap().clone();
        let site = f.key_sites().next().unwrap().clone();
        let mut new = abnormal_finding(&f, &site, "");
        new.description = "氧气瓶未固定，无防倾倒链".into();
        new.severity = Some(crate::domain::Severity::Major);
        let id = p.id.simple().to_string();
        let out =
            patrol_visit_abnormal(&mut ctx, &id, "氧气储瓶间", new, PlaceIntent::Auto).unwrap();
        assert_eq!(
            ctx.store.appends(),
            appends + 1,
            "one append, one transaction"
        );
        assert_eq!(
            kinds_since(&ctx, seq + 1),
            ["finding_recorded", "place_linked", "patrol_visited"]
        );
        let hazard = out.finding.expect("the hazard");
        let visit = &out.patrol.visits[0];
        assert_eq!(
            (visit.ok, visit.finding_id, visit.note.as_str()),
            (false, Some(hazard.id), "氧气瓶未固定，无防倾倒链")
        );
        assert_eq!(
            (
                hazard.facility.as_str(),
                hazard.location.as_str(),
                hazard.line.as_str(),
                hazard.responsible.as_str(),
                hazard.severity
            ),
            (
                H,
                "本部/后勤楼/氧气储瓶间",
                PATROL_LINE,
                "后勤保障科 赵磊",
                crate::domain::Severity::Major
            )
        );
    }

    #[test]
    fn the_cli_path_of_an_abnormal_visit_is_one_append_too() {
        let (_d, mut ctx, p) = patrolling();
        let appends = ctx.store.appends();
        let id = p.id.simple().to_string();
        let out = patrol_visit(&mut ctx, &id, "氧气储瓶间", false, "瓶身无标识").unwrap();
        assert_eq!(ctx.store.appends(), appends + 1);
        assert_eq!(out.patrol.visits[0].finding_id, out.finding.map(|f| f.id));
    }

    #[test]
    fn a_blank_description_or_note_writes_nothing() {
        let (_d, mut ctx, p) = patrolling();
        let (appends, seq) = (ctx.store.appends(), ctx.store.own_seq());
        let id = p.id.simple().to_string();
        let e = patrol_visit(&mut ctx, &id, "氧气储瓶间", false, "  ").unwrap_err();
        assert!(e.to_string().contains("异常须写明情况"), "{e}");
        let reg = crate::ops::registry(&ctx).unwrap();
        let f = reg.by_name(H).unwrap().clone();
        let site = f.key_sites().next().unwrap().clone();
        let blank = abnormal_finding(&f, &site, " ");
        let e = patrol_visit_abnormal(&mut ctx, &id, "氧气储瓶间", blank, PlaceIntent::Auto)
            .unwrap_err();
        assert!(e.to_string().contains("问题隐患"), "{e}");
        assert_eq!((ctx.store.appends(), ctx.store.own_seq()), (appends, seq));
        assert!(crate::ops::patrols(&ctx).unwrap()[0].visits.is_empty());
        let held = ctx.list_findings(&FindingQuery::default()).unwrap();
        assert!(held.is_empty());
    }
}
