//! The search overlay through the real keymap, `update` and runner (its index built on the first
//! `/`, kept current as findings are saved): Chinese and pinyin queries, Enter on an item in a
//! checklist and on a finding; snapshots with highlights.

use crate::tui_support;

use tui_support::flow::*;
use tui_support::*;
use xuncha::search::Target;
use xuncha::tui::app::Screen;
use xuncha::tui::theme::Role;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snap(h: &Harness, name: &str) {
    for (w, ht) in SIZES {
        let t = draw(h, w, ht);
        insta::assert_snapshot!(format!("{name}_{w}x{ht}"), screen_text(h, &t));
    }
}

fn hits(h: &Harness) -> &[xuncha::search::Hit] {
    match h.app.screen() {
        Screen::Search(s) => &s.hits,
        other => panic!("search expected, got {other:?}"),
    }
}

#[test]
fn pds_then_enter_moves_the_checklist_to_a_power_room_item() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "key_site");
    press(&mut h, &["/"]);
    assert!(matches!(h.app.screen(), Screen::Search(_)));
    type_text(&mut h, "pds");
    let first = hits(&h).first().expect("pds finds something").clone();
    let Target::Item(item) = &first.target else {
        panic!("an item first: {first:?}");
    };
    assert!(
        first.title.contains("配电室") || first.subtitle.contains("配电室"),
        "{first:?}"
    );
    press(&mut h, &["enter"]);
    let Screen::Checklist(c) = h.app.screen() else {
        panic!("back on the checklist");
    };
    assert_eq!(&c.current().unwrap().id, item);
    // One key answers it.
    press(&mut h, &["p"]);
    let Screen::Checklist(c) = h.app.screen() else {
        panic!()
    };
    assert!(c.data.inspection.answers.contains_key(item));
}

#[test]
fn results_follow_every_keystroke_and_a_saved_finding_is_found() {
    let mut h = harness(0);
    start_inspection(&mut h, "南湖镇卫生院", "fire");
    // A first search builds the index; the finding saved after it must be found too.
    press(&mut h, &["/"]);
    type_text(&mut h, "值班室");
    let before = hits(&h).len();
    press(&mut h, &["esc", "f"]);
    // Focus starts on 部位: two up to the description, made unique.
    press(&mut h, &["up", "up", "ctrl-u"]);
    type_text(&mut h, "值班室灭火器压力不足");
    save_form(&mut h);
    press(&mut h, &["/"]);
    type_text(&mut h, "值班室");
    let n1 = hits(&h).len();
    assert_eq!(n1, before + 1);
    let k = hits(&h)
        .iter()
        .position(|x| matches!(x.target, Target::Finding(_)) && x.title == "值班室灭火器压力不足")
        .expect("the new finding is in the results");
    // One more keystroke narrows (or keeps) the results at once.
    type_text(&mut h, "x");
    assert!(hits(&h).len() <= n1);
    press(&mut h, &["backspace"]);
    assert_eq!(hits(&h).len(), n1);
    for _ in 0..k {
        press(&mut h, &["down"]);
    }
    press(&mut h, &["enter"]);
    let Screen::Detail(d) = h.app.screen() else {
        panic!("a finding opens its detail: {:?}", h.app.screen());
    };
    assert_eq!(d.finding.description, "值班室灭火器压力不足");
    // Esc comes back to the query and its results, not to home (D24).
    press(&mut h, &["esc"]);
    let Screen::Search(st) = h.app.screen() else {
        panic!("back to the search: {:?}", h.app.screen());
    };
    assert_eq!(st.input.text(), "值班室");
    assert_eq!(st.selected, k);
    assert_eq!(hits(&h).len(), n1);
}

#[test]
fn snapshots_chinese_and_pinyin_queries_with_highlights() {
    let mut h = harness(300);
    press(&mut h, &["/"]);
    snap(&h, "search_empty");
    type_text(&mut h, "mhq");
    snap(&h, "search_pinyin_mhq");
    press(&mut h, &["ctrl-u"]);
    type_text(&mut h, "配电室 status:overdue");
    snap(&h, "search_chinese_overdue");
    assert!(hits(&h).iter().all(|x| x.overdue));
    press(&mut h, &["ctrl-u"]);
    type_text(&mut h, "line:nowhere");
    snap(&h, "search_bad_filter");

    // Matched chars carry the highlight, cell by cell: "mhq" marks 灭, 火, 器.
    press(&mut h, &["ctrl-u"]);
    type_text(&mut h, "mhq");
    let t = draw(&h, 120, 40);
    let hit = &hits(&h)[1];
    let (x, y) = find(&t, &hit.title).expect("the second hit's title on screen");
    let key = h.tui.theme.get(Role::Key);
    let buf = t.backend().buffer();
    let mut col = x;
    for (i, c) in hit.title.chars().enumerate() {
        let st = buf[(col, y)].style();
        assert_eq!(
            st.fg == key.fg,
            hit.title_indices.contains(&i),
            "char {i} {c} of {}",
            hit.title
        );
        col += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) as u16;
    }
}

#[test]
fn new_screens_never_panic_at_tiny_sizes() {
    let mut h = harness(30);
    let sizes = [(1, 1), (2, 2), (10, 3), (20, 5), (40, 12), (79, 23)];
    let steps: &[&[&str]] = &[&["/"], &["m", "h", "q"], &["esc", "s"], &["esc", "r", "E"]];
    for step in steps {
        press(&mut h, step);
        for (w, ht) in sizes {
            draw(&h, w, ht);
        }
    }
    type_text(&mut h, "台账");
    for (w, ht) in sizes {
        draw(&h, w, ht);
    }
}

#[test]
fn counts_beyond_the_page_say_so() {
    let mut h = harness(300);
    press(&mut h, &["/"]);
    type_text(&mut h, "h");
    assert!(hits(&h).len() > 50, "a broad query fills the page and more");
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(text.contains("（1/50+）"), "{text}");
    for _ in 0..60 {
        press(&mut h, &["down"]);
    }
    let Screen::Search(s) = h.app.screen() else {
        panic!()
    };
    assert_eq!(s.selected, 49, "the selection stays on the page");
}
