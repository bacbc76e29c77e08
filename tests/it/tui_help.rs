//! The `?` help keeps every key reachable and no description cut (D24): two columns when they
//! fit, and at 60x20 a list that scrolls with j/k. Through the real keymap.

use crate::tui_support;

use tui_support::*;
use xuncha::tui::app::Overlay;
use xuncha::tui::keymap::Keymap;

/// The help's lines only (between its top and bottom border), border glyphs dropped.
fn help_box(text: &str) -> String {
    let mut inside = false;
    let mut out = String::new();
    for l in text.lines() {
        if l.contains("┌ 按键帮助（Esc 关闭）") {
            inside = true;
            continue;
        }
        if inside && l.trim_start().starts_with('└') {
            break;
        }
        if inside {
            out.push_str(l.trim_matches(|c| c == '│' || c == ' '));
            out.push('\n');
        }
    }
    out
}

#[test]
fn at_60x20_the_checklist_help_scrolls_to_every_key_uncut() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["?"]);
    let Some(Overlay::Help(v)) = h.app.overlay else {
        panic!("? opens the help");
    };
    let entries = Keymap::builtin().describe(h.app.screen_context());
    assert_eq!(v.entries, entries.len());
    let t = draw(&h, 60, 20);
    let first = screen_text(&h, &t);
    insta::assert_snapshot!("checklist_help_60x20", first);
    assert!(first.contains("第 1/"), "{first}");

    // Walk the cursor down: every entry is shown once, in full (its words, no ".." cut).
    let mut seen = String::new();
    for i in 0..entries.len() {
        if i > 0 {
            press(&mut h, &["j"]);
        }
        let t = draw(&h, 60, 20);
        let text = screen_text(&h, &t);
        assert!(!text.contains("overwritten"), "{text}");
        let inside = help_box(&text);
        assert!(!inside.contains(".."), "a cut in the help:\n{text}");
        seen.push_str(&inside.replace([' ', '\n'], ""));
    }
    for (keys, desc) in &entries {
        let k = keys.split(' ').next().unwrap();
        assert!(seen.contains(k), "key {k} never shown");
        assert!(
            seen.contains(&desc.replace(' ', "")),
            "「{desc}」 never shown whole"
        );
    }
    let t = draw(&h, 60, 20);
    insta::assert_snapshot!("checklist_help_60x20_end", screen_text(&h, &t));
    // At the end j stays there; k moves back at once.
    press(&mut h, &["j"]);
    let Some(Overlay::Help(v)) = h.app.overlay else {
        panic!("still in the help");
    };
    assert_eq!(v.selected, entries.len() - 1);
    press(&mut h, &["k"]);
    let Some(Overlay::Help(v)) = h.app.overlay else {
        panic!("still in the help");
    };
    assert_eq!(v.selected, entries.len() - 2);
    press(&mut h, &["esc"]);
    assert!(h.app.overlay.is_none());
}
