//! Several inspectors, one truth (issue 10), through the built binary: two inspectors and the
//! office clerk with one shared folder. A 复查 pass on one laptop and a fail on another are a
//! conflict after sync, the hazard stays open, both steps are shown, and the office settles it.
//! Someone else's inspection is answered only after joining it; two different answers to one
//! item are a conflict on that item.

use crate::common;
use common::Env;
use serde_json::Value;
use std::path::Path;

struct Person {
    env: Env,
    name: &'static str,
}

impl Person {
    fn new(name: &'static str) -> Person {
        Person {
            env: Env::new(),
            name,
        }
    }

    fn run(&self, now: &str, args: &[&str]) -> std::process::Output {
        self.env
            .cmd(args)
            .env("XUNCHA_USER", self.name)
            .env("XUNCHA_NOW", now)
            .output()
            .unwrap()
    }

    fn ok(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert!(
            out.status.success(),
            "{} {args:?}: {}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, now: &str, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.ok(now, &a)).unwrap()
    }

    fn fails(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert_eq!(out.status.code(), Some(2), "{args:?} should fail");
        String::from_utf8(out.stderr).unwrap()
    }

    fn sync(&self, now: &str, dir: &Path) {
        self.ok(now, &["sync", "--dir", dir.to_str().unwrap()]);
    }
}

const DAY1: &str = "2026-12-01T09:00:00+08:00";
const DAY2: &str = "2026-12-10T09:00:00+08:00";
const PASS: &str = "2026-12-15T09:00:00+08:00";
const FAIL: &str = "2026-12-15T09:05:00+08:00";
const LATER: &str = "2026-12-16T09:00:00+08:00";

#[test]
fn a_pass_and_a_fail_that_crossed_keep_the_hazard_open_until_settled() {
    let a = Person::new("张建国");
    let b = Person::new("李明");
    let office = Person::new("王芳");
    let usb = tempfile::tempdir().unwrap();
    let usb = usb.path();

    let insp = a
        .ok(
            DAY1,
            &[
                "inspection",
                "start",
                "--facility",
                "某某区人民医院",
                "--mode",
                "supervision",
                "--inspector",
                "张建国",
                "--inspector",
                "李明",
                "--line",
                "fire",
            ],
        )
        .trim()
        .to_string();
    let id = a
        .ok(
            DAY1,
            &[
                "finding",
                "add",
                "--inspection",
                &insp,
                "--item",
                "fire.alarm-system",
                "--description",
                "火灾报警控制器有屏蔽点位",
                "--due",
                "2026-12-20",
            ],
        )
        .trim()
        .to_string();
    a.ok(DAY2, &["finding", "rectify", &id, "--note", "已解除屏蔽"]);
    for p in [&a, &b, &office] {
        p.sync(DAY2, usb);
    }

    a.ok(PASS, &["finding", "verify", &id, "--pass"]);
    b.ok(
        FAIL,
        &[
            "finding",
            "verify",
            &id,
            "--fail",
            "--note",
            "仍有3个点位屏蔽",
        ],
    );
    for p in [&a, &b, &office, &a, &b] {
        p.sync(LATER, usb);
    }

    for p in [&a, &b, &office] {
        let f = p.json(LATER, &["finding", "show", &id]);
        assert_eq!(f["status"], "open", "{}: not closed", p.name);
        assert_eq!(f["step_conflicts"].as_array().unwrap().len(), 1);
        let list = p.json(LATER, &["finding", "list", "--conflicted"]);
        assert_eq!(list.as_array().unwrap().len(), 1, "{}", p.name);
        assert_eq!(list[0]["conflicted"], true);
        let text = p.ok(LATER, &["finding", "show", &id]);
        for want in [
            "冲突步骤",
            "[1] 2026-12-15 09:00  张建国  复查通过（暂不生效）",
            "[2] 2026-12-15 09:05  李明  复查不通过：仍有3个点位屏蔽",
            "finding settle",
        ] {
            assert!(text.contains(want), "{}: missing {want}\n{text}", p.name);
        }
    }

    // The office checked on site and keeps the pass: closed everywhere after sync, and B's
    // step stays in the history with its reason.
    let err = office.fails(LATER, &["finding", "settle", &id, "--keep", "3"]);
    assert!(err.contains("1 到 2"), "{err}");
    let f = office.json(
        LATER,
        &[
            "finding",
            "settle",
            &id,
            "--keep",
            "1",
            "--note",
            "现场复核已解除",
        ],
    );
    assert_eq!(f["status"], "closed");
    assert_eq!(f["conflicted"], false);
    for p in [&office, &a, &b] {
        p.sync(LATER, usb);
    }
    for p in [&a, &b, &office] {
        let text = p.ok(LATER, &["finding", "show", &id]);
        assert!(text.contains("状态：已销号"), "{text}");
        assert!(
            text.contains("李明  复查不通过（经裁定不采用）：仍有3个点位屏蔽"),
            "{text}"
        );
        assert!(text.contains("王芳  裁定冲突：现场复核已解除"), "{text}");
        assert!(
            p.json(LATER, &["finding", "list", "--conflicted"])
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
}

#[test]
fn answering_someone_elses_inspection_joins_it_and_crossing_answers_conflict() {
    let a = Person::new("张建国");
    let b = Person::new("李明");
    let usb = tempfile::tempdir().unwrap();
    let usb = usb.path();
    let insp = b
        .ok(
            DAY1,
            &[
                "inspection",
                "start",
                "--facility",
                "某某区人民医院",
                "--mode",
                "self",
                "--inspector",
                "李明",
                "--line",
                "energy",
            ],
        )
        .trim()
        .to_string();
    b.sync(DAY1, usb);
    a.sync(DAY1, usb);

    let before = a.env.events();
    let err = a.fails(
        DAY2,
        &["inspection", "answer", &insp, "energy.old-wiring", "pass"],
    );
    assert!(
        err.contains("该检查由 李明 进行") && err.contains("--join"),
        "{err}"
    );
    assert_eq!(a.env.events(), before, "nothing saved");

    a.ok(
        DAY2,
        &[
            "inspection",
            "answer",
            &insp,
            "energy.old-wiring",
            "pass",
            "--join",
        ],
    );
    b.ok(
        FAIL,
        &[
            "inspection",
            "answer",
            &insp,
            "energy.old-wiring",
            "na",
            "--note",
            "本楼为新建建筑",
        ],
    );
    for p in [&a, &b, &a] {
        p.sync(LATER, usb);
    }
    for p in [&a, &b] {
        let i = p.json(LATER, &["inspection", "show", &insp]);
        assert_eq!(i["inspectors"], serde_json::json!(["李明", "张建国"]));
        let c = &i["answer_conflicts"]["energy.old-wiring"];
        let answers: Vec<&str> = c
            .as_array()
            .unwrap_or_else(|| panic!("{}: no conflict: {i}", p.name))
            .iter()
            .map(|x| x["answer"].as_str().unwrap())
            .collect();
        assert_eq!(answers, ["na", "pass"], "newest first");
        let text = p.ok(LATER, &["inspection", "show", &insp]);
        assert!(text.contains("⚠ 冲突"), "{text}");
        assert!(
            text.contains("张建国：合格") && text.contains("李明：不适用"),
            "{text}"
        );
    }
    // Answering again (having seen both) settles it.
    b.ok(
        LATER,
        &["inspection", "answer", &insp, "energy.old-wiring", "fail"],
    );
    let i = b.json(LATER, &["inspection", "show", &insp]);
    assert!(
        i["answer_conflicts"]
            .as_object()
            .is_none_or(|m| m.is_empty()),
        "{i}"
    );
    // The text shows what crossed and what settled it (every step stays visible).
    let text = b.ok(LATER, &["inspection", "show", &insp]);
    let line = text
        .lines()
        .find(|l| l.contains("已裁定的回答冲突"))
        .unwrap_or_else(|| panic!("no settled line: {text}"));
    assert!(
        line.contains("张建国：合格")
            && line.contains("李明：不适用（本楼为新建建筑）")
            && line.contains("；裁定：")
            && line.ends_with("李明：不合格"),
        "{line}"
    );
    assert!(!text.contains("⚠ 冲突"), "{text}");

    // Finishing someone else's inspection needs joining it too.
    let c = Person::new("王芳");
    c.sync(LATER, usb);
    let before = c.env.events();
    let err = c.fails(LATER, &["inspection", "finish", &insp]);
    assert!(
        err.contains("该检查由 李明、张建国 进行") && err.contains("--join"),
        "{err}"
    );
    assert_eq!(c.env.events(), before, "nothing saved");
    c.ok(LATER, &["inspection", "finish", &insp, "--join"]);
    let i = c.json(LATER, &["inspection", "show", &insp]);
    assert!(i["finished_at"].is_string(), "{i}");
    assert_eq!(
        i["inspectors"],
        serde_json::json!(["李明", "张建国", "王芳"])
    );
}
