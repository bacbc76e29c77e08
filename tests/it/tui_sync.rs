//! The sync screen through the real keymap, `update` and runner: two stores exchange their
//! work through one temp folder (dry-run preview first, then the sync with its progress bar),
//! the folder is remembered, home shows the last sync; snapshots of each state.

use crate::tui_support;

use ratatui::crossterm::event::{Event, KeyEvent, KeyModifiers};
use std::path::Path;
use tui_support::flow::*;
use tui_support::*;
use xuncha::tui::app::{App, Screen, SyncPhase, SyncState};
use xuncha::tui::keymap::Key;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn sync_state(h: &Harness) -> &SyncState {
    match h.app.screen() {
        Screen::Sync(s) => s,
        other => panic!("expected the sync screen, got {other:?}"),
    }
}

/// Presses one key, recording every progress frame the loop would draw during the effect.
fn press_recording(h: &mut Harness, key: &str) -> Vec<(usize, usize)> {
    let k = Key::parse(key).unwrap();
    let ev = Event::Key(KeyEvent::new(k.code, KeyModifiers::NONE));
    let a = h.tui.action_for(&h.app, &ev).expect("a bound key");
    let mut frames = Vec::new();
    let mut redraw = |app: &App, _: &_, _: &_| {
        if let Screen::Sync(s) = app.screen()
            && let SyncPhase::Running { done, total, .. } = s.phase
        {
            frames.push((done, total));
        }
    };
    h.tui.dispatch_with(&mut h.app, a, &mut redraw);
    frames
}

/// Records one finding through the checklist, so the store has work to send.
fn one_finding(h: &mut Harness, facility: &str) {
    start_inspection(h, facility, "key_site");
    press(h, &["p"]);
    fail_and_save(h);
    press(h, &["esc"]);
    assert!(matches!(h.app.screen(), Screen::Home(_)));
}

#[test]
fn two_stores_sync_through_one_folder_from_the_tui() {
    let folder = tempfile::tempdir().unwrap();
    let mut a = harness(0);
    one_finding(&mut a, "东城区人民医院");
    let mut b = harness(0);
    one_finding(&mut b, "南湖镇卫生院");
    let a_events = a.tui.runner.ctx.raw_store().own_seq();

    // A: folder, Enter = dry run. Nothing is written; the preview says what would go out.
    open_sync_with(&mut a, folder.path());
    assert_eq!(sync_state(&a).info.unsynced, a_events);
    press(&mut a, &["enter"]);
    let SyncPhase::Preview(r) = &sync_state(&a).phase else {
        panic!("preview expected: {:?}", sync_state(&a));
    };
    assert!(r.dry_run);
    assert_eq!(r.own_events_out, a_events);
    assert!(
        !folder.path().join("xuncha-sync").exists(),
        "a dry run writes nothing"
    );

    // y: the real sync, with progress frames drawn while it runs.
    let frames = press_recording(&mut a, "y");
    assert!(frames.iter().any(|(d, t)| *t > 0 && d == t), "{frames:?}");
    let SyncPhase::Done(r) = &sync_state(&a).phase else {
        panic!("result expected");
    };
    assert!(!r.dry_run && !r.bundles_written.is_empty());
    assert!(a.app.message.as_ref().unwrap().text.starts_with("同步完成"));
    let cfg = xuncha::config::Config::load(&a.config_dir()).unwrap();
    assert_eq!(cfg.sync_dir.as_deref(), Some(folder.path()));

    // B: the preview lists A's events per device; the sync takes them in.
    open_sync_with(&mut b, folder.path());
    press(&mut b, &["enter"]);
    let SyncPhase::Preview(r) = &sync_state(&b).phase else {
        panic!("preview expected: {:?}", sync_state(&b));
    };
    let a_device = a.tui.runner.ctx.raw_store().device_id();
    assert_eq!(r.events_in.len(), 1);
    assert_eq!(r.events_in[0].device, a_device);
    assert_eq!(r.events_in[0].events, a_events);
    assert_eq!(
        b.tui.runner.ctx.raw_store().finding_count(),
        1,
        "dry run: not yet"
    );
    press(&mut b, &["y"]);
    assert_eq!(b.tui.runner.ctx.raw_store().finding_count(), 2);
    // Back home: the last sync and nothing waiting.
    press(&mut b, &["enter"]);
    let Screen::Home(home) = b.app.screen() else {
        panic!("home");
    };
    let s = &home.data.as_ref().unwrap().sync;
    assert_eq!(s.unsynced, 0);
    assert_eq!(s.last.as_deref(), Some("2026-11-22 09:00"));

    // A again: the folder comes from its config; it takes in B's work.
    press(&mut a, &["esc", "s"]);
    assert_eq!(
        sync_state(&a).folder.text(),
        folder.path().display().to_string()
    );
    press(&mut a, &["enter", "y"]);
    assert_eq!(a.tui.runner.ctx.raw_store().finding_count(), 2);
    let facilities = |h: &Harness| {
        let mut v: Vec<String> = h
            .tui
            .runner
            .ctx
            .raw_store()
            .all_findings()
            .map(|f| f.unwrap().facility)
            .collect();
        v.sort();
        v
    };
    assert_eq!(facilities(&a), facilities(&b));
}

#[test]
fn a_missing_folder_is_named_and_nothing_changes() {
    let mut h = harness(0);
    press(&mut h, &["s", "enter"]);
    assert!(sync_state(&h).error.as_ref().unwrap().contains("不能为空"));
    type_text(&mut h, "/没有这个/文件夹");
    press(&mut h, &["enter"]);
    let st = sync_state(&h);
    assert!(matches!(st.phase, SyncPhase::Folder));
    let e = st.error.as_ref().unwrap();
    assert!(
        e.contains("/没有这个/文件夹") && e.contains("不存在"),
        "{e}"
    );
    assert!(
        xuncha::config::Config::load(&h.config_dir())
            .unwrap()
            .sync_dir
            .is_none()
    );
}

/// The screen with temp paths and device ids masked.
fn shown(h: &Harness, w: u16, ht: u16, folder: &Path, devices: &[uuid::Uuid]) -> String {
    let t = draw(h, w, ht);
    let mut s = screen_text(h, &t).replace(&folder.display().to_string(), "<同步文件夹>");
    for d in devices {
        let simple = d.simple().to_string();
        s = s.replace(&d.to_string(), &"#".repeat(36));
        s = s.replace(&simple[24..], "########");
    }
    s
}

fn snap(h: &Harness, name: &str, folder: &Path, devices: &[uuid::Uuid]) {
    for (w, ht) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{ht}"), shown(h, w, ht, folder, devices));
    }
}

#[test]
fn snapshots_folder_preview_and_a_result_with_a_rejected_bundle() {
    let folder = tempfile::tempdir().unwrap();
    let mut other = harness(0);
    one_finding(&mut other, "西城区中医院");
    open_sync_with(&mut other, folder.path());
    press(&mut other, &["enter", "y"]);
    let other_device = other.tui.runner.ctx.raw_store().device_id();

    let mut h = harness(0);
    one_finding(&mut h, "东城区人民医院");
    let devices = [h.tui.runner.ctx.raw_store().device_id(), other_device];
    open_sync_with(&mut h, folder.path());
    snap(&h, "sync_folder", folder.path(), &devices);

    // A torn bundle from a third device sits in the folder.
    let bad = folder
        .path()
        .join("xuncha-sync/bundles/01a2050b-0000-7000-8000-000000000001");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("1-1-0000000000000000.bundle"), b"XUNCHA torn").unwrap();
    press(&mut h, &["enter"]);
    snap(&h, "sync_preview", folder.path(), &devices);
    press(&mut h, &["y"]);
    snap(&h, "sync_result_rejected", folder.path(), &devices);
    let SyncPhase::Done(r) = &sync_state(&h).phase else {
        panic!("result expected");
    };
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.exit_code(), 3);
    assert_eq!(
        h.app.message.as_ref().unwrap().kind,
        xuncha::tui::app::MessageKind::Error
    );
    // The rejection is drawn in the error colour.
    let t = draw(&h, 120, 40);
    let (x, y) = find(&t, "拒收").unwrap();
    let err = h.tui.theme.get(xuncha::tui::theme::Role::Error);
    assert_eq!(t.backend().buffer()[(x, y)].style().fg, err.fg);
}

#[test]
fn an_engine_conflict_copy_and_a_file_still_arriving_are_no_problem_on_screen() {
    let folder = tempfile::tempdir().unwrap();
    let mut other = harness(0);
    one_finding(&mut other, "西城区中医院");
    open_sync_with(&mut other, folder.path());
    press(&mut other, &["enter", "y"]);
    let origin = folder.path().join(format!(
        "xuncha-sync/bundles/{}",
        other.tui.runner.ctx.raw_store().device_id()
    ));
    let good = std::fs::read_dir(&origin)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let bytes = std::fs::read(&good).unwrap();
    let stem = good.file_stem().unwrap().to_string_lossy().into_owned();
    std::fs::write(
        origin.join(format!(
            "{stem}.sync-conflict-20261129-184536-GPVCES7.bundle"
        )),
        &bytes[..bytes.len() / 2],
    )
    .unwrap();
    // A third device's bundle still being copied in (rclone writes in place).
    let third = folder
        .path()
        .join("xuncha-sync/bundles/01a2050b-0000-7000-8000-000000000002");
    std::fs::create_dir_all(&third).unwrap();
    std::fs::write(
        third.join("1-1-0123456789abcdef.bundle"),
        b"XUNCHA\0B\x01\x00",
    )
    .unwrap();

    let mut h = harness(0);
    open_sync_with(&mut h, folder.path());
    press(&mut h, &["enter", "y"]);
    let SyncPhase::Done(r) = &sync_state(&h).phase else {
        panic!("result expected");
    };
    assert_eq!(r.exit_code(), 0, "{:?}", r.rejected);
    assert_eq!((r.ignored.len(), r.arriving.len()), (1, 1));
    assert_eq!(
        h.app.message.as_ref().unwrap().kind,
        xuncha::tui::app::MessageKind::Ok
    );
    let t = draw(&h, 120, 40);
    let text = screen_text(&h, &t);
    assert!(
        text.contains("同步完成") && !text.contains("拒收"),
        "{text}"
    );
    assert!(text.contains("忽略：1 个不属于 xuncha 的文件"), "{text}");
    assert!(text.contains("未传完，下次再读"), "{text}");
}

#[test]
fn a_sync_that_fails_under_the_help_overlay_does_not_leave_the_screen_running() {
    let folder = tempfile::tempdir().unwrap();
    let mut h = harness(0);
    open_sync_with(&mut h, folder.path());
    press_unanswered(&mut h, "enter");
    assert!(matches!(sync_state(&h).phase, SyncPhase::Running { .. }));
    // Help opened while the worker works; the sync then fails.
    press(&mut h, &["?"]);
    let failure = "同步文件夹不可写：权限不足".to_string();
    h.tui
        .dispatch(&mut h.app, xuncha::tui::action::Action::Failed(failure));
    press(&mut h, &["esc"]);
    assert!(h.app.overlay.is_none(), "help closed");
    let st = sync_state(&h);
    assert!(matches!(st.phase, SyncPhase::Folder), "{:?}", st.phase);
    assert_eq!(st.error.as_deref(), Some("同步文件夹不可写：权限不足"));
    assert!(h.app.busy.is_none());
    // The folder field takes keys again.
    type_text(&mut h, "x");
    assert!(sync_state(&h).folder.text().ends_with('x'));
}

/// D24: with a folder remembered, the screen opens on its keys (Enter tries, e edits), so the
/// `e` learnt on the result screen edits the path instead of typing into it; Esc in the field
/// puts the folder back.
#[test]
fn the_sync_screen_opens_on_its_keys_and_e_edits_the_path() {
    let folder = tempfile::tempdir().unwrap();
    let mut h = harness(0);
    one_finding(&mut h, "东城区人民医院");
    open_sync_with(&mut h, folder.path());
    press(&mut h, &["enter", "y"]);
    assert!(matches!(sync_state(&h).phase, SyncPhase::Done(_)));
    let remembered = folder.path().display().to_string();

    // The result screen: e edits the path as it is; no "e" is typed into it.
    press(&mut h, &["e"]);
    assert!(sync_state(&h).editing);
    assert_eq!(sync_state(&h).folder.text(), remembered);
    press(&mut h, &["esc", "esc"]);
    assert!(matches!(h.app.screen(), Screen::Home(_)));

    // Opened again: the remembered folder, the keys of the screen, no cursor in the field.
    press(&mut h, &["s"]);
    assert!(!sync_state(&h).editing);
    let me = [h.tui.runner.ctx.raw_store().device_id()];
    let text = shown(&h, 80, 24, folder.path(), &me);
    assert!(text.contains("y 试运行  e 改文件夹  Esc 返回"), "{text}");
    insta::assert_snapshot!("sync_ready_80x24", text);
    press(&mut h, &["e"]);
    type_text(&mut h, "/子目录");
    assert_eq!(sync_state(&h).folder.text(), format!("{remembered}/子目录"));
    // Esc: the folder as it was, and the screen's keys again.
    press(&mut h, &["esc"]);
    assert!(!sync_state(&h).editing);
    assert_eq!(sync_state(&h).folder.text(), remembered);
    // Enter tries the remembered folder at once.
    press(&mut h, &["enter"]);
    assert!(matches!(sync_state(&h).phase, SyncPhase::Preview(_)));
}
