//! Someone else's inspection in the TUI (issue 10, point 2): answering it asks 「加入 … 的检查？」;
//! yes adds me as an inspector through `ops::join_inspection` (the CLI's `--join`) and the key
//! that asked is carried out; no writes nothing.

use crate::tui_support;

use tui_support::*;
use xuncha::domain::{Answer, Mode};
use xuncha::ops::{NewInspection, start_inspection};
use xuncha::tui::app::{ConfirmKind, Overlay, Screen};

/// An unfinished inspection started and led by 张三 on this store; returns its id.
fn zhangsans_inspection(h: &mut Harness) -> uuid::Uuid {
    let ctx = &mut h.tui.runner.ctx;
    let me = std::mem::replace(&mut ctx.author, "张三".into());
    let insp = start_inspection(
        ctx,
        NewInspection {
            facility: "西城区妇幼保健院".into(),
            departments: vec!["药剂科".into()],
            mode: Some(Mode::Supervision),
            inspectors: vec!["张三".into()],
            lines: vec!["fire".into()],
        },
    )
    .unwrap();
    ctx.author = me;
    insp.id
}

fn open_from_home(h: &mut Harness) {
    // Home lists it under 他人进行中; Enter opens its checklist.
    let t = draw(h, 80, 24);
    assert!(find(&t, "他人进行中").is_some(), "{}", screen_text(h, &t));
    press(h, &["enter"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
}

fn inspection(h: &Harness, id: uuid::Uuid) -> xuncha::domain::Inspection {
    h.tui.runner.ctx.inspection_by_id(id).unwrap().unwrap()
}

#[test]
fn answering_someone_elses_inspection_asks_and_yes_joins_and_answers() {
    let mut h = harness(0);
    let id = zhangsans_inspection(&mut h);
    press(&mut h, &["r", "esc"]); // home reloads with the new inspection
    open_from_home(&mut h);
    let events = h.tui.runner.ctx.event_count();
    press(&mut h, &["p"]);
    let Some(Overlay::Confirm(c)) = &h.app.overlay else {
        panic!("p asks first: {:?}", h.app.overlay);
    };
    assert!(matches!(c.kind, ConfirmKind::Join { inspection, .. } if inspection == id));
    assert!(c.text.starts_with("加入 张三 的检查？"), "{}", c.text);
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("join_asks_80x24", screen_text(&h, &t));
    assert_eq!(
        h.tui.runner.ctx.event_count(),
        events,
        "asking writes nothing"
    );

    press(&mut h, &["y"]);
    let insp = inspection(&h, id);
    assert_eq!(insp.inspectors, vec!["张三", INSPECTOR], "joined");
    let item = insp
        .answers
        .keys()
        .next()
        .expect("p was carried out")
        .clone();
    assert_eq!(insp.answers[&item].answer, Answer::Pass);
    assert_eq!(insp.answers[&item].author, INSPECTOR);
    let Screen::Checklist(st) = h.app.screen() else {
        panic!("still the checklist");
    };
    assert_eq!(st.cursor, 1, "moved on past the answered item");
    assert!(st.data.inspection.is_owner(INSPECTOR));
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(msg.contains("已加入 张三 的检查"), "{msg}");
    // From now on keys answer at once.
    press(&mut h, &["n"]);
    assert!(h.app.overlay.is_none());
    assert_eq!(inspection(&h, id).answers.len(), 2);
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("join_joined_80x24", screen_text(&h, &t));
}

#[test]
fn no_leaves_it_read_only_and_f_asks_too() {
    let mut h = harness(0);
    let id = zhangsans_inspection(&mut h);
    press(&mut h, &["r", "esc"]);
    open_from_home(&mut h);
    let events = h.tui.runner.ctx.event_count();
    press(&mut h, &["p", "n"]);
    assert!(h.app.overlay.is_none());
    press(&mut h, &["f"]);
    assert!(
        matches!(h.app.overlay, Some(Overlay::Confirm(_))),
        "f asks before opening the form"
    );
    press(&mut h, &["esc"]);
    press(&mut h, &["A"]);
    assert!(matches!(h.app.overlay, Some(Overlay::Confirm(_))));
    press(&mut h, &["n"]);
    assert_eq!(h.tui.runner.ctx.event_count(), events, "nothing written");
    assert_eq!(inspection(&h, id).inspectors, vec!["张三"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    // Yes on f joins and opens the form of the item.
    press(&mut h, &["f", "y"]);
    assert!(matches!(h.app.screen(), Screen::Form(f) if f.fail));
    assert_eq!(inspection(&h, id).inspectors, vec!["张三", INSPECTOR]);
}

#[test]
fn finishing_someone_elses_inspection_asks_to_join_first() {
    let mut h = harness(0);
    let id = zhangsans_inspection(&mut h);
    press(&mut h, &["r", "esc"]);
    open_from_home(&mut h);
    let events = h.tui.runner.ctx.event_count();
    press(&mut h, &["F"]);
    let Some(Overlay::Confirm(c)) = &h.app.overlay else {
        panic!("F asks first: {:?}", h.app.overlay);
    };
    assert!(matches!(c.kind, ConfirmKind::Join { inspection, .. } if inspection == id));
    assert!(
        c.text.starts_with("加入 张三 的检查？") && c.text.contains("结束"),
        "{}",
        c.text
    );
    press(&mut h, &["n"]);
    assert_eq!(h.tui.runner.ctx.event_count(), events, "no writes nothing");
    assert!(!inspection(&h, id).is_finished());
    // Yes joins, then F goes on: every item is unanswered, so it asks about finishing.
    press(&mut h, &["F", "y"]);
    assert_eq!(inspection(&h, id).inspectors, vec!["张三", INSPECTOR]);
    press(&mut h, &["y"]);
    let insp = inspection(&h, id);
    assert!(insp.is_finished(), "finished after joining");
    // And ops refuses a finish by someone who did not join, whatever the face.
    let other = zhangsans_inspection(&mut h);
    h.tui.runner.ctx.author = "李四".into();
    let err = xuncha::ops::finish_inspection(&mut h.tui.runner.ctx, other).unwrap_err();
    assert!(err.to_string().contains("须先加入"), "{err}");
}
