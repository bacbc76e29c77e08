//! Two inspectors answer one item differently on two laptops; after a sync the TUI checklist
//! shows the conflict as `inspection show` does (a mark on the row, both answers with who and
//! when), and answering again settles it with a new event; both earlier answers stay visible,
//! and the other laptop converges after the next sync (issue 10, point 2).

use crate::sync_common;
use crate::tui_support;

use sync_common::{now_ms, sync_with};
use tui_support::*;
use xuncha::catalog::Catalog;
use xuncha::domain::{Answer, Mode, Now};
use xuncha::ops::{Ctx, NewInspection, answer, start_inspection};
use xuncha::store::Store;
use xuncha::tui::app::Screen;

/// 2026-11-22 09:00 +08:00 plus `min` minutes.
fn at(min: i64) -> Now {
    now_ms(sync_common::BASE_MS + min * 60_000)
}

#[test]
fn crossing_answers_show_as_a_conflict_and_answering_again_settles_them() {
    let folder = tempfile::tempdir().unwrap();
    let mut h = harness(0);
    // 王检查 (this laptop) starts an inspection with 张三; 张三's laptop gets it by sync.
    let insp = {
        let ctx = &mut h.tui.runner.ctx;
        start_inspection(
            ctx,
            NewInspection {
                facility: "东城区人民医院".into(),
                departments: vec!["急诊科".into()],
                mode: Some(Mode::Supervision),
                inspectors: vec![INSPECTOR.into(), "张三".into()],
                lines: vec!["fire".into()],
            },
        )
        .unwrap()
    };
    let item = h.tui.runner.ctx.items_of_inspection(&insp)[0].id.clone();
    sync_with(h.tui.runner.ctx.raw_store_mut(), &at(1), folder.path());
    let b_dir = tempfile::tempdir().unwrap();
    let mut b = Ctx::new(
        Store::open(b_dir.path()).unwrap(),
        Catalog::builtin(),
        at(2),
        "张三",
    );
    sync_with(b.raw_store_mut(), &at(2), folder.path());
    // Each answers the first item without seeing the other's answer.
    h.tui.runner.ctx.now = at(10);
    answer(&mut h.tui.runner.ctx, insp.id, &item, Answer::Pass, "").unwrap();
    b.now = at(12);
    answer(&mut b, insp.id, &item, Answer::Fail, "灭火器过期").unwrap();
    sync_with(b.raw_store_mut(), &at(20), folder.path());
    sync_with(h.tui.runner.ctx.raw_store_mut(), &at(21), folder.path());

    // The TUI opens the checklist: the row is marked, the pane names both answers.
    press(&mut h, &["r", "esc", "enter"]);
    let Screen::Checklist(st) = h.app.screen() else {
        panic!("the checklist: {:?}", h.app.screen());
    };
    assert_eq!(st.data.inspection.answer_conflicts[&item].len(), 2);
    press(&mut h, &["k"]);
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    insta::assert_snapshot!("answer_conflict_80x24", text);
    assert!(text.contains("⚠冲突"), "{text}");
    assert!(text.contains("11-22 09:10 王检查：合格"), "{text}");
    assert!(
        text.contains("11-22 09:12 张三：不合格（灭火器过期）"),
        "{text}"
    );
    // The item's guidance stays reachable beside the conflict at 80x24.
    assert!(
        text.contains("│方法：") && text.contains("│依据："),
        "{text}"
    );
    let t = draw(&h, 120, 40);
    insta::assert_snapshot!("answer_conflict_120x40", screen_text(&h, &t));

    // Answering again settles it: one new event naming both answers.
    h.app.now = at(30);
    let events = h.tui.runner.ctx.event_count();
    press(&mut h, &["n"]);
    assert_eq!(h.tui.runner.ctx.event_count(), events + 1);
    let a = h.tui.runner.ctx.inspection_by_id(insp.id).unwrap().unwrap();
    assert!(a.answer_conflicts.is_empty(), "settled");
    assert_eq!(a.answers[&item].answer, Answer::Na);
    let settled: Vec<(String, Answer)> = a.answer_settled[&item]
        .iter()
        .map(|r| (r.author.clone(), r.answer))
        .collect();
    assert_eq!(
        settled,
        vec![
            (INSPECTOR.to_string(), Answer::Pass),
            ("张三".to_string(), Answer::Fail),
            (INSPECTOR.to_string(), Answer::Na),
        ],
        "both earlier answers stay visible, then the settling one"
    );
    press(&mut h, &["k"]);
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    insta::assert_snapshot!("answer_conflict_settled_80x24", text);
    assert!(!text.contains("⚠冲突"), "{text}");
    assert!(text.contains("已裁定"), "{text}");
    assert!(
        text.contains("│方法：") && text.contains("│依据："),
        "{text}"
    );
    assert!(text.contains("11-22 09:30 王检查：不适用"), "{text}");

    // 张三's laptop converges on the settled answer.
    sync_with(h.tui.runner.ctx.raw_store_mut(), &at(31), folder.path());
    sync_with(b.raw_store_mut(), &at(32), folder.path());
    let b_view = b.inspection_by_id(insp.id).unwrap().unwrap();
    assert_eq!(b_view, a);
}
