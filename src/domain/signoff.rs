//! Sign-offs by name (issue 18, point 4): the facility's responsible person who receives a
//! notice (签收) and reports its rectification (整改报告), and the 复查人 who checks it, each by
//! name and role. The account that typed the step is kept beside it: a person signing on
//! paper is not always the one at the keyboard.

use super::{EventRef, Stamp};
use serde::{Deserialize, Serialize};

/// A person who signs a step: name and role (职务), as written on the paper form. The time is
/// the time of the event that records it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Signer {
    pub name: String,
    pub role: String,
}

impl Signer {
    /// 「张三（后勤科科长）」, or the name alone when no role was given.
    pub fn spoken(&self) -> String {
        if self.role.is_empty() {
            self.name.clone()
        } else {
            format!("{}（{}）", self.name, self.role)
        }
    }

    /// Both texts, for escaping text from other devices before it is shown.
    pub fn texts_mut(&mut self) -> [&mut String; 2] {
        [&mut self.name, &mut self.role]
    }
}

/// One receipt (签收) of a 四书 document by the facility. A document received twice (two
/// devices recorded it without seeing each other) keeps both receipts: every step a person
/// took stays visible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub by: Signer,
    /// When it was recorded (the writer's clock and offset).
    pub at: Stamp,
    /// The account that recorded it.
    pub author: String,
    pub event: EventRef,
    /// 整改承诺 (处理意见 for a 建议书) written on the 回执, when given.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub promise: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spoken_form() {
        let s = Signer {
            name: "张三".into(),
            role: "后勤科科长".into(),
        };
        assert_eq!(s.spoken(), "张三（后勤科科长）");
        let bare = Signer {
            name: "李四".into(),
            role: String::new(),
        };
        assert_eq!(bare.spoken(), "李四");
    }
}
