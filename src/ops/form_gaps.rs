//! The fields of a new hazard that the office's printed forms need but a person may leave
//! blank on purpose (to save quickly on site): each face names them before saving, so a blank
//! column in the 整改通知书, the 整改表 or the ledger is never a surprise.

use super::{Input, NewFinding};

/// The inputs of `new` that are blank although the office's forms print them, in form order.
///
/// Which fields, and where the rule comes from:
/// - 部位 (`location`): the 整改表 prints 科室/部位 for each hazard, and a rectification can
///   only be checked where it was found;
/// - 整改措施 (`measures`): seed 000 附件2 (整改制度措施) and seed 001's form (整改措施与意见);
///   blank only for a hazard outside the checklist, since ops fills an item's own measures;
/// - 责任单位及人员 (`responsible`): seed 000 附件2 (责任单位（部门）及人员), printed on the
///   notice and in the ledger.
///
/// 问题隐患 and 整改时限 are not listed: ops refuses a blank description and fills a blank
/// deadline from the severity (none for 立查立改).
pub fn blank_form_fields(new: &NewFinding) -> Vec<Input> {
    let blank = |s: &str| s.trim().is_empty();
    let item_less = new.item_id.as_deref().is_none_or(blank);
    let mut out = Vec::new();
    if blank(&new.location) {
        out.push(Input::Location);
    }
    if blank(&new.measures) && item_less {
        out.push(Input::Measures);
    }
    if blank(&new.responsible) {
        out.push(Input::Responsible);
    }
    out
}

/// One Chinese sentence naming `fields` by `name` (a form label or a flag), saying what stays
/// blank: 「未填 部位、责任单位及人员：整改通知书、整改表和台账里这几栏将空着」.
pub fn blank_form_fields_text(fields: &[Input], name: impl Fn(&Input) -> String) -> String {
    let names: Vec<String> = fields.iter().map(name).collect();
    let these = if fields.len() == 1 {
        "这一栏"
    } else {
        "这几栏"
    };
    format!(
        "未填 {}：整改通知书、整改表和台账里{these}将空着",
        names.join("、")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(item: Option<&str>, location: &str, measures: &str, responsible: &str) -> NewFinding {
        NewFinding {
            item_id: item.map(str::to_string),
            location: location.into(),
            measures: measures.into(),
            responsible: responsible.into(),
            description: "灭火器压力不足".into(),
            ..Default::default()
        }
    }

    #[test]
    fn blank_location_and_responsible_are_named_in_form_order() {
        let gaps = blank_form_fields(&new(Some("fire.extinguisher"), " ", "", ""));
        assert_eq!(gaps, vec![Input::Location, Input::Responsible]);
        let text = blank_form_fields_text(&gaps, |i| i.label().to_string());
        assert_eq!(
            text,
            "未填 部位、责任单位及人员：整改通知书、整改表和台账里这几栏将空着"
        );
    }

    #[test]
    fn measures_count_only_without_an_item() {
        let gaps = blank_form_fields(&new(None, "3楼", "", "总务科 王强"));
        assert_eq!(gaps, vec![Input::Measures]);
        let text = blank_form_fields_text(&gaps, |i| format!("〈{}〉", i.label()));
        assert!(
            text.starts_with("未填 〈整改措施〉：") && text.contains("这一栏"),
            "{text}"
        );
    }

    #[test]
    fn a_complete_hazard_has_no_gaps() {
        assert!(blank_form_fields(&new(None, "3楼", "更换", "总务科 王强")).is_empty());
    }
}
