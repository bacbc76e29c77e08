//! Own lines are first class in the TUI (issue 15): the new-inspection picker reaches any number
//! of lines — a key for each of the first 35, ←→ and Space for every one.

use crate::tui_support;

use std::fs;
use tui_support::*;
use xuncha::catalog::Catalog;
use xuncha::config::Config;
use xuncha::ops::Ctx;
use xuncha::store::Store;
use xuncha::tui::Tui;
use xuncha::tui::app::{App, Screen};
use xuncha::tui::effects::{Runner, line_infos};
use xuncha::tui::keymap::Keymap;
use xuncha::tui::theme::Theme;

/// The checklist screen's line ids, or a panic naming the screen.
fn checklist_lines(h: &Harness) -> Vec<String> {
    let Screen::Checklist(c) = h.app.screen() else {
        panic!("expected the checklist, got {:?}", h.app.screen());
    };
    let mut lines: Vec<String> = c
        .data
        .items
        .iter()
        .map(|i| i.id.split('.').next().unwrap().to_string())
        .collect();
    lines.dedup();
    lines
}

#[test]
fn the_twelfth_line_has_a_key_and_starts_an_inspection() {
    let mut h = harness(0);
    assert!(h.app.lines.len() >= 12, "{} lines", h.app.lines.len());
    let twelfth = h.app.lines[11].clone();
    press(&mut h, &["n"]);
    type_text(&mut h, "东城区人民医院");
    press(&mut h, &["tab", "tab", "tab", "tab"]);
    let t = draw(&h, 120, 40);
    let text = screen_text(&h, &t);
    assert!(
        text.contains(&format!("[ ] c {}", twelfth.name)),
        "the 12th line shows its key:\n{text}"
    );
    type_text(&mut h, "c");
    let t = draw(&h, 120, 40);
    assert!(screen_text(&h, &t).contains(&format!("[x] c {}", twelfth.name)));
    press(&mut h, &["ctrl-s"]);
    assert_eq!(checklist_lines(&h), vec![twelfth.id]);
}

/// A user line file with one item.
fn user_line(i: usize) -> String {
    format!(
        "line = \"own{i:02}\"\nname = \"自定{i:02}\"\norder = {}\n\n[[sections]]\nid = \"s\"\nname = \"分组\"\n\n[[sections.items]]\nid = \"own{i:02}.a\"\ncheck = \"自定检查项{i:02}\"\nhow = \"看\"\nbasis = \"本院制度（实务补充）\"\nseverity = \"general\"\nhazard = \"h\"\nmeasures = \"m\"\n",
        100 + i
    )
}

#[test]
fn every_line_of_forty_is_reachable() {
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("config").join("checklists");
    fs::create_dir_all(&lists).unwrap();
    for i in 1..=26 {
        fs::write(lists.join(format!("own{i:02}.toml")), user_line(i)).unwrap();
    }
    let (catalog, problems) = Catalog::load(Some(&lists));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(catalog.lines.len(), 40);
    let store = Store::open(&dir.path().join("data")).unwrap();
    let ctx = Ctx::new(store, catalog, now(), INSPECTOR);
    let app = App::new(now(), INSPECTOR, line_infos(&ctx));
    let mut tui = Tui {
        runner: Runner::new(
            ctx,
            dir.path().join("config"),
            Config {
                inspector: INSPECTOR.into(),
                ..Default::default()
            },
        ),
        theme: Theme::builtin("default").unwrap(),
        keymap: Keymap::builtin(),
    };
    let mut app = app;
    tui.start(&mut app);
    let mut h = Harness { tui, app, dir };

    press(&mut h, &["n"]);
    type_text(&mut h, "东城区人民医院");
    press(&mut h, &["tab", "tab", "tab", "tab"]);
    // `z`: the 35th line; → to the 40th, Space.
    type_text(&mut h, "z");
    for _ in 0..5 {
        press(&mut h, &["right"]);
    }
    type_text(&mut h, " ");
    let t = draw(&h, 120, 40);
    let text = screen_text(&h, &t);
    assert!(text.contains("[x] z 自定21"), "{text}");
    assert!(text.contains("[x] 自定26"), "{text}");
    press(&mut h, &["ctrl-s"]);
    assert_eq!(checklist_lines(&h), vec!["own21", "own26"]);
}
