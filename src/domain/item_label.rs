//! What a hazard was checked against, named as its inspection's checklist version names it
//! (issue 15: checklist versions travel with the record).

use serde::{Deserialize, Serialize};

/// The line name and the item's check text of a hazard, from the checklist version its
/// inspection used (recorded in the log by content hash), not from today's file: a form or a
/// detail printed years later names what the inspector actually checked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemLabel {
    /// The line's Chinese name (消防); the line id when no version of it is known.
    pub line: String,
    /// The item's check text; None for a hazard recorded outside the checklist. An item id
    /// that no known version holds is given as the id itself.
    pub check: Option<String>,
}

impl ItemLabel {
    /// One line for forms: 「检查项：<check>（<line>）」, or 「检查表外发现（<line>）」.
    pub fn text(&self) -> String {
        match &self.check {
            Some(c) => format!("检查项：{c}（{}）", self.line),
            None => format!("检查表外发现（{}）", self.line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_names_item_and_line() {
        let l = ItemLabel {
            line: "消防".into(),
            check: Some("疏散通道畅通".into()),
        };
        assert_eq!(l.text(), "检查项：疏散通道畅通（消防）");
        let ad_hoc = ItemLabel {
            line: "消防".into(),
            check: None,
        };
        assert_eq!(ad_hoc.text(), "检查表外发现（消防）");
    }
}
