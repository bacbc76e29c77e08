//! Which input a refusal is about. Ops names the field by meaning; each face names it its own
//! way: the CLI as its flag (`--due`), the TUI as the form field it highlights.

/// A field a user fills in, as ops validation names it in [`super::OpsError::Invalid`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Facility,
    Department,
    Mode,
    Inspectors,
    Line,
    Item,
    Inspection,
    Description,
    Location,
    Severity,
    Measures,
    Due,
    Responsible,
    FixedOnSpot,
    /// What was done to rectify (整改落实情况).
    Rectification,
    /// A note on a lifecycle step (failed verification, escalation).
    Note,
    Comment,
    Reason,
    /// A value set through `finding edit FIELD VALUE`.
    Value,
    Status,
    /// The config file, the clock or another start-up input.
    Setup,
    /// A folder or file path (sync folder, export file).
    Path,
    /// Anything else, named in Chinese as given.
    Other(String),
}

impl Input {
    /// The Chinese name a person reads (the form's label).
    pub fn label(&self) -> &str {
        match self {
            Input::Facility => "单位",
            Input::Department => "科室",
            Input::Mode => "检查方式",
            Input::Inspectors => "检查人员",
            Input::Line => "防线",
            Input::Item => "检查项",
            Input::Inspection => "检查",
            Input::Description => "问题隐患",
            Input::Location => "部位",
            Input::Severity => "隐患等级",
            Input::Measures => "整改措施",
            Input::Due => "整改时限",
            Input::Responsible => "责任单位及人员",
            Input::FixedOnSpot => "立查立改",
            Input::Rectification => "整改落实情况",
            Input::Note => "说明",
            Input::Comment => "备注",
            Input::Reason => "撤销原因",
            Input::Value => "值",
            Input::Status => "状态",
            Input::Setup => "启动设置",
            Input::Path => "路径",
            Input::Other(s) => s,
        }
    }

    /// The command-line flag that carries this input, where there is one.
    pub fn flag(&self) -> Option<&'static str> {
        Some(match self {
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
            _ => return None,
        })
    }

    const ALL: [Input; 22] = [
        Input::Facility,
        Input::Department,
        Input::Mode,
        Input::Inspectors,
        Input::Line,
        Input::Item,
        Input::Inspection,
        Input::Description,
        Input::Location,
        Input::Severity,
        Input::Measures,
        Input::Due,
        Input::Responsible,
        Input::FixedOnSpot,
        Input::Rectification,
        Input::Note,
        Input::Comment,
        Input::Reason,
        Input::Value,
        Input::Status,
        Input::Setup,
        Input::Path,
    ];
}

/// Reads the older spelling `"整改时限（--due）"` (label, flag in brackets) or a bare label, so
/// call sites written before the typed field keep naming the right input.
impl From<&str> for Input {
    fn from(text: &str) -> Input {
        let (label, flag) = match text.split_once('（') {
            Some((l, rest)) => (l, rest.trim_end_matches('）')),
            None => (text, ""),
        };
        let by_flag = Input::ALL
            .iter()
            .find(|i| !flag.is_empty() && i.flag() == Some(flag));
        let by_label = Input::ALL.iter().find(|i| i.label() == label);
        match (by_label, by_flag) {
            (Some(i), _) | (None, Some(i)) => i.clone(),
            _ => Input::Other(label.to_string()),
        }
    }
}

impl From<String> for Input {
    fn from(text: String) -> Input {
        Input::from(text.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_spellings_name_the_typed_field() {
        assert_eq!(Input::from("整改时限（--due）"), Input::Due);
        assert_eq!(Input::from("问题隐患（--description）"), Input::Description);
        assert_eq!(Input::from("单位（--facility）"), Input::Facility);
        assert_eq!(Input::from("撤销原因"), Input::Reason);
        assert_eq!(Input::from("整改落实情况（--note）"), Input::Rectification);
        assert_eq!(Input::from("单位（--facility）").flag(), Some("--facility"));
        assert_eq!(Input::from("配置文件"), Input::Other("配置文件".into()));
    }
}
