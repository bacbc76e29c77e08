//! Which input a refusal is about. Ops names the field by meaning; each face names it its own
//! way: the CLI as its flag (`--due`, in `cli::flags`), the TUI as the form field it
//! highlights.

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

/// A field named by its Chinese label: the typed field with that label, else `Other` with
/// the text as given. Ops names fields by meaning only; the CLI's flag for a field is the CLI's
/// business (`cli::flags`), so no ops message names a command-line flag.
impl From<&str> for Input {
    fn from(text: &str) -> Input {
        Input::ALL
            .iter()
            .find(|i| i.label() == text)
            .cloned()
            .unwrap_or_else(|| Input::Other(text.to_string()))
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
    fn labels_name_the_typed_field() {
        assert_eq!(Input::from("整改时限"), Input::Due);
        assert_eq!(Input::from("问题隐患"), Input::Description);
        assert_eq!(Input::from("单位"), Input::Facility);
        assert_eq!(Input::from("撤销原因"), Input::Reason);
        assert_eq!(Input::from("整改落实情况"), Input::Rectification);
        assert_eq!(Input::from("配置文件"), Input::Other("配置文件".into()));
    }
}
