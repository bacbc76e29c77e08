//! Checklist versions in the TUI (issue 15): an office that never had a user's own checklist
//! learns its line name from a sync without restarting, and the hazard detail names the item as
//! the inspection's checklist version wrote it, also after the list's text changed.

use crate::common;
use crate::tui_support;

use common::own_line::{add_on_item, start_on, write_drug_bio};
use std::path::Path;
use tui_support::*;
use xuncha::tui::app::Screen;

/// A sync through the sync screen: folder, Enter (preview), y (sync), back home.
fn sync_from_tui(h: &mut Harness, folder: &Path) {
    tui_support::flow::open_sync_with(h, folder);
    press(h, &["enter", "y"]);
    assert!(
        h.app.message.as_ref().unwrap().text.starts_with("同步完成"),
        "{:?}",
        h.app.message
    );
    press(h, &["esc"]);
    assert!(matches!(h.app.screen(), Screen::Home(_)));
}

/// The detail screen's text of the register row whose hazard reads `description`.
fn detail_of(h: &mut Harness, description: &str) -> String {
    press(h, &["r"]);
    let rows = match h.app.screen() {
        Screen::Register(r) => r.visible.len(),
        other => panic!("register expected, got {other:?}"),
    };
    for i in 0..rows {
        press(h, &["enter"]);
        let Screen::Detail(d) = h.app.screen() else {
            panic!("detail expected");
        };
        if d.finding.description == description {
            let text = screen_text(h, &draw(h, 120, 40));
            press(h, &["esc", "esc"]);
            return text;
        }
        press(h, &["esc"]);
        for _ in 0..=i {
            press(h, &["j"]);
        }
    }
    panic!("no row reads {description}");
}

#[test]
fn own_line_name_and_item_text_show_after_a_sync_without_restart() {
    let folder = tempfile::tempdir().unwrap();
    let sync_dir = folder.path().to_str().unwrap();
    let laptop = common::Env::new();
    write_drug_bio(&laptop, "麻精药品专库三铁一器");
    let insp = start_on(&laptop, "drug_bio");
    add_on_item(&laptop, &insp, "drug_bio.three-iron", "药库专库无报警器");
    laptop.ok(&["sync", "--dir", sync_dir]);

    let mut office = harness(0);
    assert!(!office.app.lines.iter().any(|l| l.id == "drug_bio"));
    sync_from_tui(&mut office, folder.path());
    assert!(
        office
            .app
            .lines
            .iter()
            .any(|l| l.id == "drug_bio" && l.name == "药品与生物安全"),
        "the line learnt from the sync is known at once"
    );
    let text = detail_of(&mut office, "药库专库无报警器");
    assert!(text.contains("防线：药品与生物安全"), "{text}");
    assert!(text.contains("检查项：麻精药品专库三铁一器"), "{text}");

    // The laptop changes the item's text and finds another hazard under the new version: the
    // office shows each hazard with the text its own inspection used.
    write_drug_bio(&laptop, "麻精药品专库三铁一器并与公安联网");
    let insp2 = start_on(&laptop, "drug_bio");
    add_on_item(&laptop, &insp2, "drug_bio.three-iron", "报警器未联网");
    laptop.ok(&["sync", "--dir", sync_dir]);
    sync_from_tui(&mut office, folder.path());
    let old = detail_of(&mut office, "药库专库无报警器");
    assert!(old.contains("检查项：麻精药品专库三铁一器"), "{old}");
    assert!(!old.contains("并与公安联网"), "{old}");
    let new = detail_of(&mut office, "报警器未联网");
    assert!(
        new.contains("检查项：麻精药品专库三铁一器并与公安联网"),
        "{new}"
    );
}
