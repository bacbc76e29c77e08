//! Sign-offs by name in the TUI (issue 18, point 4): the 整改 and 复查 prompts take the
//! 整改报告人 and the 复查人 by name and role (Tab moves between note, name and role), and the
//! detail's `k` records the 签收 of the last 四书 document with its 整改承诺, through the real
//! keymap; an incomplete signer is refused in the prompt with nothing saved; the detail shows
//! who signed. Snapshots of the prompts at 80x24.

use crate::tui_support;

use tui_support::flow::*;
use tui_support::*;
use xuncha::domain::{Signer, Status};
use xuncha::tui::app::{Overlay, Screen};

/// A harness whose register holds one open hazard, the register on screen.
fn register_with_one_hazard() -> Harness {
    let mut h = harness(0);
    start_inspection(&mut h, "南湖镇卫生院", "key_site");
    press(&mut h, &["p"]);
    fail_and_save(&mut h);
    press(&mut h, &["esc"]);
    press(&mut h, &["r"]);
    assert!(matches!(h.app.screen(), Screen::Register(_)));
    h
}

fn finding(h: &Harness) -> xuncha::domain::Finding {
    first_finding(h)
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

#[test]
fn receipt_of_a_notice_from_the_detail() {
    let mut h = register_with_one_hazard();
    press(&mut h, &["enter", "k"]);
    assert!(
        h.app
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("尚未发出督办文书"),
        "{:?}",
        h.app.message
    );
    assert!(h.app.overlay.is_none());
    // Issue the 整改通知书 (e, Enter), then k: the 签收 prompt names the document.
    press(&mut h, &["e", "enter", "k"]);
    type_text(&mut h, "三日内清洗完毕");
    press(&mut h, &["tab"]);
    type_text(&mut h, "张伟");
    press(&mut h, &["enter"]);
    let err = prompt_error(&h).expect("the role is required");
    assert!(err.contains("签收人职务：不能为空"), "{err}");
    press(&mut h, &["tab"]);
    type_text(&mut h, "院长");
    // The 文号 carries the device's random code: masked so the snapshot is stable.
    let text = screen_text(&h, &draw(&h, 80, 24));
    let masked = match text.split_once("〔2026〕") {
        Some((a, b)) => format!("{a}〔2026〕XXX{}", b.chars().skip(3).collect::<String>()),
        None => text,
    };
    insta::assert_snapshot!("receive_prompt_80x24", masked);
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let f = finding(&h);
    let r = &f.escalations[0].receipts[0];
    assert_eq!(r.by.spoken(), "张伟（院长）");
    assert_eq!(r.promise, "三日内清洗完毕");
    let text = screen_text(&h, &draw(&h, 120, 40));
    assert!(text.contains("整改通知书签收：张伟（院长）"), "{text}");
}
