//! Issue 11, point 7: at 80 columns a status message never loses the part that says what is
//! wrong or what to do. The clock warning and a printed document's path were cut from the
//! left; now a long message takes two lines, and paths are cut in the middle.

use crate::tui_support;
use tui_support::*;
use xuncha::tui::app::Screen;

/// The last two rows of the screen, trimmed and joined.
fn bottom(h: &Harness, t: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    let text = screen_text(h, t);
    let rows: Vec<&str> = text.lines().collect();
    // The message's two rows, above the key bar (which stays in view under a wrapped message).
    let start: String = h
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .chars()
        .take(4)
        .collect();
    let i = rows
        .iter()
        .rposition(|r| r.trim_start().starts_with(&start))
        .unwrap_or_else(|| panic!("the message on screen: {text}"));
    rows[i..(i + 2).min(rows.len())]
        .iter()
        .map(|r| r.trim())
        .collect::<Vec<_>>()
        .join("")
}

#[test]
fn the_clock_warning_keeps_what_is_wrong_and_what_to_do_at_80_columns() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    // The device's clock now reads a day before its own last record.
    h.tui.runner.ctx.now = xuncha::domain::Now(
        chrono::DateTime::parse_from_rfc3339("2026-11-21T08:00:00+08:00").unwrap(),
    );
    let warning = xuncha::ops::clock_warning(&h.tui.runner.ctx)
        .unwrap()
        .expect("the clock is behind the last record");
    press(&mut h, &["esc"]);
    xuncha::tui::start_warning(&mut h.app, &[warning]);
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("clock_warning_80x24", screen_text(&h, &t));
    let shown = bottom(&h, &t);
    assert!(
        shown.starts_with(
            "本机时钟（2026-11-21 08:00）早于本机上一条记录的时间（2026-11-22 09:00）"
        ),
        "what is wrong: {shown}"
    );
    assert!(
        shown.contains("请先核对本机的日期、时间和时区"),
        "what to do: {shown}"
    );
    assert!(shown.ends_with("可忽略此提示"), "{shown}");
}

#[test]
fn a_printed_documents_long_path_is_cut_in_the_middle_at_80_columns() {
    let mut h = harness(30);
    let out = tempfile::tempdir().unwrap();
    let deep = out
        .path()
        .join("巡查工作文件夹")
        .join("二〇二六年度安全生产检查")
        .join("东城区卫生健康委员会")
        .join("第四季度医疗机构消防安全专项检查")
        .join("整改通知书");
    std::fs::create_dir_all(&deep).unwrap();
    h.tui.runner.config.export_dir = Some(deep.clone());
    press(&mut h, &["r", "s", "enter"]);
    let Screen::Detail(d) = h.app.screen() else {
        panic!("{:?}", h.app.screen())
    };
    let id = d.finding.id;
    if d.finding.escalations.is_empty() {
        xuncha::ops::escalate(&mut h.tui.runner.ctx, id, "", None).unwrap();
    }
    press(&mut h, &["P"]);
    let file = std::fs::read_dir(&deep)
        .unwrap()
        .next()
        .expect("the document was written")
        .unwrap()
        .file_name()
        .to_string_lossy()
        .into_owned();
    let t = draw(&h, 80, 24);
    let shown = bottom(&h, &t);
    assert!(shown.starts_with("文书已存到 /"), "where: {shown}");
    assert!(
        shown.contains(".."),
        "the path's middle is cut and marked: {shown}"
    );
    assert!(shown.contains(&file), "the file name survives: {shown}");
    assert!(shown.ends_with("浏览器打开后打印"), "what to do: {shown}");
}
