//! Every screen rendered into TestBackend at 80x24 and 120x40 with Chinese data (empty, typical
//! and error states), colours checked on key cells, and tiny terminals that must not panic.
//! States are built through the real keys, `update` and `ops` on a temp store (pinned clock).

use crate::tui_support;

use ratatui::style::Color;
use tui_support::flow::*;
use tui_support::*;
use xuncha::tui::app::Screen;
use xuncha::tui::theme::Role;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snap(h: &Harness, name: &str) {
    for (w, ht) in SIZES {
        let t = draw(h, w, ht);
        insta::assert_snapshot!(format!("{name}_{w}x{ht}"), screen_text(h, &t));
    }
}

#[test]
fn first_run_empty_and_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir, "");
    snap(&h, "first_run");
    press(&mut h, &["enter"]);
    snap(&h, "first_run_error");
    type_text(&mut h, "李秀英");
    // The organisation profile, field by field with Tab.
    press(&mut h, &["tab"]);
    type_text(&mut h, "某某市卫生健康委员会");
    press(&mut h, &["tab"]);
    type_text(&mut h, "某卫安");
    press(&mut h, &["tab", "tab", "tab"]);
    type_text(&mut h, "0371-12345678");
    press(&mut h, &["enter"]);
    assert!(matches!(h.app.screen(), Screen::Home(_)));
    let saved = xuncha::config::Config::load(&h.config_dir()).unwrap();
    assert_eq!(saved.inspector, "李秀英");
    assert_eq!(saved.org.authority, "某某市卫生健康委员会");
    assert_eq!(saved.org.agency_code, "某卫安");
    assert_eq!(saved.org.phone, "0371-12345678");
}

#[test]
fn home_empty_and_typical() {
    let h = harness(0);
    snap(&h, "home_empty");
    let mut h = harness(300);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["p", "p", "esc"]);
    snap(&h, "home_typical");
    // The status line names the 特种设备 due with its key and word, whole at every width.
    for (w, ht) in [(60, 20), (80, 24), (120, 40)] {
        let text = screen_text(&h, &draw(&h, w, ht));
        let row = text
            .lines()
            .find(|l| l.contains("证书过期"))
            .unwrap_or_else(|| panic!("the 特种设备 counts at {w}x{ht}:\n{text}"));
        assert!(
            row.trim_end().ends_with("z 台账") || row.contains("z 台账  待同步"),
            "{w}x{ht}: {row}"
        );
        assert!(row.contains("待同步"), "{w}x{ht}: {row}");
    }
}

/// With registered facilities the plan panel shares home with the inspections (the store
/// `xuncha demo` makes): at 80x24 the inspection to resume and the newest finished ones stay in
/// view, and the plan shrinks to one line that says how many rules are short.
#[test]
fn home_with_plan_keeps_inspections_in_view() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open_store(&dir.path().join("data"));
        let mut ctx =
            xuncha::ops::Ctx::new(store, xuncha::catalog::Catalog::builtin(), now(), "演示");
        xuncha::ops::demo_store(&mut ctx, 300).unwrap();
    }
    let mut h = open(dir, INSPECTOR);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["p", "p", "esc"]);
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(
        text.contains("已答 2/"),
        "the inspection to resume is in view:\n{text}"
    );
    assert!(
        text.contains("已结束"),
        "a finished inspection is in view:\n{text}"
    );
    assert!(
        text.contains("xuncha plan status"),
        "the plan says what is short:\n{text}"
    );
    snap(&h, "home_with_plan");
}

#[test]
fn new_inspection_typical_and_errors() {
    let mut h = harness(300);
    press(&mut h, &["n"]);
    type_text(&mut h, "南湖");
    snap(&h, "new_inspection_completion");
    press(&mut h, &["ctrl-u", "ctrl-s"]);
    snap(&h, "new_inspection_errors");
}

#[test]
fn checklist_typical_and_help() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["p", "p"]);
    fail_and_save(&mut h);
    press(&mut h, &["n"]);
    snap(&h, "checklist_typical");
    press(&mut h, &["?"]);
    snap(&h, "checklist_help");
    press(&mut h, &["esc", "F"]);
    snap(&h, "checklist_confirm_finish");
}

#[test]
fn form_prefilled_and_invalid_date() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["f"]);
    type_text(&mut h, "二楼东侧走廊");
    snap(&h, "form_prefilled");
    press(&mut h, &["tab", "tab", "tab", "ctrl-u"]);
    type_text(&mut h, "2026-13-01");
    press(&mut h, &["ctrl-s"]);
    snap(&h, "form_invalid_date");
}

#[test]
fn register_empty_typical_filtered_and_detail() {
    let mut h = harness(0);
    press(&mut h, &["r"]);
    snap(&h, "register_empty");
    let mut h = harness(300);
    press(&mut h, &["r"]);
    snap(&h, "register_typical");
    // The narrow terminal: the line and facility columns go, the description stays readable.
    let t = draw(&h, 60, 20);
    insta::assert_snapshot!("register_typical_60x20", screen_text(&h, &t));
    press(&mut h, &["o", "d"]);
    snap(&h, "register_overdue_by_due");
    press(&mut h, &["enter"]);
    snap(&h, "detail_history");
    press(&mut h, &["x"]);
    snap(&h, "detail_refused_step");
    press(&mut h, &["esc", "0", "s", "s", "enter", "x", "enter"]);
    snap(&h, "prompt_reason_required");
}

fn cell_style(
    t: &ratatui::Terminal<ratatui::backend::TestBackend>,
    x: u16,
    y: u16,
) -> ratatui::style::Style {
    t.backend().buffer()[(x, y)].style()
}

#[test]
fn overdue_major_and_selected_rows_stand_out() {
    let mut h = harness(300);
    press(&mut h, &["r"]);
    let theme = h.tui.theme.clone();
    let t = draw(&h, 120, 40);
    // The selected row (the first) is in the selection colours.
    let (x, y) = find(&t, "状态        等级").unwrap();
    // Every cell of the selected row in the selection colours, the status too.
    let sel = theme.get(Role::Selection);
    for dx in [0, 12, 17] {
        let st = cell_style(&t, x + dx, y + 1);
        assert_eq!((st.fg, st.bg), (sel.fg, sel.bg), "column {dx}");
    }
    assert_eq!(sel.bg, Some(Color::Cyan));
    // An overdue row: its status cell carries the overdue colours.
    let (x, y) = find(&t, "·逾期").expect("the demo has overdue findings on screen");
    let st = cell_style(&t, x - 2, y);
    if y != find(&t, "状态        等级").unwrap().1 + 1 {
        assert_eq!(st.bg, theme.get(Role::Overdue).bg);
        assert_eq!(st.bg, Some(Color::Red));
    }
    // A major row: its severity cell in the major colour.
    press(&mut h, &["m"]);
    let t = draw(&h, 120, 40);
    let (hx, hy) = find(&t, "等级 整改时限").unwrap();
    let st = cell_style(&t, hx, hy + 2);
    assert_eq!(t.backend().buffer()[(hx, hy + 2)].symbol(), "重");
    assert_eq!(st.fg, theme.get(Role::Major).fg);
    assert_eq!(st.fg, Some(Color::LightRed));
}

#[test]
fn mono_theme_has_no_colour_on_key_cells() {
    let mut h = harness(300);
    h.tui.theme = xuncha::tui::theme::Theme::builtin("mono").unwrap();
    press(&mut h, &["r", "o"]);
    let t = draw(&h, 80, 24);
    let (x, y) = find(&t, "·逾期").unwrap();
    let st = cell_style(&t, x, y);
    let plain = |c: Option<Color>| c.is_none() || c == Some(Color::Reset);
    assert!(plain(st.fg) && plain(st.bg), "{st:?}");
    assert!(st.add_modifier.contains(ratatui::style::Modifier::REVERSED));
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    let mut h = harness(50);
    let mut screens = vec![];
    let sizes = [(1, 1), (2, 2), (10, 3), (20, 5), (40, 12), (79, 23)];
    let steps: &[&[&str]] = &[
        &[],
        &["?"],
        &["esc", "n"],
        &["esc"],
        &["r"],
        &["enter"],
        &["esc", "q"],
    ];
    for step in steps {
        press(&mut h, step);
        for (w, ht) in sizes {
            draw(&h, w, ht);
        }
        screens.push(format!("{:?}", h.app.context()));
    }
    start_inspection(&mut h, "滨江区妇幼保健院", "key_site");
    for keys in [&["p"][..], &["f"], &["esc"]] {
        press(&mut h, keys);
        for (w, ht) in sizes {
            draw(&h, w, ht);
        }
    }
    assert!(screens.len() == steps.len());
}

#[test]
fn help_lists_every_key_of_the_register_even_at_80x24() {
    let mut h = harness(30);
    press(&mut h, &["r", "?"]);
    snap(&h, "register_help");
    let t = draw(&h, 80, 24);
    for (keys, desc) in h
        .tui
        .keymap
        .describe(xuncha::tui::keymap::Context::Register)
    {
        let first = keys.split(' ').next().unwrap().to_string();
        let text = screen_text(&h, &t);
        assert!(text.contains(&first), "{first} missing");
        let head: String = desc.chars().take(4).collect();
        assert!(text.contains(&head), "{desc} missing");
    }
}
