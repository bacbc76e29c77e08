//! Dates and values as people type them on the command line (issue 10 point 6).

use crate::common;
use common::{Env, finding_add};

#[test]
fn due_dates_in_the_forms_people_type_and_values_that_begin_with_a_dash() {
    let env = Env::new(); // today is 2026-11-22
    let insp = env.start("北苑镇卫生院", &["fire"]);
    let add = |due: &str, measures: &str| {
        env.run(&[
            "--json",
            "finding",
            "add",
            "--inspection",
            &insp,
            "--line",
            "fire",
            "--description",
            "疏散通道堆放杂物",
            "--due",
            due,
            "--measures",
            measures,
            "--location",
            "-1层库房",
        ])
    };
    for (due, want) in [
        ("2026/12/20", "2026-12-20"),
        ("20261220", "2026-12-20"),
        ("2026年12月20日", "2026-12-20"),
        ("3月20日", "2027-03-20"),
        ("２０２６．１２．２０", "2026-12-20"),
        ("+7天", "2026-11-29"),
        ("+2周", "2026-12-06"),
    ] {
        let out = add(due, "-更换损坏的应急灯");
        assert!(
            out.status.success(),
            "{due}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let f: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(f["due"], want, "{due}");
        assert_eq!(f["measures"], "-更换损坏的应急灯");
        assert_eq!(f["location"], "-1层库房");
    }
    let before = env.events();
    for (due, msg) in [
        ("26-12-20", "年份只有两位，请写四位年份"),
        ("2026-11-21", "早于发现日期 2026-11-22"),
        ("12月40日", "不是有效的日期"),
    ] {
        let err = env.fails(&finding_add(&insp, "fire", "x", &["--due", due]));
        assert!(
            err.contains("整改时限") && err.contains(msg),
            "{due}: {err}"
        );
    }
    assert_eq!(env.events(), before, "nothing saved");
}
