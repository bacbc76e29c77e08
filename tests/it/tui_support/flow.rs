//! Key sequences many TUI flows share: saving the hazard form, failing an item with its
//! pre-filled hazard, reading back what was stored.

use super::{Harness, harness, press, start_inspection, type_text};
use xuncha::domain::Finding;
use xuncha::tui::app::{FormField, Screen};

/// The first finding in the store (for flows that record one).
pub fn first_finding(h: &Harness) -> Finding {
    h.tui
        .runner
        .ctx
        .raw_store()
        .all_findings()
        .next()
        .expect("a finding was saved")
        .expect("it reads back")
}

/// Ctrl-s in the hazard form; when that only named blank fields the office's forms need
/// (部位, 责任单位及人员 …), a second Ctrl-s saves without them on purpose. Panics when the
/// form is still open after that (an error blocks saving).
pub fn save_form(h: &mut Harness) {
    press(h, &["ctrl-s"]);
    if let Screen::Form(f) = h.app.screen()
        && !f.warned.is_empty()
        && f.errors.is_empty()
    {
        press(h, &["ctrl-s"]);
    }
    if let Screen::Form(f) = h.app.screen() {
        panic!("the form stayed open: {:?} {:?}", f.errors, f.save_error);
    }
}

/// `f` on the item under the cursor, then its pre-filled hazard saved as it is.
pub fn fail_and_save(h: &mut Harness) {
    press(h, &["f"]);
    assert!(
        matches!(h.app.screen(), Screen::Form(_)),
        "f opens the form: {:?}",
        h.app.screen()
    );
    save_form(h);
}

/// Types `text` into `field` of the open form (moving there with Tab) and leaves the cursor
/// there.
pub fn fill(h: &mut Harness, field: FormField, text: &str) {
    for _ in 0..FormField::ALL.len() {
        match h.app.screen() {
            Screen::Form(f) if f.focus == field => break,
            Screen::Form(_) => press(h, &["tab"]),
            s => panic!("not in the form: {s:?}"),
        }
    }
    press(h, &["ctrl-u"]);
    type_text(h, text);
}

/// A fresh store with one open hazard (南湖镇卫生院, 重点部位), its detail on screen.
pub fn hazard_detail() -> Harness {
    let mut h = harness(0);
    start_inspection(&mut h, "南湖镇卫生院", "key_site");
    press(&mut h, &["p"]);
    fail_and_save(&mut h);
    press(&mut h, &["esc", "r", "enter"]);
    assert!(matches!(h.app.screen(), Screen::Detail(_)));
    h
}

/// Opens the sync screen from home with `folder` in its folder field, the field still taking
/// keys (Enter then runs the dry run). With a folder remembered the screen opens on its own
/// keys, so `e` is pressed to edit the path first.
pub fn open_sync_with(h: &mut Harness, folder: &std::path::Path) {
    press(h, &["s"]);
    let Screen::Sync(st) = h.app.screen() else {
        panic!("s opens the sync screen: {:?}", h.app.screen());
    };
    if !st.editing {
        press(h, &["e"]);
    }
    press(h, &["ctrl-u"]);
    type_text(h, &folder.display().to_string());
}
