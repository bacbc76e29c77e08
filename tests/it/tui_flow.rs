//! A whole inspection through the real keymap, `update` and effect runner: start on `fire`,
//! answer every item (two fail, saving their pre-filled forms), then rectify and verify one
//! finding in the register; reopening the store shows the same state.

use crate::tui_support;

use tui_support::flow::*;
use tui_support::*;
use xuncha::domain::{Answer, Status};
use xuncha::store::{FindingQuery, Store};
use xuncha::tui::app::{Overlay, Screen};

#[test]
fn inspect_fire_record_two_hazards_and_close_one() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    let Screen::Checklist(c) = h.app.screen() else {
        panic!("expected the checklist, got {:?}", h.app.screen());
    };
    let items: Vec<String> = c.data.items.iter().map(|i| i.id.clone()).collect();
    assert!(items.len() > 5, "fire has items");
    assert!(items.iter().all(|i| i.starts_with("fire.")));

    let failing = [1usize, 4];
    for i in 0..items.len() {
        if failing.contains(&i) {
            press(&mut h, &["f"]);
            assert!(
                matches!(h.app.screen(), Screen::Form(_)),
                "f opens the form"
            );
            save_form(&mut h);
            let msg = h.app.message.as_ref().unwrap().text.clone();
            assert!(msg.starts_with("已保存"), "{msg}");
        } else {
            press(&mut h, &["p"]);
        }
    }
    let Screen::Checklist(c) = h.app.screen() else {
        panic!("back on the checklist");
    };
    assert_eq!(c.unanswered(), 0);
    press(&mut h, &["F"]);
    assert!(matches!(h.app.screen(), Screen::Home(_)));
    assert!(h.app.message.as_ref().unwrap().text.contains("检查已结束"));
    // The summary of what was finished is shown over home; Enter closes it.
    assert!(matches!(h.app.overlay, Some(Overlay::Summary(_))));
    press(&mut h, &["enter"]);

    // The register shows the two open findings.
    press(&mut h, &["r", "s"]);
    let Screen::Register(r) = h.app.screen() else {
        panic!("register");
    };
    assert_eq!(r.visible.len(), 2);
    let rows = r.rows.as_ref().unwrap();
    let fire = xuncha::catalog::Catalog::builtin();
    for i in &r.visible {
        assert_eq!(rows[*i].status, Status::Open);
        assert_eq!(&*rows[*i].facility, "东城区人民医院");
    }
    let hazards: Vec<String> = failing
        .iter()
        .map(|i| fire.item(&items[*i]).unwrap().hazard.clone())
        .collect();
    for i in &r.visible {
        assert!(hazards.iter().any(|h| *h == *rows[*i].description));
    }

    // Clear the status filter so the row stays in view, then rectify and verify it.
    press(&mut h, &["s", "s", "s", "s", "s", "g"]);
    let target = {
        let Screen::Register(r) = h.app.screen() else {
            panic!()
        };
        r.selected_row().unwrap().id
    };
    press(&mut h, &["r"]);
    type_text(&mut h, "已修复报警控制器");
    press(&mut h, &["enter"]);
    press(&mut h, &["v", "enter"]);
    let Screen::Register(r) = h.app.screen() else {
        panic!("register");
    };
    let row = r.selected_row().unwrap();
    assert_eq!(row.id, target);
    assert_eq!(row.status, Status::Closed);
    assert_eq!(
        h.app.message.as_ref().unwrap().text,
        "已保存：复查通过，已销号"
    );
    let shown: Vec<(uuid::Uuid, Status)> = r
        .visible
        .iter()
        .map(|i| {
            (
                r.rows.as_ref().unwrap()[*i].id,
                r.rows.as_ref().unwrap()[*i].status,
            )
        })
        .collect();

    // Reopen the store: the same findings in the same states, the inspection finished.
    let dir = h.data_dir();
    drop(h.tui);
    let store = Store::open(&dir).unwrap();
    let all = store
        .query(&FindingQuery::default(), now().today())
        .unwrap();
    assert_eq!(all.len(), 2);
    for (id, st) in shown {
        let f = all.iter().find(|f| f.id == id).unwrap();
        assert_eq!(f.status, st);
    }
    let closed = store.finding_full(target).unwrap().unwrap();
    assert!(closed.history.iter().any(|e| e.note == "已修复报警控制器"));
    let insp = &store.all_inspections().unwrap()[0];
    assert!(insp.is_finished());
    assert_eq!(insp.answers.len(), items.len());
    let fails = insp
        .answers
        .values()
        .filter(|a| a.answer == Answer::Fail)
        .count();
    assert_eq!(fails, 2);
}

#[test]
fn an_unfinished_inspection_resumes_at_the_first_unanswered_item() {
    let mut h = harness(0);
    start_inspection(&mut h, "西城区中医院", "energy");
    press(&mut h, &["p", "n", "p"]);
    let dir = h.dir;
    drop(h.tui);
    // A new session on the same data: home lists it; Enter resumes at item 4.
    let mut h = open(dir, INSPECTOR);
    let Screen::Home(home) = h.app.screen() else {
        panic!("home");
    };
    let unfinished = &home.data.as_ref().unwrap().unfinished;
    assert_eq!(unfinished.len(), 1);
    assert_eq!(unfinished[0].answered, 3);
    press(&mut h, &["enter"]);
    let Screen::Checklist(c) = h.app.screen() else {
        panic!("checklist");
    };
    assert_eq!(c.cursor, 3);
    assert!(h.app.message.as_ref().unwrap().text.contains("已恢复"));
}

#[test]
fn an_invalid_form_saves_nothing_and_finishing_early_asks_first() {
    let mut h = harness(0);
    start_inspection(&mut h, "南湖镇卫生院", "fire");
    press(&mut h, &["f"]);
    // Focus starts on 部位; go to 整改时限 and type a bad date.
    press(&mut h, &["tab", "tab", "tab", "ctrl-u"]);
    type_text(&mut h, "下周");
    press(&mut h, &["ctrl-s"]);
    let Screen::Form(f) = h.app.screen() else {
        panic!("the form stays open");
    };
    assert!(f.errors.values().any(|e| e.contains("下周")));
    assert_eq!(h.tui.runner.ctx.raw_store().finding_count(), 0);
    press(&mut h, &["ctrl-u"]);
    type_text(&mut h, "+2w");
    save_form(&mut h);
    assert_eq!(h.tui.runner.ctx.raw_store().finding_count(), 1);
    let f = first_finding(&h);
    assert_eq!(f.due.unwrap().to_string(), "2026-12-06");

    press(&mut h, &["F"]);
    assert!(h.app.overlay.is_some(), "unanswered items: confirm first");
    press(&mut h, &["n"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    press(&mut h, &["F", "y"]);
    assert!(matches!(h.app.screen(), Screen::Home(_)));
}

#[test]
fn escalating_an_overdue_finding_sends_the_next_notice() {
    let mut h = harness(300);
    press(&mut h, &["r", "o"]);
    let (steps, before) = {
        let Screen::Register(r) = h.app.screen() else {
            panic!("register");
        };
        let rows = r.rows.as_ref().unwrap();
        let k = r
            .visible
            .iter()
            .position(|i| rows[*i].escalation.is_none_or(|e| e.next().is_some()))
            .expect("an overdue finding that can still be escalated");
        (k, rows[r.visible[k]].clone())
    };
    for _ in 0..steps {
        press(&mut h, &["j"]);
    }
    press(&mut h, &["e"]);
    type_text(&mut h, "请于三日内整改");
    press(&mut h, &["enter"]);
    let expected = before
        .escalation
        .map_or(xuncha::domain::Escalation::Notice, |e| e.next().unwrap());
    assert_eq!(
        h.app.message.as_ref().unwrap().text,
        format!("已保存：已发出{}", expected.label())
    );
    // The book sets its own deadline, now in force: the finding leaves the overdue list.
    press(&mut h, &["o", "g"]);
    let k = {
        let Screen::Register(r) = h.app.screen() else {
            panic!("register");
        };
        let rows = r.rows.as_ref().unwrap();
        let k = r
            .visible
            .iter()
            .position(|i| rows[*i].id == before.id)
            .expect("listed without the overdue filter");
        let row = &rows[r.visible[k]];
        assert_eq!(row.escalation, Some(expected));
        assert!(!row.overdue_on(h.app.now.today()));
        k
    };
    for _ in 0..k {
        press(&mut h, &["j"]);
    }
    // The detail shows who escalated, with the note.
    press(&mut h, &["enter"]);
    let Screen::Detail(d) = h.app.screen() else {
        panic!("detail");
    };
    let last = d.finding.history.last().unwrap();
    assert_eq!(last.author, INSPECTOR);
    assert_eq!(last.note, "请于三日内整改");
}

#[test]
fn the_form_records_category_interim_measures_and_funds() {
    let mut h = harness(0);
    start_inspection(&mut h, "南湖镇卫生院", "fire");
    press(&mut h, &["f"]);
    // Focus starts on 部位; 隐患类别 is five fields on, then 临时防范措施 and 整改资金.
    press(&mut h, &["tab", "tab", "tab", "tab", "tab"]);
    type_text(&mut h, "设备设施类");
    press(&mut h, &["tab"]);
    type_text(&mut h, "设专人值守，每日巡查");
    press(&mut h, &["tab"]);
    type_text(&mut h, "3000元");
    save_form(&mut h);
    let f = first_finding(&h);
    assert_eq!(f.category, "设备设施类");
    assert_eq!(f.interim, "设专人值守，每日巡查");
    assert_eq!(f.funds, "3000元");
    assert!(f.number.is_some_and(|n| n.code().starts_with("YH-2026-")));
}

#[test]
fn a_finished_inspection_refuses_a_like_p_n_f() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["F", "y", "enter"]);
    let Screen::Home(home) = h.app.screen() else {
        panic!("home after finishing: {:?}", h.app.screen());
    };
    assert!(!home.entries().is_empty());
    // Reopen the finished inspection from home's list (the first entry).
    press(&mut h, &["enter"]);
    assert!(
        matches!(h.app.screen(), Screen::Checklist(_)),
        "{:?}",
        h.app.screen()
    );
    for k in ["a", "p", "f", "n"] {
        press(&mut h, &[k]);
        assert!(
            matches!(h.app.screen(), Screen::Checklist(_)),
            "{k}: no form opens"
        );
        let msg = &h.app.message.as_ref().expect("a message").text;
        assert!(msg.contains("已结束"), "{k}: {msg}");
    }
    assert_eq!(h.tui.runner.ctx.finding_count(), 0);
}
