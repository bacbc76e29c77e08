//! Issue 14: the register's rows are read, filtered and put in order by ops on the worker, not
//! on the UI thread. The first screen shows before the whole list is read, and each filter or
//! order asks ops again. Every flow goes through the real keymap on Chinese demo data.

use crate::tui_support;
use tui_support::*;
use xuncha::domain::{FindingQuery, StatusFilter};
use xuncha::tui::app::{RegisterState, Screen};

fn register(h: &Harness) -> &RegisterState {
    match h.app.screen() {
        Screen::Register(s) => s,
        other => panic!("the register expected, got {other:?}"),
    }
}

fn shown_ids(st: &RegisterState) -> Vec<uuid::Uuid> {
    let rows = st.rows.as_ref().expect("rows loaded");
    st.visible.iter().map(|i| rows[*i].id).collect()
}

#[test]
fn the_first_screen_shows_before_the_whole_register_then_filters_come_from_ops() {
    let mut h = harness(240);
    let all = h
        .tui
        .runner
        .ctx
        .list_findings(&FindingQuery::default())
        .unwrap();
    assert!(
        all.len() > 2 * xuncha::ops::FIRST_SCREEN_ROWS,
        "{}",
        all.len()
    );

    // While the whole list is read, a frame already lists the newest hazards and says the
    // rest is coming; then the whole list shows with its count.
    let frames = press_seeing(&mut h, "r", 80, 24);
    let first = frames
        .iter()
        .find(|f| f.contains("读取中"))
        .expect("a frame with the first screen");
    let newest = all.iter().max_by_key(|f| f.id).unwrap();
    let number = newest.number.as_ref().unwrap().code();
    assert!(first.contains(&number), "{first}");
    let st = register(&h);
    assert_eq!(st.total, Some(all.len()));
    let mut newest_first: Vec<_> = all.iter().map(|f| f.id).collect();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(shown_ids(st), newest_first);
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(text.contains(&format!("（共 {} 条）", all.len())), "{text}");

    // 逾期 only: the rows are the ones ops' own query calls overdue, newest first.
    press(&mut h, &["o"]);
    let mut overdue: Vec<_> = h
        .tui
        .runner
        .ctx
        .list_findings(&FindingQuery {
            status: Some(StatusFilter::Overdue),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|f| f.id)
        .collect();
    overdue.sort_by(|a, b| b.cmp(a));
    assert!(!overdue.is_empty());
    assert_eq!(shown_ids(register(&h)), overdue);

    // By deadline: nearest first, every row with one before every row without.
    press(&mut h, &["0", "d"]);
    let st = register(&h);
    let rows = st.rows.as_ref().unwrap();
    let dues: Vec<_> = st.visible.iter().map(|i| rows[*i].due).collect();
    assert_eq!(dues.len(), all.len());
    let mut sorted = dues.clone();
    sorted.sort_by_key(|d| (d.is_none(), *d));
    assert_eq!(dues, sorted);
    assert!(dues.first().unwrap().is_some());
}

/// Issue 14: the register reads its rows once and answers every later filter and order from
/// them (no walk of the store per key); a change to the log while it is open (a hazard saved,
/// as a sync would bring one) is read at the next key, which lists the new hazard.
#[test]
fn filters_come_from_the_rows_read_once_until_the_log_changes() {
    let mut h = harness(120);
    press(&mut h, &["r"]);
    assert_eq!(h.tui.runner.register.reads, 1);
    let total = register(&h).total.expect("the whole list");
    for key in ["s", "s", "o", "d", "m", "L", "0", "d", "d"] {
        press(&mut h, &[key]);
        assert!(register(&h).total.is_some(), "after {key}");
    }
    assert_eq!(h.tui.runner.register.reads, 1, "read again for a filter");

    let (facility, department) = {
        let st = register(&h);
        let r = st.selected_row().expect("a row");
        (r.facility.to_string(), r.department.to_string())
    };
    let saved = xuncha::ops::record_finding(
        &mut h.tui.runner.ctx,
        xuncha::ops::NewFinding {
            facility: Some(facility),
            department: Some(department),
            line: Some("fire".into()),
            description: "楼梯间防火门常开，闭门器损坏".into(),
            location: "三楼".into(),
            ..Default::default()
        },
    )
    .unwrap();

    // 待整改: the saved hazard is open, so it is listed, and counted.
    press(&mut h, &["s"]);
    assert_eq!(h.tui.runner.register.reads, 2);
    let st = register(&h);
    assert_eq!(st.total, Some(total + 1));
    assert!(shown_ids(st).contains(&saved.id));
    let t = draw(&h, 120, 35);
    assert!(screen_text(&h, &t).contains("楼梯间防火门常开"));
    press(&mut h, &["s"]);
    assert!(!shown_ids(register(&h)).contains(&saved.id), "待复查");
    assert_eq!(h.tui.runner.register.reads, 2);
}

/// Leaving the register lets go of its rows (none are kept behind home); opening it again
/// reads them again, the same rows.
#[test]
fn leaving_the_register_lets_its_rows_go() {
    let mut h = harness(60);
    press(&mut h, &["r"]);
    let first = shown_ids(register(&h));
    press(&mut h, &["esc", "r"]);
    assert_eq!(h.tui.runner.register.reads, 2);
    assert_eq!(shown_ids(register(&h)), first);
}

fn hit_targets(h: &Harness) -> Vec<xuncha::search::Target> {
    match h.app.screen() {
        Screen::Search(s) => s.hits.iter().map(|hit| hit.target.clone()).collect(),
        other => panic!("search expected, got {other:?}"),
    }
}

/// Issue 14: the search index and the register's rows are not held together. Opening the
/// register after a search lets the index go, and so does closing a search opened over the
/// register, whose rows go while the search is over it; searching again finds the same hits
/// (the index file is read again) and the register comes back with the same rows.
#[test]
fn the_register_and_the_search_index_are_not_held_together() {
    let mut h = harness(60);
    press(&mut h, &["/"]);
    type_text(&mut h, "消防");
    let found = hit_targets(&h);
    assert!(!found.is_empty());
    press(&mut h, &["esc", "r"]);
    let rows = shown_ids(register(&h));
    // Nothing left to let go of: the register's load did it.
    assert!(!xuncha::ops::let_go_of_search_index(&mut h.tui.runner.ctx));

    // A search over the register: its rows go while the overlay is open and come back,
    // the same rows with the same one selected, when it closes.
    press(&mut h, &["j", "j", "j"]);
    let selected = register(&h).selected_row().expect("a row").id;
    let reads = h.tui.runner.register.reads;
    press(&mut h, &["/"]);
    let under = match h.app.stack.iter().rev().nth(1) {
        Some(Screen::Register(st)) => st,
        other => panic!("the register under the search, got {other:?}"),
    };
    assert!(
        under.rows.as_ref().is_some_and(|r| r.is_empty()),
        "rows let go"
    );
    type_text(&mut h, "消防");
    assert_eq!(hit_targets(&h), found);
    press(&mut h, &["esc"]);
    assert_eq!(shown_ids(register(&h)), rows);
    assert_eq!(register(&h).selected_row().map(|r| r.id), Some(selected));
    assert_eq!(h.tui.runner.register.reads, reads + 1);
    assert!(!xuncha::ops::let_go_of_search_index(&mut h.tui.runner.ctx));

    // Away from the register the index stays for the next search.
    press(&mut h, &["esc", "/"]);
    type_text(&mut h, "消防");
    press(&mut h, &["esc"]);
    assert!(xuncha::ops::let_go_of_search_index(&mut h.tui.runner.ctx));
}
