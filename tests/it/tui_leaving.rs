//! D16: one stray key never drops an inspector out of the checklist. Esc is 返回 on every
//! screen; `h` / `←` go up a level only where the screen has one (a hazard's detail back to its
//! list, the places pane back to the facilities); `q` asks before leaving xuncha. The key bars
//! and the `?` help say so. Through the real keymap.

use crate::tui_support;

use tui_support::flow::*;
use tui_support::*;
use xuncha::tui::app::{ConfirmKind, Overlay, Screen};

fn cursor(h: &Harness) -> usize {
    match h.app.screen() {
        Screen::Checklist(c) => c.cursor,
        other => panic!("expected the checklist, got {other:?}"),
    }
}

#[test]
fn h_left_and_q_keep_the_inspector_on_the_checklist_item() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["p", "p", "j"]);
    let at = cursor(&h);
    assert_eq!(at, 3);
    press(&mut h, &["h"]);
    assert_eq!(cursor(&h), at, "h leaves the cursor where it was");
    press(&mut h, &["left"]);
    assert_eq!(cursor(&h), at, "← leaves the cursor where it was");
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(text.contains("本页没有上一级"), "{text}");
    assert!(text.contains("离开本页按 Esc"), "{text}");
    // D24: the header says where the inspector is: the facility and its 科室.
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with(" 东城区人民医院 · 急诊科  自查")
    );
    insta::assert_snapshot!("checklist_left_says_how_to_leave_80x24", text);

    // q asks; no (n, Esc or q again) keeps the checklist as it was.
    press(&mut h, &["q"]);
    assert!(matches!(
        h.app.overlay,
        Some(Overlay::Confirm(ref c)) if c.kind == ConfirmKind::Quit
    ));
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(text.contains("退出巡查？"), "{text}");
    for no in ["n", "esc", "q"] {
        if h.app.overlay.is_none() {
            press(&mut h, &["q"]);
        }
        press(&mut h, &[no]);
        assert!(h.app.overlay.is_none() && !h.app.quit, "{no} answers no");
        assert_eq!(cursor(&h), at);
    }
    // Esc is the way back; the key bar says it.
    let t = draw(&h, 80, 24);
    assert!(screen_text(&h, &t).contains("Esc 返回"));
    press(&mut h, &["esc"]);
    assert!(matches!(h.app.screen(), Screen::Home(_)));
}

#[test]
fn q_on_any_screen_asks_and_yes_quits() {
    let mut h = harness(0);
    press(&mut h, &["r"]);
    assert!(matches!(h.app.screen(), Screen::Register(_)));
    press(&mut h, &["q"]);
    assert!(matches!(h.app.screen(), Screen::Register(_)));
    assert!(!h.app.quit);
    press(&mut h, &["y"]);
    assert!(h.app.quit);
}

#[test]
fn h_goes_from_a_hazard_back_to_the_register_row_it_came_from() {
    let mut h = harness(0);
    start_inspection(&mut h, "南湖镇卫生院", "key_site");
    press(&mut h, &["p"]);
    fail_and_save(&mut h);
    press(&mut h, &["p"]);
    fail_and_save(&mut h);
    press(&mut h, &["esc", "r", "j"]);
    let selected = |h: &Harness| match h.app.screen() {
        Screen::Register(r) => r.selected,
        other => panic!("expected the register, got {other:?}"),
    };
    assert_eq!(selected(&h), 1);
    press(&mut h, &["l"]);
    assert!(matches!(h.app.screen(), Screen::Detail(_)), "l opens");
    press(&mut h, &["h"]);
    assert_eq!(selected(&h), 1, "h is back on the same row");
    press(&mut h, &["right", "left"]);
    assert_eq!(selected(&h), 1, "→ and ← do the same");
    // On the register itself h has no level above: it stays and says how to leave.
    press(&mut h, &["h"]);
    assert_eq!(selected(&h), 1);
}

#[test]
fn the_help_says_which_key_leaves_and_which_goes_up() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["?"]);
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    for want in ["Esc", "返回上一页", "h ←", "上一级", "q", "退出巡查（先问"] {
        assert!(text.contains(want), "help lacks {want}:\n{text}");
    }
}
