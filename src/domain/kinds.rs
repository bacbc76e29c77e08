//! The small enums of the domain, with their stable ids and Chinese labels.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The seven defense lines (七道防线), in the order of the city notice.
pub const CORE_LINES: [&str; 7] = [
    "epidemic",
    "hazchem",
    "energy",
    "fire",
    "construction",
    "contractor",
    "key_site",
];

/// A value that is not one of the allowed words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("「{value}」不是有效的{what}，可选：{allowed}")]
pub struct ParseError {
    pub what: &'static str,
    pub value: String,
    pub allowed: String,
}

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($var:ident => $id:literal, $zh:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($var),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// Stable id used in files, the CLI and JSON.
            pub fn id(self) -> &'static str { match self { $($name::$var => $id),+ } }
            /// The Chinese label users read.
            pub fn label(self) -> &'static str { match self { $($name::$var => $zh),+ } }
        }

        impl FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> {
                let t = s.trim();
                $( if t.eq_ignore_ascii_case($id) || t == $zh { return Ok($name::$var); } )+
                Err(ParseError {
                    what: $what,
                    value: s.to_string(),
                    allowed: [$($id),+].join("|"),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.label()) }
        }
    };
}

/// Other domain modules declare their word enums with the same macro.
pub(super) use word_enum;

word_enum!(
    /// 隐患等级.
    Severity, "隐患等级", {
        General => "general", "一般";
        Major => "major", "重大";
    }
);

word_enum!(
    /// 检查方式.
    Mode, "检查方式", {
        SelfCheck => "self", "自查";
        Supervision => "supervision", "督查";
        Mutual => "mutual", "互检";
        Unannounced => "unannounced", "四不两直";
    }
);

word_enum!(
    /// The answer to one checklist item; "pass" means safe.
    Answer, "检查结果", {
        Pass => "pass", "合格";
        Fail => "fail", "不合格";
        Na => "na", "不适用";
    }
);

word_enum!(
    /// Where a finding is in the closed loop. Verified findings are closed (销号).
    Status, "状态", {
        Open => "open", "待整改";
        Rectified => "rectified", "待复查";
        Closed => "closed", "已销号";
    }
);

word_enum!(
    /// The "四书" escalation of an unrectified overdue hazard, in order.
    Escalation, "督办文书", {
        Notice => "notice", "整改通知书";
        Interview => "interview", "警示约谈告知书";
        Referral => "referral", "责任追究建议书";
    }
);

impl Escalation {
    /// The step after this one, if any.
    pub fn next(self) -> Option<Escalation> {
        match self {
            Escalation::Notice => Some(Escalation::Interview),
            Escalation::Interview => Some(Escalation::Referral),
            Escalation::Referral => None,
        }
    }
}

impl Severity {
    /// Default days to rectify: major hazards are urgent.
    pub fn default_days(self) -> i64 {
        match self {
            Severity::General => 15,
            Severity::Major => 7,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_and_chinese_labels() {
        assert_eq!("major".parse::<Severity>().unwrap(), Severity::Major);
        assert_eq!("重大".parse::<Severity>().unwrap(), Severity::Major);
        assert_eq!("四不两直".parse::<Mode>().unwrap(), Mode::Unannounced);
        let err = "big".parse::<Severity>().unwrap_err();
        assert!(err.to_string().contains("隐患等级"));
        assert!(err.to_string().contains("general|major"));
    }

    #[test]
    fn escalation_steps_in_order() {
        assert_eq!(Escalation::Notice.next(), Some(Escalation::Interview));
        assert_eq!(Escalation::Interview.next(), Some(Escalation::Referral));
        assert_eq!(Escalation::Referral.next(), None);
    }
}
