//! The command-line flag of each input ops names. Ops names a refused field by meaning
//! ([`Input`]); only the CLI knows which flag carried it, so the CLI prints
//! 「整改时限（--due）：…」 and the TUI highlights its own form field (issue 11, point 1).

use super::Failure;
use crate::domain::{FacilityField, PlaceField};
use crate::ops::{Input, OpsError};

/// Fields ops names by a label of their own (`Input::Other`), and the flag that carries each.
const BY_LABEL: &[(&str, &str)] = &[
    ("整改期限", "--due"),
    ("督办说明", "--note"),
    ("复查情况", "--note"),
    ("裁定说明", "--note"),
    ("情况", "--note"),
    ("巡查人", "--patroller"),
    ("隐患类别", "--category"),
    ("临时防范措施", "--interim"),
    ("整改资金", "--funds"),
    ("实际完成日期", "--completed"),
    ("场所类型", "--kind"),
    ("起止日期", "--from/--to"),
    ("使用单位", "--facility"),
    ("安装地点", "--place"),
    ("储存地点", "--place"),
];

/// The flag that carries `input` on the command line, where there is one: the typed fields'
/// flags, then the labels above, then the facility and place fields (`--head-phone` for
/// 主要负责人电话).
pub fn flag(input: &Input) -> Option<String> {
    let typed = match input {
        Input::Facility => "--facility",
        Input::Department => "--department",
        Input::Mode => "--mode",
        Input::Inspectors => "--inspector",
        Input::Line => "--line",
        Input::Item => "--item",
        Input::Inspection => "--inspection",
        Input::Description => "--description",
        Input::Location => "--location",
        Input::Severity => "--severity",
        Input::Measures => "--measures",
        Input::Due => "--due",
        Input::Responsible => "--responsible",
        Input::FixedOnSpot => "--fixed-on-spot",
        Input::Rectification | Input::Note => "--note",
        Input::Reason => "--reason",
        Input::Status => "--status",
        Input::Path => "--out",
        Input::Other(label) => return other(label),
        Input::Comment | Input::Value | Input::Setup => return None,
    };
    Some(typed.to_string())
}

fn other(label: &str) -> Option<String> {
    if let Some((_, f)) = BY_LABEL.iter().find(|(l, _)| *l == label) {
        return Some(f.to_string());
    }
    let id = FacilityField::ALL
        .iter()
        .find(|f| f.label() == label)
        .map(|f| f.id())
        .or_else(|| {
            PlaceField::ALL
                .iter()
                .find(|f| f.label() == label)
                .map(|f| f.id())
        })?;
    Some(format!("--{}", id.replace('_', "-")))
}

/// 「label（--flag）：message」, or 「label：message」 for an input no flag carries.
pub fn named(input: &Input, flag: Option<&str>, message: &str) -> String {
    match flag {
        Some(flag) => format!("{}（{flag}）：{message}", input.label()),
        None => format!("{}：{message}", input.label()),
    }
}

/// `e` as a failure, with `input` named by `flag`: for a command whose flag for that field
/// differs from the usual one (`inspection answer --note` carries a 备注, `finding add --place`
/// a 部位).
pub fn naming(input: Input, flag: &'static str) -> impl Fn(OpsError) -> Failure {
    move |e| match &e {
        OpsError::Invalid { field, message } if *field == input => Failure {
            code: 2,
            message: named(field, Some(flag), message),
        },
        _ => e.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_is_named_by_its_flag() {
        assert_eq!(flag(&Input::Due).as_deref(), Some("--due"));
        assert_eq!(flag(&Input::from("复查情况")).as_deref(), Some("--note"));
        assert_eq!(
            flag(&Input::from("主要负责人电话")).as_deref(),
            Some("--head-phone")
        );
        assert_eq!(flag(&Input::from("风险等级")).as_deref(), Some("--grade"));
        assert_eq!(flag(&Input::Comment), None);
    }
}
