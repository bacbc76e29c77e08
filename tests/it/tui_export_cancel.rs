//! Issue 11, point 2: Esc stops an export cleanly and long work shows in the status line while
//! the screen keeps drawing. Runs the real loop (worker thread, keymap) on a TestBackend with
//! keys from a script.

use crate::tui_support;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::VecDeque;
use std::time::Instant;
use tui_support::script::{Script, When, key, text};
use tui_support::*;
use xuncha::tui::app::{App, Overlay, Screen};

#[test]
fn esc_during_an_export_leaves_no_file_and_the_screen_keeps_drawing() {
    let h = harness(2000);
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("隐患台账.xlsx");
    let older = out.path().join("旧台账.xlsx");
    std::fs::write(&older, "上次导出的台账").unwrap();
    let Harness { tui, mut app, dir } = h;
    let mut enter_path = vec![key("ctrl-u")];
    enter_path.extend(text(&path.display().to_string()));
    // Enter starts the export; Esc comes right behind it, while the worker runs it.
    enter_path.extend([key("enter"), key("esc")]);
    let mut script = Script {
        steps: VecDeque::from(vec![
            (
                Box::new(|a: &App| matches!(a.screen(), Screen::Home(h) if h.data.is_some()))
                    as When,
                vec![key("r")],
            ),
            (
                Box::new(|a: &App| matches!(a.screen(), Screen::Register(r) if r.rows.is_some())),
                vec![key("E")],
            ),
            (
                Box::new(
                    |a: &App| matches!(&a.overlay, Some(Overlay::Prompt(p)) if p.input.text().ends_with(".xlsx")),
                ),
                enter_path,
            ),
            (
                Box::new(|a: &App| {
                    a.busy.is_none()
                        && a.message.as_ref().is_some_and(|m| m.text.contains("取消"))
                        && !m_is_cancelling(a)
                }),
                vec![key("ctrl-c")],
            ),
        ]),
        ready: VecDeque::new(),
        started: Instant::now(),
        busy_seen: Vec::new(),
        frames: 0,
    };
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    tui.run_from(&mut terminal, &mut app, &mut script).unwrap();
    assert!(
        script.steps.is_empty(),
        "the script ran to its end (not stopped by the 60 s guard): {} steps left",
        script.steps.len()
    );
    let msg = app.message.as_ref().expect("a message").text.clone();
    assert!(msg.contains("已取消：导出未写任何文件"), "{msg}");
    // No file under the name, no temp file beside it, the older file as it was.
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["旧台账.xlsx".to_string()], "{names:?}");
    assert_eq!(std::fs::read_to_string(&older).unwrap(), "上次导出的台账");
    // Long work was shown while it ran.
    assert!(
        script.busy_seen.iter().any(|w| w == "正在读取台账"),
        "{:?}",
        script.busy_seen
    );
    drop(dir);
}

/// The "正在取消……" note is up while the worker stops; the end is the export's own message.
fn m_is_cancelling(a: &App) -> bool {
    a.message
        .as_ref()
        .is_some_and(|m| m.text.starts_with("正在取消"))
}

#[test]
fn an_export_cancelled_through_ops_writes_nothing() {
    let h = harness(50);
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("台账.csv");
    let cancel = xuncha::ops::Cancel::default();
    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    let err = xuncha::ops::export_ledger(
        &h.tui.runner.ctx,
        &Default::default(),
        xuncha::ops::LedgerFormat::Csv,
        &path,
        Some(&cancel),
    )
    .unwrap_err();
    assert!(err.to_string().contains("未写任何文件"), "{err}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn the_status_line_says_what_runs_and_how_to_stop_it() {
    let mut h = harness(0);
    h.app.busy = Some(xuncha::tui::app::Busy {
        what: "正在导出",
        cancellable: true,
        ticks: 1,
        progress: None,
    });
    let t = draw(&h, 80, 24);
    let s = screen_text(&h, &t);
    let last = s.lines().last().unwrap();
    assert_eq!(last.trim(), "/ 正在导出……（Esc 取消）", "{s}");
    h.app.busy = Some(xuncha::tui::app::Busy {
        what: "正在同步",
        cancellable: true,
        ticks: 2,
        progress: Some((3, 12)),
    });
    let t = draw(&h, 80, 24);
    let s = screen_text(&h, &t);
    assert_eq!(
        s.lines().last().unwrap().trim(),
        "- 正在同步…… 3/12（Esc 取消）"
    );
}
