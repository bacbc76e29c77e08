//! D23: an answer's note (备注) is written, changed and cleared in the TUI with `b` on the
//! item, saved through ops (on disk before the status line says 已保存), shown in the checklist
//! pane, and printed by `inspection show`. Through the real keymap.

use crate::common;
use crate::tui_support;

use tui_support::*;
use xuncha::domain::Answer;
use xuncha::tui::app::{Overlay, Screen};

fn stored_note(h: &Harness, item: &str) -> Option<(Answer, String)> {
    let Screen::Checklist(c) = h.app.screen() else {
        panic!("expected the checklist, got {:?}", h.app.screen());
    };
    let insp = h
        .tui
        .runner
        .ctx
        .inspection_by_id(c.data.inspection.id)
        .unwrap()
        .unwrap();
    insp.answers.get(item).map(|a| (a.answer, a.note.clone()))
}

fn first_item(h: &Harness) -> String {
    match h.app.screen() {
        Screen::Checklist(c) => c.data.items[0].id.clone(),
        other => panic!("expected the checklist, got {other:?}"),
    }
}

#[test]
fn b_writes_changes_and_clears_an_answers_note() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    let item = first_item(&h);

    // Not answered yet: b says what to do first, and opens nothing.
    press(&mut h, &["b"]);
    assert!(h.app.overlay.is_none());
    let t = draw(&h, 80, 24);
    assert!(screen_text(&h, &t).contains("先作答"));

    press(&mut h, &["n", "k", "b"]);
    assert!(
        matches!(h.app.overlay, Some(Overlay::Prompt(_))),
        "b opens the note"
    );
    type_text(&mut h, "消防控制室由物业统一值守，值班记录在物业");
    press(&mut h, &["enter"]);
    assert_eq!(
        stored_note(&h, &item),
        Some((
            Answer::Na,
            "消防控制室由物业统一值守，值班记录在物业".into()
        ))
    );
    assert!(h.app.overlay.is_none());
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(text.contains("已保存作答备注"), "{text}");
    assert!(
        text.contains("作答备注：消防控制室由物业统一值守"),
        "{text}"
    );
    insta::assert_snapshot!("answer_note_saved_80x24", text);

    // b again: the prompt holds the note; an edit replaces it, the answer stays 不适用.
    press(&mut h, &["b"]);
    let Some(Overlay::Prompt(p)) = &h.app.overlay else {
        panic!("b opens the note again");
    };
    assert_eq!(p.input.text(), "消防控制室由物业统一值守，值班记录在物业");
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("answer_note_prompt_80x24", screen_text(&h, &t));
    press(&mut h, &["ctrl-u"]);
    type_text(&mut h, "物业值守");
    press(&mut h, &["enter"]);
    assert_eq!(
        stored_note(&h, &item),
        Some((Answer::Na, "物业值守".into()))
    );

    // Emptied and confirmed: the note is gone, the answer kept.
    press(&mut h, &["b", "ctrl-u", "enter"]);
    assert_eq!(stored_note(&h, &item), Some((Answer::Na, String::new())));
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(text.contains("已删除作答备注"), "{text}");
    assert!(!text.contains("作答备注："), "{text}");
}

#[test]
fn the_note_written_in_the_tui_is_printed_by_inspection_show() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    let item = first_item(&h);
    press(&mut h, &["p", "k", "b"]);
    type_text(&mut h, "3楼2具灭火器压力在红区，已当场更换");
    press(&mut h, &["enter"]);
    let insp = match h.app.screen() {
        Screen::Checklist(c) => c.data.inspection.id.to_string(),
        _ => panic!("still on the checklist"),
    };
    let Harness { tui, app: _, dir } = h;
    drop(tui);
    let env = common::Env {
        tmp: dir,
        now: NOW.into(),
    };
    let text = env.ok(&["inspection", "show", &insp]);
    let at = text.find(&item).expect("the item is listed");
    let next = text[at..].lines().nth(1).unwrap_or("");
    assert_eq!(
        next.trim(),
        "备注：3楼2具灭火器压力在红区，已当场更换",
        "{text}"
    );
}

#[test]
fn a_finished_inspection_refuses_a_new_note() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["p", "F", "y"]);
    if h.app.overlay.is_some() {
        press(&mut h, &["enter"]);
    }
    // Finishing goes home; the finished inspection opens again from there.
    if matches!(h.app.screen(), Screen::Home(_)) {
        press(&mut h, &["enter"]);
    }
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    press(&mut h, &["g", "b"]);
    assert!(!matches!(h.app.overlay, Some(Overlay::Prompt(_))));
    let t = draw(&h, 80, 24);
    assert!(screen_text(&h, &t).contains("该检查已结束，不能再改作答备注"));
}
