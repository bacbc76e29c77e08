//! Paste is text: a bracketed paste lands in the field as text, and a terminal without bracketed
//! paste sending "x⏎v⏎" as a burst of keys cannot rectify and then verify a finding.

use crate::tui_support;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_support::*;
use xuncha::domain::Status;
use xuncha::tui::app::{Overlay, Screen};
use xuncha::tui::paste;

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Feeds events as the loop does: one batch, coalesced, each through the keymap.
fn feed(h: &mut Harness, events: Vec<Event>) {
    let text_field = h.app.context().is_text();
    for ev in paste::coalesce(events, text_field) {
        if let Some(a) = h.tui.action_for(&h.app, &ev) {
            h.tui.dispatch(&mut h.app, a);
        }
    }
}

/// Opens the register on an open finding and presses `r` (rectify): the prompt is open.
fn rectify_prompt(h: &mut Harness) -> Status {
    press(h, &["r", "s"]);
    let Screen::Register(r) = h.app.screen() else {
        panic!("register: {:?}", h.app.screen());
    };
    let status = r.selected_row().expect("an open finding").status;
    assert_eq!(status, Status::Open);
    press(h, &["r"]);
    assert!(
        matches!(h.app.overlay, Some(Overlay::Prompt(_))),
        "rectify prompt"
    );
    status
}

fn selected_status(h: &Harness) -> Status {
    h.app
        .stack
        .iter()
        .find_map(|s| match s {
            Screen::Register(r) => r.selected_row().map(|r| r.status),
            _ => None,
        })
        .expect("the register with a row")
}

fn prompt_text(h: &Harness) -> String {
    match &h.app.overlay {
        Some(Overlay::Prompt(p)) => p.input.text().to_string(),
        other => panic!("the prompt is still open, got {other:?}"),
    }
}

#[test]
fn a_bracketed_paste_is_text_in_the_field() {
    let mut h = harness(30);
    rectify_prompt(&mut h);
    feed(&mut h, vec![Event::Paste("x\nv\n".into())]);
    assert_eq!(prompt_text(&h), "xv");
    assert_eq!(selected_status(&h), Status::Open, "nothing was saved");
}

#[test]
fn a_raw_burst_with_newlines_cannot_take_a_lifecycle_step() {
    let mut h = harness(30);
    rectify_prompt(&mut h);
    let burst = vec![
        key(KeyCode::Char('x')),
        key(KeyCode::Enter),
        key(KeyCode::Char('v')),
        key(KeyCode::Enter),
    ];
    feed(&mut h, burst);
    assert_eq!(prompt_text(&h), "xv");
    assert_eq!(
        selected_status(&h),
        Status::Open,
        "not rectified, not verified"
    );
}

#[test]
fn a_paste_outside_a_text_field_runs_no_key() {
    let mut h = harness(30);
    press(&mut h, &["r"]);
    let before = format!("{:?}", h.app.screen());
    feed(&mut h, vec![Event::Paste("rv\n".into())]);
    feed(
        &mut h,
        vec![
            key(KeyCode::Char('r')),
            key(KeyCode::Enter),
            key(KeyCode::Char('v')),
        ],
    );
    assert!(
        h.app.overlay.is_none(),
        "no prompt opened: {:?}",
        h.app.overlay
    );
    assert_eq!(format!("{:?}", h.app.screen()), before);
}

#[test]
fn held_keys_stay_keys() {
    let j = key(KeyCode::Char('j'));
    let out = paste::coalesce(vec![j.clone(), j.clone(), j.clone()], true);
    assert_eq!(out, vec![j.clone(), j.clone(), j]);
}

#[test]
fn a_line_and_its_enter_in_one_burst_submit_the_field() {
    // tmux send-keys "已更换报警控制器" Enter: the text and the Enter arrive together.
    let mut h = harness(30);
    rectify_prompt(&mut h);
    let id = h
        .app
        .stack
        .iter()
        .find_map(|s| match s {
            Screen::Register(r) => r.selected_row().map(|r| r.id),
            _ => None,
        })
        .unwrap();
    let status = |h: &Harness| h.tui.runner.ctx.finding_by_id(id).unwrap().status;
    let mut burst: Vec<Event> = "已更换报警控制器"
        .chars()
        .map(|c| key(KeyCode::Char(c)))
        .collect();
    burst.push(key(KeyCode::Enter));
    feed(&mut h, burst);
    assert!(h.app.overlay.is_none(), "submitted: {:?}", h.app.overlay);
    assert_eq!(status(&h), Status::Rectified);
    // A line and Enter where no field takes text: nothing happens at all.
    let before = format!("{:?}", h.app.screen());
    feed(&mut h, vec![key(KeyCode::Char('v')), key(KeyCode::Enter)]);
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    assert_eq!(format!("{:?}", h.app.screen()), before);
    assert_eq!(status(&h), Status::Rectified, "not verified");
}
