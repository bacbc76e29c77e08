//! Issue 11, point 7 leftovers through the built binary: every command that takes a line
//! understands its Chinese name like `finding list` does (W9), and the CLI refuses hazards and
//! answers for a finished inspection like the TUI, saying what to do instead (W10).

use crate::common;
use common::{Env, finding_add};

#[test]
fn inspection_start_and_finding_add_take_chinese_line_names() {
    let env = Env::new();
    // `inspection start --line 消防 --line 重点部位` stores the line ids.
    let insp = env.start("南湖区人民医院", &["消防", "重点部位"]);
    let shown = env.json(&["inspection", "show", &insp]);
    assert_eq!(
        shown["lines"],
        serde_json::json!(["fire", "key_site"]),
        "{shown}"
    );
    // `finding add --line 消防` and the id spelled in capitals land on the same line.
    let a = env.add_finding(&insp, "消防", "门诊大厅灭火器过期未检");
    let b = env.add_finding(&insp, " FIRE ", "三楼护士站灭火器压力不足");
    for id in [&a, &b] {
        let f = env.json(&["finding", "show", id]);
        assert_eq!(f["line"], "fire", "{f}");
    }
    // `finding list --line 消防` finds both.
    let list = env.json(&["finding", "list", "--line", "消防"]);
    assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
    // A name that names nothing is refused with the lines that exist, nothing written.
    let before = env.events();
    let err = env.fails(&finding_add(&insp, "防火", "楼梯间堆放杂物", &[]));
    assert!(err.contains("没有防线「防火」"), "{err}");
    assert!(err.contains("fire（消防）"), "{err}");
    assert!(err.contains("--line"), "{err}");
    let err = env.fails(&[
        "inspection",
        "start",
        "--facility",
        "南湖区人民医院",
        "--mode",
        "supervision",
        "--inspector",
        "王建国",
        "--line",
        "消防安全",
    ]);
    assert!(err.contains("没有防线「消防安全」"), "{err}");
    assert_eq!(env.events(), before);
}

#[test]
fn a_finished_inspection_takes_no_more_hazards_or_answers() {
    let env = Env::new();
    let insp = env.start("北苑镇卫生院", &["fire"]);
    env.add_finding(&insp, "fire", "疏散通道堆放杂物");
    env.ok(&["inspection", "finish", &insp]);
    let before = env.events();
    let err = env.fails(&finding_add(
        &insp,
        "fire",
        "住院部楼梯间堆放氧气瓶2个",
        &[],
    ));
    assert!(err.contains("该检查已结束，不能再登记隐患"), "{err}");
    assert!(err.contains("新开一次检查"), "what to do: {err}");
    let err = env.fails(&["inspection", "answer", &insp, "fire.extinguisher", "pass"]);
    assert!(err.contains("该检查已结束，不能再作答"), "{err}");
    assert!(err.contains("新开一次检查"), "what to do: {err}");
    assert_eq!(env.events(), before, "nothing written");
    let list = env.json(&["finding", "list"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
}
