//! Comment on and retract a hazard from its detail (register → Enter) through the real keymap,
//! `update` and effect runner: the comment shows in the history, an empty retraction reason is
//! refused with nothing saved, a real one marks the hazard 已撤销; reopening the store agrees.

use crate::tui_support;

use tui_support::*;
use xuncha::store::Store;
use xuncha::tui::app::{Overlay, Screen};

fn detail_id(h: &Harness) -> uuid::Uuid {
    let Screen::Detail(d) = h.app.screen() else {
        panic!("expected the detail, got {:?}", h.app.screen());
    };
    d.finding.id
}

#[test]
fn comment_then_retract_from_the_detail() {
    let mut h = harness(3);
    press(&mut h, &["r", "g", "enter"]);
    let id = detail_id(&h);

    // Comment: b opens a one-line prompt; the comment lands in the history on screen.
    press(&mut h, &["b"]);
    assert!(
        matches!(h.app.overlay, Some(Overlay::Prompt(_))),
        "b opens a prompt"
    );
    type_text(&mut h, "已电话通知后勤科长");
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none());
    assert_eq!(h.app.message.as_ref().unwrap().text, "已保存：已添加备注");
    let t = draw(&h, 120, 40);
    let text = screen_text(&h, &t);
    assert!(text.contains("备注：已电话通知后勤科长"), "{text}");

    // Retract: an empty reason is refused in the prompt and nothing is saved.
    press(&mut h, &["D", "enter"]);
    let Some(Overlay::Prompt(p)) = &h.app.overlay else {
        panic!("the prompt stays open on an empty reason");
    };
    assert_eq!(p.error.as_deref(), Some("撤销原因：不能为空"));
    let Screen::Detail(d) = h.app.screen() else {
        panic!()
    };
    assert!(!d.finding.retracted);

    type_text(&mut h, "重复登记，与上一条为同一隐患");
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none());
    assert_eq!(h.app.message.as_ref().unwrap().text, "已保存：已撤销隐患");
    let t = draw(&h, 120, 40);
    let text = screen_text(&h, &t);
    assert!(text.contains("已撤销"), "{text}");
    assert!(
        text.contains("撤销隐患：重复登记，与上一条为同一隐患"),
        "{text}"
    );

    // A second retraction is refused before any prompt opens.
    press(&mut h, &["D"]);
    assert!(h.app.overlay.is_none());
    assert!(h.app.message.as_ref().unwrap().text.contains("撤销"));

    // Back in the register, the retracted hazard has left the list at once (no restart).
    assert_eq!(detail_id(&h), id);
    press(&mut h, &["esc"]);
    let Screen::Register(st) = h.app.screen() else {
        panic!("Esc goes back to the register, got {:?}", h.app.screen());
    };
    let rows = st.rows.as_ref().expect("rows loaded");
    assert!(
        st.visible.iter().all(|i| rows[*i].id != id),
        "the retracted row is gone from the default view"
    );
    press(&mut h, &["enter"]);
    assert_ne!(detail_id(&h), id);

    // The status filter reaches 已撤销 after 已销号: the retracted hazard shows, with its reason.
    press(&mut h, &["esc", "s", "s", "s", "s"]);
    let Screen::Register(st) = h.app.screen() else {
        panic!("back in the register");
    };
    let rows = st.rows.as_ref().unwrap();
    let shown: Vec<_> = st.visible.iter().map(|i| rows[*i].id).collect();
    assert_eq!(shown, vec![id], "only the retracted hazard");
    let t = draw(&h, 120, 40);
    let text = screen_text(&h, &t);
    assert!(text.contains("状态:已撤销"), "{text}");
    assert!(text.contains("（撤销：重复登记"), "{text}");
    // Next: 全部（含已撤销）, then back to the default view without it.
    press(&mut h, &["s"]);
    let Screen::Register(st) = h.app.screen() else {
        panic!()
    };
    let all = st.visible.len();
    let rows = st.rows.as_ref().unwrap();
    assert!(st.visible.iter().any(|i| rows[*i].id == id));
    press(&mut h, &["s"]);
    let Screen::Register(st) = h.app.screen() else {
        panic!()
    };
    let rows = st.rows.as_ref().unwrap();
    assert_eq!(st.visible.len() + 1, all);
    assert!(st.visible.iter().all(|i| rows[*i].id != id));

    // Search finds it too, marked 已撤销 (W14).
    let reason_free = {
        let store_f = h.tui.runner.ctx.finding_by_id(id).unwrap();
        store_f.description.chars().take(8).collect::<String>()
    };
    press(&mut h, &["/"]);
    type_text(&mut h, &reason_free);
    let t = draw(&h, 120, 40);
    let text = screen_text(&h, &t);
    assert!(text.contains("[已撤销]"), "{text}");
    press(&mut h, &["esc"]);

    // Reopen the store: the comment and the retraction are there.
    let dir = h.data_dir();
    drop(h.tui);
    let store = Store::open(&dir).unwrap();
    let f = store.finding_full(id).unwrap().unwrap();
    assert!(f.retracted);
    assert!(f.history.iter().any(|e| e.note == "已电话通知后勤科长"));
    assert!(
        f.history
            .iter()
            .any(|e| e.note == "重复登记，与上一条为同一隐患")
    );
}

#[test]
fn edit_a_field_from_the_detail() {
    let mut h = harness(3);
    press(&mut h, &["r", "g", "enter"]);
    let id = detail_id(&h);
    let Screen::Detail(d) = h.app.screen() else {
        panic!()
    };
    let old_due = d.finding.due;

    // i opens the prompt on the first field, pre-filled; Tab moves to 部位, pre-filled too.
    press(&mut h, &["i"]);
    let Some(Overlay::Prompt(p)) = &h.app.overlay else {
        panic!("i opens a prompt");
    };
    assert!(p.title.contains("问题隐患"), "{}", p.title);
    assert!(
        !p.input.text().is_empty(),
        "pre-filled with the current value"
    );
    press(&mut h, &["tab"]);
    let Some(Overlay::Prompt(p)) = &h.app.overlay else {
        panic!()
    };
    assert!(p.title.contains("部位"), "{}", p.title);
    press(&mut h, &["ctrl-u"]);
    type_text(&mut h, "门诊楼三层东侧配电间");
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none());
    assert_eq!(h.app.message.as_ref().unwrap().text, "已保存：已修改部位");
    let t = draw(&h, 120, 40);
    assert!(screen_text(&h, &t).contains("门诊楼三层东侧配电间"));

    // A bad date for 整改时限 is refused with a Chinese message; nothing is saved.
    press(&mut h, &["i", "tab", "tab", "tab", "tab", "tab"]);
    let Some(Overlay::Prompt(p)) = &h.app.overlay else {
        panic!()
    };
    assert!(p.title.contains("整改时限"), "{}", p.title);
    press(&mut h, &["ctrl-u"]);
    type_text(&mut h, "下个月");
    press(&mut h, &["enter"]);
    let msg = h.app.message.as_ref().unwrap().text.clone();
    assert!(msg.contains("整改时限"), "{msg}");
    press(&mut h, &["esc"]);

    let dir = h.data_dir();
    drop(h.tui);
    let store = Store::open(&dir).unwrap();
    let f = store.finding_full(id).unwrap().unwrap();
    assert_eq!(f.location, "门诊楼三层东侧配电间");
    assert_eq!(f.due, old_due);
}
