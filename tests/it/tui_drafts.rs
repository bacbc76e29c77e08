//! Drafts per form and per target (issue 11): each hazard form (inspection + item, or line
//! outside the checklist), the new-inspection form and a step's note keep their own draft, and
//! each comes back when that form is opened again; a damaged draft is named and set aside.

use crate::tui_support;

use tui_support::flow::*;
use tui_support::*;
use xuncha::ops::DraftKey;
use xuncha::tui::app::{Overlay, Screen};

fn form_location(h: &Harness) -> String {
    match h.app.screen() {
        Screen::Form(f) => f.location.text().to_string(),
        other => panic!("the hazard form: {other:?}"),
    }
}

fn inspection_id(h: &Harness) -> uuid::Uuid {
    h.app
        .stack
        .iter()
        .find_map(|s| match s {
            Screen::Checklist(c) => Some(c.data.inspection.id),
            _ => None,
        })
        .expect("a checklist")
}

fn drafts_on_disk(h: &Harness) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(h.data_dir().join("drafts"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Esc in a hazard form opened with `f`, then 「保留草稿，稍后再填」 (the fourth option).
fn keep_draft(h: &mut Harness) {
    press(h, &["esc", "j", "j", "j", "enter"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
}

#[test]
fn two_hazard_forms_keep_two_drafts_each_restored_on_its_own_item() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["f"]);
    type_text(&mut h, "住院部3楼");
    keep_draft(&mut h);
    press(&mut h, &["j", "f"]);
    type_text(&mut h, "门诊楼1楼");
    keep_draft(&mut h);
    let names = drafts_on_disk(&h);
    assert_eq!(names.len(), 2, "{names:?}");

    // Reopened: the newest comes back at once, the other on its own item.
    press(&mut h, &["esc", "enter"]);
    assert_eq!(form_location(&h), "门诊楼1楼");
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(msg.contains("另有 1 份草稿"), "{msg}");
    keep_draft(&mut h);
    press(&mut h, &["k", "f"]);
    assert_eq!(form_location(&h), "住院部3楼");
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("draft_restored_on_its_item_80x24", screen_text(&h, &t));
    // Saving one drops only its own draft.
    save_form(&mut h);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    assert_eq!(drafts_on_disk(&h).len(), 1);
}

#[test]
fn a_damaged_draft_is_named_and_set_aside_and_the_checklist_opens() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    let id = inspection_id(&h);
    let item = match h.app.screen() {
        Screen::Checklist(c) => c.data.items[0].id.clone(),
        _ => unreachable!(),
    };
    let key = DraftKey::finding(id, Some(&item), None);
    let dir = h.data_dir().join("drafts");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(key.file_name()), "{\"inspection\": \n\u{1b}[2J").unwrap();
    press(&mut h, &["esc", "enter"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)), "not fatal");
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(
        msg.contains(key.file_name()) && msg.contains("第 2 行") && msg.contains(".damaged"),
        "{msg}"
    );
    assert!(!msg.contains('\u{1b}'));
    let names = drafts_on_disk(&h);
    assert_eq!(names, vec![format!("{}.damaged", key.file_name())]);
    // The form opens fresh on that item.
    press(&mut h, &["f"]);
    assert_eq!(form_location(&h), "");
}

#[test]
fn the_new_inspection_form_keeps_its_draft_until_started() {
    let mut h = harness(0);
    press(&mut h, &["n"]);
    type_text(&mut h, "南湖医院");
    press(&mut h, &["tab", "tab", "tab", "tab"]);
    let d = line_digit(&h, "fire");
    type_text(&mut h, &d);
    press(&mut h, &["esc"]);
    assert!(matches!(h.app.screen(), Screen::Home(_)));
    assert_eq!(drafts_on_disk(&h), vec!["new-inspection.json"]);
    press(&mut h, &["n"]);
    let Screen::NewInspection(st) = h.app.screen() else {
        panic!("the new-inspection form");
    };
    assert_eq!(st.facility.text(), "南湖医院");
    assert_eq!(st.chosen.iter().filter(|c| **c).count(), 1);
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(msg.contains("已恢复上次未完成的草稿"), "{msg}");
    // The restored name is selected (drawn reversed, mono too): typing replaces it, where it
    // used to append to it (「南湖医院南湖医院」).
    let t = draw(&h, 80, 24);
    let (x, y) = find(&t, "南湖医院").expect("the restored name on screen");
    let cell = &t.backend().buffer()[(x, y)];
    assert!(cell.modifier.contains(ratatui::style::Modifier::REVERSED));
    type_text(&mut h, "南湖医院");
    let Screen::NewInspection(st) = h.app.screen() else {
        panic!("the new-inspection form");
    };
    assert_eq!(st.facility.text(), "南湖医院");
    press(&mut h, &["ctrl-s"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    assert!(drafts_on_disk(&h).is_empty(), "started: the draft is gone");
}

#[test]
fn a_notes_draft_comes_back_on_the_same_hazard_and_goes_once_saved() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["f"]);
    type_text(&mut h, "住院部3楼");
    save_form(&mut h);
    press(&mut h, &["esc", "r"]);
    assert!(matches!(h.app.screen(), Screen::Register(_)));
    press(&mut h, &["r"]);
    type_text(&mut h, "已更换应急照明灯");
    press(&mut h, &["esc"]);
    assert!(h.app.overlay.is_none());
    assert_eq!(drafts_on_disk(&h).len(), 1);
    press(&mut h, &["r"]);
    let Some(Overlay::Prompt(p)) = &h.app.overlay else {
        panic!("the rectify prompt");
    };
    assert_eq!(p.input.text(), "已更换应急照明灯");
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none());
    assert!(
        drafts_on_disk(&h).is_empty(),
        "the step was taken: the draft is gone"
    );
}
