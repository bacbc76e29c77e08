//! The by-inspection and 隐患编号 index keys in groups (issue 14): a hazard is found by its
//! inspection and its number exactly as the views say, whether the keys are in groups, stored
//! one by one as versions before kept them, or both; the next open groups them, and `doctor`
//! stays clean throughout.

use crate::catalog::Catalog;
use crate::domain::{FindingQuery, Now};
use crate::ops::Ctx;
use crate::store::Store;
use std::collections::BTreeMap;
use uuid::Uuid;

fn now() -> Now {
    Now(chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap())
}

fn ctx_at(path: &std::path::Path) -> Ctx {
    Ctx::new(
        Store::open(path).unwrap(),
        Catalog::builtin(),
        now(),
        "王建国",
    )
}

/// Every inspection's hazards and every numbered hazard as the lookups give them, beside what
/// the views say (they must be equal).
fn lookups(ctx: &Ctx) -> (BTreeMap<Uuid, Vec<Uuid>>, BTreeMap<Uuid, Vec<Uuid>>) {
    let s = ctx.raw_store();
    let mut views: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    let mut by_number_views = Vec::new();
    let mut by_number = Vec::new();
    for f in s.all_findings() {
        let f = f.unwrap();
        if let Some(i) = f.inspection_id {
            views.entry(i).or_default().push(f.id);
        }
        if let Some(n) = &f.number {
            by_number_views.push(f.id);
            by_number.push(s.finding_by_number(&n.code()).unwrap().unwrap());
        }
    }
    let mut found = BTreeMap::new();
    for i in s.all_inspections().unwrap() {
        let q = FindingQuery {
            inspection: Some(i.id),
            ..Default::default()
        };
        let ids: Vec<Uuid> = ctx
            .list_findings(&q)
            .unwrap()
            .iter()
            .map(|f| f.id)
            .collect();
        if !ids.is_empty() {
            found.insert(i.id, ids);
        }
    }
    assert_eq!(
        by_number, by_number_views,
        "every hazard found by its number"
    );
    (found, views)
}

#[test]
fn hazards_are_found_by_inspection_and_number_in_either_form_of_their_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = ctx_at(dir.path());
    crate::ops::demo(&mut ctx, 300).unwrap();
    let (found, views) = lookups(&ctx);
    assert_eq!(found, views);
    assert!(views.values().any(|ids| ids.len() > 1), "{views:?}");
    let s = ctx.raw_store();
    let (single, groups) = s.index_key_forms().unwrap();
    assert_eq!(single, 0);
    assert!(
        groups > 0 && groups < views.len() + 300 / 10,
        "{groups} groups"
    );
    assert!(s.check().unwrap().is_clean());

    // Half the keys as an older version stores them: read the same, doctor clean.
    s.ungroup_index_keys(2).unwrap();
    assert!(s.index_key_forms().unwrap().0 > 100);
    assert_eq!(lookups(&ctx), (found.clone(), views.clone()));
    assert!(s.check().unwrap().is_clean());
    assert!(s.rebuild(false).unwrap().is_clean());

    // The next open groups them again; a new hazard goes into its inspection's group.
    drop(ctx);
    let mut ctx = ctx_at(dir.path());
    assert_eq!(ctx.raw_store().index_key_forms().unwrap(), (0, groups));
    assert_eq!(lookups(&ctx), (found.clone(), views));
    let insp = crate::ops::start_inspection(
        &mut ctx,
        crate::ops::NewInspection {
            facility: "东城区人民医院".into(),
            departments: vec![],
            mode: Some(crate::domain::Mode::SelfCheck),
            inspectors: vec!["王建国".into()],
            lines: vec!["fire".into()],
        },
    )
    .unwrap();
    let mut added = None;
    for description in ["消防通道堵塞", "灭火器压力不足"] {
        let new = crate::ops::NewFinding {
            inspection: Some(insp.id),
            description: description.into(),
            location: "三楼".into(),
            ..Default::default()
        };
        added = Some(crate::ops::record_finding(&mut ctx, new).unwrap());
    }
    let added = added.unwrap();
    let (found, views) = lookups(&ctx);
    assert_eq!(found, views);
    assert!(found[&insp.id].contains(&added.id));
    assert_eq!(ctx.raw_store().index_key_forms().unwrap().0, 0);
    assert!(ctx.raw_store().check().unwrap().is_clean());

    // `doctor --rebuild` writes the groups afresh.
    assert!(ctx.raw_store().rebuild(true).unwrap().rebuilt);
    assert_eq!(ctx.raw_store().index_key_forms().unwrap().0, 0);
    assert_eq!(lookups(&ctx), (found, views));
    assert!(ctx.raw_store().check().unwrap().is_clean());
}
