//! D24: the checklist uses the width it has. At 100 columns the list keeps the whole width
//! (the guidance pane under it), so an item is cut no more than at 80; from 120 columns the
//! pane sits beside a list still wide enough for a whole item. Through the real keymap.

use crate::tui_support;

use tui_support::*;

/// The checklist row of the item under the cursor (the one marked ">").
fn cursor_row(text: &str) -> String {
    text.lines()
        .find(|l| l.contains("│>"))
        .expect("a row under the cursor")
        .to_string()
}

#[test]
fn at_100_columns_items_are_cut_no_more_than_at_80() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    // The fourth fire item is longer than the 80-column list holds.
    press(&mut h, &["j", "j", "j"]);
    let at80 = cursor_row(&screen_text(&h, &draw(&h, 80, 24)));
    let t = draw(&h, 100, 30);
    let text = screen_text(&h, &t);
    let at100 = cursor_row(&text);
    assert!(at80.contains(".."), "the item is cut at 80: {at80}");
    assert!(
        at100.contains("消防水池、高位水箱水位正常") && !at100.contains(".."),
        "whole at 100: {at100}"
    );
    assert!(text.contains("检查方法与依据"), "{text}");
    insta::assert_snapshot!("checklist_100x30", text);
    let t = draw(&h, 120, 40);
    let wide = screen_text(&h, &t);
    let row = cursor_row(&wide);
    assert!(
        row.contains("消防水池、高位水箱水位正常"),
        "whole at 120: {row}"
    );
}
