//! One document over several hazards from the TUI register (issue 13): Space marks hazards of
//! one facility, N issues one 整改通知书 over them under one 文号 and prints it as HTML; hazards
//! of two facilities are refused before anything is written. Through the real keymap, update
//! and effect runner; the register with marks is snapshotted at 80x24.

use crate::tui_support;

use tui_support::*;
use xuncha::catalog::Catalog;
use xuncha::domain::Mode;
use xuncha::ops::{self, Ctx, NewFinding, NewInspection};
use xuncha::store::Store;
use xuncha::tui::app::{Overlay, Screen};

const A: &str = "东城区人民医院";
const B: &str = "西城区妇幼保健院";

/// One hazard at `b`, then three at `a` (the register lists newest first: a's three on top).
fn scene() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(&dir.path().join("data")).unwrap();
        let mut ctx = Ctx::new(store, Catalog::builtin(), now(), INSPECTOR);
        let mut add = |facility: &str, descriptions: &[&str]| {
            let insp = ops::start_inspection(
                &mut ctx,
                NewInspection {
                    facility: facility.into(),
                    mode: Some(Mode::Supervision),
                    inspectors: vec![INSPECTOR.into()],
                    lines: vec!["fire".into()],
                    ..Default::default()
                },
            )
            .unwrap();
            for d in descriptions {
                ops::record_finding(
                    &mut ctx,
                    NewFinding {
                        inspection: Some(insp.id),
                        line: Some("fire".into()),
                        description: d.to_string(),
                        measures: "立即整改".into(),
                        interim: "专人看守".into(),
                        ..Default::default()
                    },
                )
                .unwrap();
            }
        };
        add(B, &["产科病房灭火器过期"]);
        add(
            A,
            &[
                "门诊楼安全出口上锁",
                "住院部疏散指示灯不亮",
                "配电室堆放杂物",
            ],
        );
    }
    open(dir, INSPECTOR)
}

fn message(h: &Harness) -> String {
    h.app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn three_marked_hazards_get_one_notice_printed() {
    let mut h = scene();
    let out = tempfile::tempdir().unwrap();
    h.tui.runner.config.export_dir = Some(out.path().to_path_buf());
    press(&mut h, &["r"]);
    assert!(matches!(h.app.screen(), Screen::Register(_)));
    press(&mut h, &["space", "space", "space"]);
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("register_marked_80x24", screen_text(&h, &t));
    let text = screen_text(&h, &t);
    assert_eq!(text.matches("[选]").count(), 3, "{text}");
    assert!(text.contains("已标记 3 条"), "{text}");

    press(&mut h, &["N"]);
    let Some(Overlay::Prompt(p)) = &h.app.overlay else {
        panic!("N opens the prompt; message: {}", message(&h));
    };
    assert!(
        p.title.contains("发出一份整改通知书") && p.title.contains(A) && p.title.contains("3 条"),
        "{}",
        p.title
    );
    type_text(&mut h, "三处隐患合并下达");
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none(), "{}", message(&h));
    let msg = message(&h);
    assert!(
        msg.starts_with("已发出整改通知书（巡查整〔2026〕") && msg.contains("列隐患 3 条"),
        "{msg}"
    );

    // One file, one 文号, the three hazards of A and not B's.
    let files: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let html = std::fs::read_to_string(&files[0]).unwrap();
    for d in [
        "门诊楼安全出口上锁",
        "住院部疏散指示灯不亮",
        "配电室堆放杂物",
    ] {
        assert!(html.contains(d), "{d} listed");
    }
    assert!(!html.contains("产科病房灭火器过期"));
    assert!(html.contains("（共3项）"));

    // The register shows the step at once, marks cleared; the store agrees.
    let Screen::Register(st) = h.app.screen() else {
        panic!()
    };
    assert!(st.marked.is_empty());
    let rows = st.rows.as_ref().unwrap();
    let issued: Vec<_> = rows.iter().filter(|r| r.escalation.is_some()).collect();
    assert_eq!(issued.len(), 3);
    assert!(issued.iter().all(|r| &*r.facility == A));
    let ctx = &h.tui.runner.ctx;
    let wenhao: Vec<String> = issued
        .iter()
        .map(|r| {
            let f = ctx.finding_by_id(r.id).unwrap();
            f.escalations[0].issued.as_ref().unwrap().wenhao.clone()
        })
        .collect();
    assert!(wenhao.iter().all(|w| *w == wenhao[0]), "{wenhao:?}");
}

#[test]
fn hazards_of_two_facilities_are_refused_before_anything_is_written() {
    let mut h = scene();
    press(&mut h, &["r", "space", "G", "space", "N"]);
    assert!(h.app.overlay.is_none());
    let msg = message(&h);
    assert!(msg.contains("一份文书只能发给一个单位"), "{msg}");
    let Screen::Register(st) = h.app.screen() else {
        panic!()
    };
    assert!(
        st.rows
            .as_ref()
            .unwrap()
            .iter()
            .all(|r| r.escalation.is_none())
    );
    // Unmarking one leaves one facility: N then offers the document for the other.
    press(&mut h, &["space"]);
    press(&mut h, &["g", "space", "N"]);
    let msg = message(&h);
    assert!(!msg.contains("一个单位"), "{msg}");
}
