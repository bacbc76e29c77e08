//! Export from the register through the real keymap, `update` and runner: the current filter
//! becomes the ledger's query, the file is read back (calamine, csv) and holds exactly the
//! rows the register showed; the prompt in snapshots.

use crate::tui_support;

use calamine::{Reader, Xlsx, open_workbook};
use std::collections::BTreeSet;
use tui_support::flow::*;
use tui_support::*;
use xuncha::tui::app::{Overlay, PromptKind, Screen};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Ids of the rows the register shows now.
fn visible_ids(h: &Harness) -> BTreeSet<String> {
    let Screen::Register(r) = h.app.screen() else {
        panic!("register expected");
    };
    let rows = r.rows.as_ref().unwrap();
    r.visible.iter().map(|i| rows[*i].id.to_string()).collect()
}

fn prompt_text(h: &Harness) -> String {
    match &h.app.overlay {
        Some(Overlay::Prompt(p)) => p.input.text().to_string(),
        other => panic!("export prompt expected, got {other:?}"),
    }
}

#[test]
fn export_with_the_register_filter_and_read_it_back() {
    let mut h = harness(300);
    let out = tempfile::tempdir().unwrap();
    // 防线 filter on the line with the most findings, then 重大 only.
    press(&mut h, &["r", "L"]);
    while visible_ids(&h).len() < 3 {
        press(&mut h, &["L"]);
    }
    press(&mut h, &["m"]);
    let shown = visible_ids(&h);
    assert!(!shown.is_empty());
    let Screen::Register(r) = h.app.screen() else {
        panic!()
    };
    let line_name = h.app.line_name(r.filter.line.as_ref().unwrap()).to_string();

    // E: the prompt with the default path (documents folder, dated name, xlsx).
    press(&mut h, &["E"]);
    assert!(prompt_text(&h).ends_with("隐患台账-2026-11-22.xlsx"));
    let xlsx = out.path().join("重大隐患.xlsx");
    press(&mut h, &["ctrl-u"]);
    type_text(&mut h, &xlsx.display().to_string());
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none());
    assert_eq!(
        h.app.message.as_ref().unwrap().text,
        format!("已导出 {} 条到 {}", shown.len(), xlsx.display())
    );
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert_eq!(book.sheet_names(), ["统计汇总", line_name.as_str()]);
    let sheet = book.worksheet_range(&line_name).unwrap();
    // Three rows of title and headers, then one row per finding; the id is the last column.
    // (记录ID, column 28) under the head; the sign-off line below the table has none.
    let ids: BTreeSet<String> = sheet
        .rows()
        .skip(3)
        .map(|r| r[27].to_string())
        .filter(|id| !id.is_empty())
        .collect();
    assert_eq!(ids, shown);

    // Tab switches to CSV (the extension follows); the same rows again.
    press(&mut h, &["E", "tab"]);
    assert!(prompt_text(&h).ends_with(".csv"));
    assert!(matches!(
        &h.app.overlay,
        Some(Overlay::Prompt(p)) if p.kind == PromptKind::Export(xuncha::report::LedgerFormat::Csv)
    ));
    let csv_path = out.path().join("重大隐患.csv");
    press(&mut h, &["ctrl-u"]);
    type_text(&mut h, &csv_path.display().to_string());
    press(&mut h, &["enter"]);
    let bytes = std::fs::read(&csv_path).unwrap();
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let ids: BTreeSet<String> = rdr.records().map(|r| r.unwrap()[27].to_string()).collect();
    assert_eq!(ids, shown);
}

#[test]
fn a_bad_path_keeps_the_prompt_open_with_the_reason() {
    let mut h = harness(30);
    press(&mut h, &["r", "E", "ctrl-u"]);
    type_text(&mut h, "/没有这个文件夹/台账.xlsx");
    press(&mut h, &["enter"]);
    let Some(Overlay::Prompt(p)) = &h.app.overlay else {
        panic!("the prompt stays");
    };
    assert!(p.error.as_ref().unwrap().contains("所在文件夹不存在"));
    press(&mut h, &["ctrl-u"]);
    type_text(&mut h, "台账.txt");
    press(&mut h, &["enter"]);
    let Some(Overlay::Prompt(p)) = &h.app.overlay else {
        panic!("the prompt stays");
    };
    assert!(p.error.as_ref().unwrap().contains(".xlsx 或 .csv"));
    // Status and overdue-only together cannot be said as one query: refused up front.
    press(&mut h, &["esc", "s", "o", "E"]);
    assert!(h.app.overlay.is_none());
    assert!(h.app.message.as_ref().unwrap().text.contains("不能同时"));
}

#[test]
fn snapshot_of_the_export_prompt_under_the_configured_folder() {
    let mut h = harness(300);
    h.tui.runner.config.export_dir = Some("/srv/巡查/导出".into());
    press(&mut h, &["r", "o", "E"]);
    assert_eq!(prompt_text(&h), "/srv/巡查/导出/隐患台账-2026-11-22.xlsx");
    for (w, ht) in SIZES {
        let t = draw(&h, w, ht);
        insta::assert_snapshot!(format!("export_prompt_{w}x{ht}"), screen_text(&h, &t));
    }
}

#[test]
fn export_asks_before_it_replaces_a_file() {
    let mut h = harness(30);
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("台账.csv");
    std::fs::write(&path, "旧的台账").unwrap();
    press(&mut h, &["r", "E", "ctrl-u"]);
    type_text(&mut h, &path.display().to_string());
    press(&mut h, &["enter"]);
    let Some(Overlay::Prompt(p)) = &h.app.overlay else {
        panic!("the prompt stays open: {:?}", h.app.overlay);
    };
    assert!(
        p.error.as_deref().unwrap().contains("已存在"),
        "{:?}",
        p.error
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "旧的台账");
    // Enter again: replaced.
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    assert_ne!(std::fs::read_to_string(&path).unwrap(), "旧的台账");
}

#[test]
fn print_from_the_detail_writes_the_notice_to_the_documents_folder() {
    let mut h = harness(30);
    let out = tempfile::tempdir().unwrap();
    h.tui.runner.config.export_dir = Some(out.path().to_path_buf());
    press(&mut h, &["r", "s", "enter"]);
    assert!(
        matches!(h.app.screen(), Screen::Detail(_)),
        "{:?}",
        h.app.screen()
    );
    // A notice exists only once its step was taken: none yet, nothing written.
    let Screen::Detail(d) = h.app.screen() else {
        panic!()
    };
    let id = d.finding.id;
    if d.finding.escalations.is_empty() {
        press(&mut h, &["P"]);
        let msg = &h.app.message.as_ref().expect("a message").text;
        assert!(msg.contains("尚未发出"), "{msg}");
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
        xuncha::ops::escalate(&mut h.tui.runner.ctx, id, "", None).unwrap();
    }
    press(&mut h, &["P"]);
    let msg = &h.app.message.as_ref().expect("a message").text;
    assert!(msg.starts_with("文书已存到"), "{msg}");
    let files: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let html = std::fs::read_to_string(&files[0]).unwrap();
    assert!(html.contains("整改通知书"), "the notice is printed");
}

#[test]
fn print_from_the_checklist_writes_the_inspections_form() {
    let mut h = harness(0);
    let out = tempfile::tempdir().unwrap();
    h.tui.runner.config.export_dir = Some(out.path().to_path_buf());
    start_inspection(&mut h, "东城区人民医院", "fire");
    fail_and_save(&mut h);
    press(&mut h, &["P"]);
    let msg = &h.app.message.as_ref().expect("a message").text;
    assert!(
        msg.starts_with("文书已存到") && msg.contains("整改表"),
        "{msg}"
    );
    let files: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let html = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        html.contains("东城区人民医院"),
        "the form names the facility"
    );
}
