//! An inspection recorded before checklist versions were kept (issue 15) keeps the item set it
//! was answered against: items added to a built-in line later do not make a finished inspection
//! read as incomplete after an upgrade.

use std::collections::BTreeMap;
use xuncha::catalog::{Catalog, in_first_edition};
use xuncha::domain::{Answer, Mode, Now, Payload};
use xuncha::ops::{self, Ctx};
use xuncha::store::Store;

fn now() -> Now {
    Now(chrono::DateTime::parse_from_rfc3339("2026-12-10T09:00:00+08:00").unwrap())
}

#[test]
fn a_legacy_inspection_keeps_its_first_edition_items() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ctx = Ctx::new(
        Store::open(tmp.path()).unwrap(),
        Catalog::builtin(),
        now(),
        "张建国",
    );
    let fire_now: Vec<String> = ctx
        .catalog
        .items_of(&["fire".to_string()])
        .map(|i| i.id.clone())
        .collect();
    let first: Vec<&String> = fire_now.iter().filter(|id| in_first_edition(id)).collect();
    assert!(
        first.len() < fire_now.len(),
        "the fire line gained items since the first edition"
    );
    // As the first edition wrote it: no checklist versions, every item of its day answered.
    let id = uuid::Uuid::now_v7();
    let mut events = vec![Payload::InspectionStarted {
        inspection_id: id,
        facility: "某某区人民医院".into(),
        departments: vec![],
        mode: Mode::Unannounced,
        inspectors: vec!["张建国".into()],
        lines: vec!["fire".into()],
        number: None,
        checklists: BTreeMap::new(),
        leader: None,
    }];
    for item in &first {
        events.push(Payload::ItemAnswered {
            inspection_id: id,
            item_id: (*item).clone(),
            answer: Answer::Pass,
            note: String::new(),
            supersedes: vec![],
        });
    }
    events.push(Payload::InspectionFinished { inspection_id: id });
    let now = ctx.now;
    ctx.raw_store_mut().append("张建国", &now, events).unwrap();

    let insp = ctx.inspection(&id.to_string()).unwrap();
    let items = ctx.items_of_inspection(&insp);
    assert_eq!(items.len(), first.len(), "37/37 stays 37/37, not 37/45");
    let home = ops::home(&ctx, None).unwrap();
    let summary = home
        .recent
        .iter()
        .find(|s| s.id == id)
        .expect("the finished inspection is on home");
    assert_eq!(summary.total, first.len());
    // A new inspection uses today's checklist, with the new items.
    assert!(ctx.catalog.items_of(&["fire".to_string()]).count() > first.len());
}
