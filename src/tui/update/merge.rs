//! Merging two spellings of one facility from the facility browser (issue 16 point 3): `m` on
//! a row asks which registered facility it is, then says what will change and asks to
//! confirm; the merge is the CLI's `facility merge` (`ops::merge_facilities`), one event that
//! stays in the log, and the facility lists the merged spelling as 其他写法.

use super::{Effect, say};
use crate::ops::{FacilityRow, likeness};
use crate::tui::app::{App, MessageKind, Overlay};
use crate::tui::choice::{Choice, ChoiceKind};
use uuid::Uuid;

/// At most this many registered facilities are offered as targets, the likeliest first.
const TARGETS: usize = 8;

/// The spelling a row stands for in a merge: its registered id, or its typed name.
fn spelling_of(r: &FacilityRow) -> String {
    match r.registered {
        Some(id) => id.simple().to_string(),
        None => r.name.clone(),
    }
}

/// Chars two names share (each char of `a` counted once): how alike two spellings look.
fn shared(a: &str, b: &str) -> usize {
    let mut seen = std::collections::BTreeSet::new();
    a.chars()
        .filter(|c| seen.insert(*c) && b.contains(*c))
        .count()
}

/// `m` on `row`: asks which registered facility it merges into (the most alike names first).
pub fn open(app: &mut App, row: Option<FacilityRow>, rows: &[FacilityRow]) -> Vec<Effect> {
    let Some(row) = row else {
        return vec![];
    };
    let mut targets: Vec<&FacilityRow> = rows
        .iter()
        .filter(|r| r.registered.is_some() && r.registered != row.registered)
        .collect();
    if targets.is_empty() {
        say(
            app,
            MessageKind::Info,
            "没有可并入的已登记单位：先按 a 登记，或在首页 f 的单位台账中登记",
        );
        return vec![];
    }
    // Most alike first: characters shared in order (城关人民医院 ~ 城关区人民医院), then any.
    targets.sort_by(|a, b| {
        let by = |r: &FacilityRow| (likeness(&row.name, &r.name), shared(&row.name, &r.name));
        let (x, y) = (by(a), by(b));
        y.0.total_cmp(&x.0).then(y.1.cmp(&x.1))
    });
    let registered = targets.len();
    targets.truncate(TARGETS);
    // Nothing left out without a word: the list says when it holds only the likeliest.
    let text = if registered > TARGETS {
        format!("合并后其检查和隐患计入所选单位；列出最相近的 {TARGETS} 家，共 {registered} 家")
    } else {
        "同一单位的另一种写法：合并后其检查和隐患计入所选单位".to_string()
    };
    app.overlay = Some(Overlay::Choice(Choice {
        kind: ChoiceKind::MergeInto {
            other: spelling_of(&row),
            targets: targets.iter().filter_map(|r| r.registered).collect(),
        },
        title: format!(" 「{}」并入哪个单位？ ", row.name),
        text,
        options: targets
            .iter()
            .map(|r| format!("{}（{} 次检查）", r.name, r.inspections))
            .collect(),
        selected: 0,
    }));
    vec![]
}

/// A target was picked: say what the merge changes, and ask.
pub fn target_chosen(app: &mut App, other: &str, targets: &[Uuid], selected: usize) -> Vec<Effect> {
    let Some(keep) = targets.get(selected).copied() else {
        return vec![];
    };
    let crate::tui::app::Screen::FacilityList(st) = app.screen() else {
        return vec![];
    };
    let rows = st.rows.clone().unwrap_or_default();
    let find = |f: &dyn Fn(&FacilityRow) -> bool| rows.iter().find(|r| f(r)).cloned();
    let (Some(from), Some(into)) = (
        find(&|r| spelling_of(r) == other),
        find(&|r| r.registered == Some(keep)),
    ) else {
        return vec![];
    };
    let hazards = from.open + from.rectified + from.closed;
    app.overlay = Some(Overlay::Choice(Choice {
        kind: ChoiceKind::MergeConfirm {
            keep,
            other: other.to_string(),
        },
        title: " 确认合并 ".into(),
        text: format!(
            "{} 次检查、{hazards} 条隐患改计入「{}」，原记录不改",
            from.inspections, into.name
        ),
        options: vec![
            format!("合并：「{}」并入「{}」", from.name, into.name),
            "取消".into(),
        ],
        selected: 0,
    }));
    vec![]
}
