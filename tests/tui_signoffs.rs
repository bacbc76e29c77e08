//! Sign-offs by name in the TUI (issue 18, point 4): the 整改 and 复查 prompts take the
//! 整改报告人 and the 复查人 by name and role (Tab moves between note, name and role), through
//! the real keymap; an incomplete signer is refused in the prompt with nothing saved; the
//! detail shows who signed. Snapshots of the prompt at 80x24.

mod tui_support;

use tui_support::*;
use xuncha::domain::{Signer, Status};
use xuncha::tui::app::{Overlay, Screen};

/// A harness whose register holds one open hazard, the register on screen.
fn register_with_one_hazard() -> Harness {
    let mut h = harness(0);
    start_inspection(&mut h, "南湖镇卫生院", "key_site");
    press(&mut h, &["p", "f", "ctrl-s", "q"]);
    press(&mut h, &["r"]);
    assert!(matches!(h.app.screen(), Screen::Register(_)));
    h
}

fn finding(h: &Harness) -> xuncha::domain::Finding {
    h.tui
        .runner
        .ctx
        .raw_store()
        .all_findings()
        .next()
        .unwrap()
        .unwrap()
}

fn prompt_error(h: &Harness) -> Option<String> {
    match &h.app.overlay {
        Some(Overlay::Prompt(p)) => p.error.clone(),
        other => panic!("prompt expected, got {other:?}"),
    }
}

#[test]
fn rectify_and_verify_record_who_signed() {
    let mut h = register_with_one_hazard();
    press(&mut h, &["r"]);
    type_text(&mut h, "已加装防护罩");
    press(&mut h, &["tab"]);
    type_text(&mut h, "李强");
    press(&mut h, &["tab"]);
    type_text(&mut h, "后勤科科长");
    insta::assert_snapshot!(
        "rectify_prompt_with_signer_80x24",
        screen_text(&h, &draw(&h, 80, 24))
    );
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let f = finding(&h);
    assert_eq!(f.status, Status::Rectified);
    assert_eq!(
        f.rectified_by,
        Some(Signer {
            name: "李强".into(),
            role: "后勤科科长".into()
        })
    );

    // 复查 with a name but no role: refused in the prompt, nothing saved.
    press(&mut h, &["v", "tab"]);
    type_text(&mut h, "王敏");
    press(&mut h, &["enter"]);
    let err = prompt_error(&h).expect("a refusal");
    assert!(err.contains("复查人职务：不能为空"), "{err}");
    assert_eq!(finding(&h).status, Status::Rectified);
    press(&mut h, &["tab"]);
    type_text(&mut h, "安全生产科主任");
    press(&mut h, &["enter"]);
    let f = finding(&h);
    assert_eq!(f.status, Status::Closed);
    assert_eq!(
        f.verifier.as_ref().map(Signer::spoken).as_deref(),
        Some("王敏（安全生产科主任）")
    );

    // The detail names both.
    press(&mut h, &["enter"]);
    let text = screen_text(&h, &draw(&h, 120, 40));
    assert!(text.contains("整改报告人：李强（后勤科科长）"), "{text}");
    assert!(text.contains("复查人：王敏（安全生产科主任）"), "{text}");
}

#[test]
fn a_step_without_names_still_saves() {
    let mut h = register_with_one_hazard();
    press(&mut h, &["r"]);
    type_text(&mut h, "已整改");
    press(&mut h, &["enter"]);
    let f = finding(&h);
    assert_eq!(f.status, Status::Rectified);
    assert_eq!(f.rectified_by, None);
}
