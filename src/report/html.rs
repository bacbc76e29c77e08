//! The printable forms as self-contained HTML (A4, no scripts, no outside files):
//! the hospital seed's 问题隐患自查（督查）整改表 for one inspection, and the 四书 document a
//! finding has reached (整改通知书 → 警示约谈告知书 → 责任追究建议书).

use super::Env as Ctx;
use crate::domain::{Escalation, Finding, Inspection, Mode, Stamp, Status};
use chrono::{Datelike, NaiveDate};
use std::fmt::Write;
use uuid::Uuid;

/// HTML-escapes user text for element content and attribute values; control characters and
/// bidi overrides are shown as visible escapes first (`domain::sanitize::escape`).
pub fn esc(s: &str) -> String {
    let s = crate::domain::sanitize::escape(s);
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
@page { size: A4; margin: 18mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif;
       font-size: 12pt; line-height: 1.6; color: #000; margin: 0; }
@media screen { body { max-width: 210mm; margin: 10mm auto; padding: 0 12mm; } }
h1 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
     font-size: 18pt; font-weight: bold; text-align: center; margin: 0 0 3mm; letter-spacing: 1pt; }
.sub { text-align: center; margin: 0 0 5mm; }
.meta { display: flex; justify-content: space-between; margin: 0 0 2mm; }
table.form { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.form th, table.form td { border: 1px solid #000; padding: 2mm 3mm; vertical-align: top;
                               word-wrap: break-word; }
table.form th { font-weight: normal; text-align: center; vertical-align: middle; width: 21%; }
table.form tr { page-break-inside: avoid; break-inside: avoid; }
ol { margin: 0; padding-left: 6mm; }
.tall { height: 28mm; }
.sign { text-align: right; margin-top: 3mm; white-space: pre; }
.body { text-indent: 2em; margin: 0 0 3mm; }
.closing { margin: 8mm 0 0 50%; line-height: 2.2; }
.receipt { margin-top: 10mm; border-top: 1px dashed #000; padding-top: 3mm; }
.foot { margin-top: 6mm; font-size: 9pt; color: #444; }
"#;

const BLANK: &str = "＿＿＿＿＿＿";
const SIGN_DATE: &str = "签字：＿＿＿＿＿＿　　　　年　　月　　日";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    )
}

fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A document number from the id's random tail (the head of a UUIDv7 is its timestamp, shared
/// by everything recorded in the same moment).
fn doc_number(id: Uuid) -> String {
    id.simple().to_string()[24..].to_string()
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    let mut out = String::from("<ol>");
    for i in items {
        let _ = write!(out, "<li>{}</li>", esc(&i));
    }
    out.push_str("</ol>");
    out
}

fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() { "—" } else { s }
}

fn mode_boxes(mode: Mode) -> String {
    Mode::ALL
        .iter()
        .map(|m| {
            let tick = if *m == mode { "☑" } else { "☐" };
            format!("{tick}{}", m.label())
        })
        .collect::<Vec<_>>()
        .join("　")
}

/// 整改落实情况 of one finding, in words.
fn rectification(f: &Finding, date: impl Fn(Stamp) -> NaiveDate) -> String {
    if f.fixed_on_spot {
        return "立查立改，当场整改".into();
    }
    match f.rectified_at {
        Some(at) => format!("{} 已整改：{}", cn_date(date(at)), or_dash(&f.rectify_note)),
        None => "尚未整改".into(),
    }
}

/// 复查情况 of one finding, in words.
fn verification(f: &Finding, date: impl Fn(Stamp) -> NaiveDate) -> String {
    let note = |s: &str| {
        if f.verify_note.is_empty() {
            s.to_string()
        } else {
            format!("{s}：{}", f.verify_note)
        }
    };
    match (f.status, f.closed_at) {
        _ if f.fixed_on_spot => "当场销号".into(),
        (Status::Closed, Some(at)) => note(&format!("{} 复查通过，已销号", cn_date(date(at)))),
        (Status::Rectified, _) => "待复查".into(),
        (Status::Open, _) if !f.verify_note.is_empty() => note("复查不通过，退回整改"),
        _ => "尚未复查".into(),
    }
}

fn due_text(f: &Finding) -> String {
    match (f.fixed_on_spot, f.due) {
        (true, _) => "立查立改".into(),
        (false, Some(d)) => cn_date(d),
        (false, None) => "未定".into(),
    }
}

/// The 问题隐患自查（督查）整改表 for one inspection, numbered so item N is the same
/// finding in every box.
pub fn inspection_form(ctx: &Ctx, insp: &Inspection, findings: &[Finding]) -> String {
    let date = |at| ctx.now.local_date(at);
    let title = format!("{}安全生产问题隐患自查（督查）整改表", insp.facility);
    let mut responsible: Vec<&str> = Vec::new();
    for f in findings {
        if !f.responsible.is_empty() && !responsible.contains(&f.responsible.as_str()) {
            responsible.push(&f.responsible);
        }
    }
    let boxes = |render: &dyn Fn(&Finding) -> String| {
        if findings.is_empty() {
            String::from("<p>本次检查未发现问题隐患。</p>")
        } else {
            list(findings.iter().map(render))
        }
    };
    let problems = boxes(&|f| {
        let mut s = f.description.clone();
        let mut tags: Vec<String> = Vec::new();
        if !f.location.is_empty() {
            tags.push(f.location.clone());
        }
        tags.push(format!("{}隐患", f.severity.label()));
        tags.push(ctx.catalog.line_name(&f.line).to_string());
        let _ = write!(s, "（{}）", tags.join("，"));
        s
    });
    let measures = boxes(&|f| or_dash(&f.measures).to_string());
    let dues = boxes(&due_text);
    let fixes = boxes(&|f| rectification(f, date));
    let checks = boxes(&|f| verification(f, date));

    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>{}</h1>\n<p class=\"sub\">检查方式：{}</p>\n\
         <div class=\"meta\"><span>检查编号：{}</span><span>共 {} 项问题隐患</span></div>\n\
         <table class=\"form\">\n",
        esc(&title),
        mode_boxes(insp.mode),
        insp.id,
        findings.len()
    );
    let _ = write!(
        b,
        "<tr><th>科　　室</th><td>{}</td><th>责　任　人</th><td>{}</td></tr>\n\
         <tr><th>检查时间</th><td>{}</td><th>检查人员签名</th><td>{}</td></tr>\n",
        esc(or_dash(&insp.departments.join("、"))),
        esc(or_dash(&responsible.join("、"))),
        cn_date(date(insp.started_at)),
        esc(&insp.inspectors.join("、")),
    );
    for (label, content, sign) in [
        ("检查发现问题", problems, false),
        ("整改措施与意见", measures, false),
        ("整改时限", dues, false),
        ("整改落实情况反馈和负责人签字", fixes, true),
        ("整改确认签字", checks, true),
    ] {
        let _ = writeln!(
            b,
            "<tr><th>{label}</th><td colspan=\"3\">{content}{}</td></tr>",
            if sign {
                format!("<div class=\"sign\">{SIGN_DATE}</div>")
            } else {
                String::new()
            }
        );
    }
    let _ = write!(
        b,
        "<tr><th>分管领导签字</th><td colspan=\"3\" class=\"tall\"><div class=\"sign\">{SIGN_DATE}</div></td></tr>\n\
         </table>\n<p class=\"foot\">由巡查（xuncha）生成于 {}</p>\n",
        cn_date(ctx.now.today())
    );
    page(&title, &b)
}

/// The 四书 document for a finding: the step it has reached, or the 整改通知书 if none yet.
pub fn notice(ctx: &Ctx, f: &Finding, insp: Option<&Inspection>) -> String {
    let date = |at| ctx.now.local_date(at);
    let level = f.escalation.unwrap_or(Escalation::Notice);
    let title = format!("安全生产隐患{}", level.label());
    let step_date = |l: Escalation| {
        f.escalations
            .iter()
            .find(|s| s.level == l)
            .map(|s| cn_date(date(s.at)))
            .unwrap_or_else(|| BLANK.to_string())
    };
    let facility = esc(&f.facility);
    let due = f.due.map(cn_date);
    let (addressee, body) = match level {
        Escalation::Notice => {
            let found = insp
                .map(|i| {
                    format!(
                        "{}，{}对你单位进行安全生产{}",
                        cn_date(date(i.started_at)),
                        esc(&i.inspectors.join("、")),
                        i.mode.label()
                    )
                })
                .unwrap_or_else(|| format!("{}经安全生产检查", cn_date(date(f.created_at))));
            let when = match &due {
                Some(d) => format!("于{d}前"),
                None => "立即".to_string(),
            };
            (
                format!("{facility}："),
                format!(
                    "{found}，发现你单位存在下列安全生产隐患。请你单位按所列整改制度措施，\
                     {when}整改到位，并将整改落实情况书面反馈检查单位；整改完成前须落实临时防范措施，\
                     确保安全。逾期未整改或整改不到位的，将依照“四书”管理规定下发\
                     《安全生产隐患警示约谈告知书》。"
                ),
            )
        }
        Escalation::Interview => (
            format!("{facility}主要负责人："),
            format!(
                "你单位于{}接到《安全生产隐患整改通知书》后，下列安全生产隐患逾期（整改时限{}）\
                 仍未按要求整改到位。依照“四书”管理规定，决定对你单位主要负责人、分管负责人进行\
                 警示约谈。请于＿＿＿＿年＿＿月＿＿日到＿＿＿＿＿＿＿＿参加约谈，并携带隐患整改方案\
                 和整改落实情况书面材料。",
                step_date(Escalation::Notice),
                due.clone().unwrap_or_else(|| "未定".into())
            ),
        ),
        Escalation::Referral => (
            format!("{BLANK}（{facility}所属卫生健康行政部门）："),
            format!(
                "{facility}存在的下列安全生产隐患，经于{}下发《安全生产隐患整改通知书》、于{}下发\
                 《安全生产隐患警示约谈告知书》并进行警示约谈后，仍未按要求整改。依照“四书”管理\
                 规定，建议依法依规追究该单位相关责任人的责任，并将处理结果函告我单位。",
                step_date(Escalation::Notice),
                step_date(Escalation::Interview)
            ),
        ),
    };

    let today = ctx.now.today();
    // A document already issued keeps its issue date; a first notice is issued today.
    let issued = f
        .escalations
        .iter()
        .find(|s| s.level == level)
        .map(|s| date(s.at))
        .unwrap_or(today);
    let mut status = f.status.label().to_string();
    if f.is_overdue(&ctx.now)
        && let Some(d) = f.due
    {
        let _ = write!(status, "（已逾期 {} 天）", (today - d).num_days());
    }
    let item = f
        .item_id
        .as_deref()
        .map(|id| match ctx.catalog.item(id) {
            Some(i) => format!("{}（{id}）", i.check),
            None => id.to_string(),
        })
        .unwrap_or_default();
    let place = [f.department.as_str(), f.location.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" / ");
    let steps = if f.escalations.is_empty() {
        "—".to_string()
    } else {
        list(f.escalations.iter().map(|s| {
            let mut t = format!(
                "{} {}（{}）",
                cn_date(date(s.at)),
                s.level.label(),
                s.author
            );
            if !s.note.is_empty() {
                let _ = write!(t, "：{}", s.note);
            }
            t
        }))
    };
    let rows: [(&str, String); 16] = [
        ("单位", esc(&f.facility)),
        ("科室/部位", esc(or_dash(&place))),
        ("防线", esc(ctx.catalog.line_name(&f.line))),
        ("检查项", esc(or_dash(&item))),
        ("隐患等级", format!("{}隐患", f.severity.label())),
        ("发现日期", cn_date(date(f.created_at))),
        (
            "检查方式",
            insp.map(|i| i.mode.label()).unwrap_or("—").into(),
        ),
        (
            "检查人员",
            esc(or_dash(
                &insp.map(|i| i.inspectors.join("、")).unwrap_or_default(),
            )),
        ),
        ("问题隐患", esc(&f.description)),
        ("整改制度措施", esc(or_dash(&f.measures))),
        ("整改时限", due_text(f)),
        ("责任单位（部门）及人员", esc(or_dash(&f.responsible))),
        ("当前状态", status),
        ("整改落实情况", esc(&rectification(f, date))),
        ("复查情况", esc(&verification(f, date))),
        ("督办记录", steps),
    ];
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>{}</h1>\n<p class=\"sub\">巡查〔{}〕第 {} 号</p>\n<p>{addressee}</p>\n\
         <p class=\"body\">{body}</p>\n<table class=\"form\">\n",
        esc(&title),
        issued.year(),
        doc_number(f.id),
    );
    for (label, value) in rows {
        let _ = writeln!(b, "<tr><th>{label}</th><td>{value}</td></tr>");
    }
    let _ = write!(
        b,
        "</table>\n<div class=\"closing\">检查（督办）单位（盖章）：<br>签发人：{BLANK}<br>\
         {}</div>\n<div class=\"receipt\">被检查单位签收人：{BLANK}　　签收日期：　　　　年　　月　　日</div>\n\
         <p class=\"foot\">隐患编号：{}　由巡查（xuncha）生成于 {}</p>\n",
        cn_date(issued),
        f.id,
        cn_date(today)
    );
    page(&title, &b)
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup_in_user_text() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"消防\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;消防&quot;"
        );
    }
}
