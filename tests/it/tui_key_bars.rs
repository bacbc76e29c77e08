//! Every screen's key bar says how to go back and how to see all keys, at 60, 80 and 120
//! columns (issue 11 point 3.7): walked through the real keymap on a demo store, each screen
//! and overlay drawn at 60x20, 80x24 and 120x40, and its last two rows read. The help overlay
//! says how to close itself instead of how to open it.

use crate::tui_support;

use tui_support::*;
use xuncha::tui::keymap::Context;

const SIZES: [(u16, u16); 3] = [(60, 20), (80, 24), (120, 40)];

/// The bottom two rows of the screen at `w`x`ht`.
fn bar(h: &Harness, w: u16, ht: u16) -> String {
    let t = draw(h, w, ht);
    let text = screen_text(h, &t);
    let rows: Vec<&str> = text.lines().collect();
    rows[rows.len().saturating_sub(2)..].join("\n")
}

/// Asserts the bar at every size names the back key and the help key; returns the context.
fn check(h: &Harness, seen: &mut Vec<Context>) {
    let ctx = h.app.context();
    for (w, ht) in SIZES {
        let b = bar(h, w, ht);
        // Going back is Esc on screens; a question names its own key (n 取消, n 返回).
        let back = ["Esc", "取消", "返回"].iter().any(|k| b.contains(k));
        let help = match ctx {
            Context::Help => "关闭帮助",
            _ => "帮助",
        };
        assert!(
            back && b.contains(help),
            "{ctx:?} at {w}x{ht}: the bar must say how to go back and {help}:\n{b}"
        );
        if ctx == Context::Help {
            assert!(!b.contains("? 帮助"), "help open: no 「? 帮助」:\n{b}");
        }
    }
    if !seen.contains(&ctx) {
        seen.push(ctx);
    }
}

/// Opens `keys` from the screen the harness is on, checks the bar, and presses Esc back.
fn visit(h: &mut Harness, keys: &[&str], seen: &mut Vec<Context>) {
    press(h, keys);
    check(h, seen);
    press(h, &["esc"]);
}

/// Back to home with Esc, whatever is open.
fn home(h: &mut Harness) {
    for _ in 0..8 {
        if matches!(h.app.context(), Context::Home) {
            return;
        }
        press(h, &["esc"]);
    }
    panic!("Esc leads home: {:?}", h.app.context());
}

#[test]
fn every_screen_says_how_to_go_back_and_how_to_see_all_keys() {
    let mut h = harness(40);
    let mut seen = Vec::new();
    check(&h, &mut seen);
    visit(&mut h, &["?"], &mut seen);
    visit(&mut h, &["q"], &mut seen); // the quit question
    visit(&mut h, &["n"], &mut seen);
    visit(&mut h, &["/"], &mut seen);
    visit(&mut h, &["i"], &mut seen);
    visit(&mut h, &["u"], &mut seen);
    visit(&mut h, &["f"], &mut seen);
    visit(&mut h, &["z"], &mut seen);
    visit(&mut h, &["d"], &mut seen);
    visit(&mut h, &["s"], &mut seen);
    // The register, a hazard's detail, a prompt over it, and the help over the register.
    press(&mut h, &["r"]);
    check(&h, &mut seen);
    visit(&mut h, &["?"], &mut seen);
    press(&mut h, &["enter"]);
    check(&h, &mut seen);
    visit(&mut h, &["b"], &mut seen); // the 备注 prompt
    home(&mut h);
    // The checklist of a new inspection, its hazard form, its summary.
    start_inspection(&mut h, "东城区人民医院", "fire");
    check(&h, &mut seen);
    press(&mut h, &["f"]);
    check(&h, &mut seen);
    // Esc in the form asks what becomes of the draft: discard it (the last choice).
    press(&mut h, &["esc"]);
    check(&h, &mut seen);
    press(&mut h, &["G", "enter"]);
    visit(&mut h, &["F"], &mut seen);
    // The 台账 screen's entry form.
    home(&mut h);
    press(&mut h, &["z"]);
    visit(&mut h, &["a"], &mut seen);
    for ctx in [
        Context::Home,
        Context::Help,
        Context::Confirm,
        Context::NewInspection,
        Context::Search,
        Context::Inspections,
        Context::FacilityList,
        Context::Facilities,
        Context::Registers,
        Context::Devices,
        Context::Register,
        Context::Detail,
        Context::Prompt,
        Context::Checklist,
        Context::Form,
        Context::Chooser,
        Context::Summary,
        Context::EntryForm,
    ] {
        assert!(seen.contains(&ctx), "{ctx:?} was walked: {seen:?}");
    }
}
