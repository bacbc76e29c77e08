//! Shared printing: JSON objects of the CLI contract and width-aware text columns.

use super::Failure;
use crate::catalog::Catalog;
use crate::domain::{Escalation, Finding, Now, Severity, Stamp, Status, sanitize};
use chrono::NaiveDate;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;
use uuid::Uuid;

///
/// Characters that could drive a terminal (`domain::sanitize::is_unsafe`: DEL, C1 controls,
/// bidi overrides and marks; serde_json already escapes C0) are written as JSON `\uXXXX`
/// escapes: a JSON reader gets the same string back, a terminal sees only ASCII.
pub fn print_json<T: Serialize + ?Sized>(v: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(v).map_err(|e| Failure {
        code: 1,
        message: e.to_string(),
    })?;
    println!("{}", json_escape_unsafe(&text));
    Ok(())
}

/// A JSON array printed one element at a time, byte for byte what [`print_json`] prints for
/// the whole `Vec` (serde_json's pretty layout, unsafe characters escaped): `finding list
/// --json` at 100,000 hazards streams instead of holding every object (issue 14).
pub struct JsonArrayOut<W: std::io::Write> {
    out: W,
    count: usize,
}

impl<W: std::io::Write> JsonArrayOut<W> {
    pub fn new(out: W) -> Self {
        JsonArrayOut { out, count: 0 }
    }

    /// Writes one element, indented as a member of the array.
    ///
    /// # Errors
    /// The writer's error; serialising one of our own objects does not fail.
    pub fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(v).map_err(std::io::Error::other)?;
        self.out
            .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        self.count += 1;
        // Pretty JSON has no raw newline inside a string, so indenting every line is exact.
        for (i, line) in json_escape_unsafe(&text).split('\n').enumerate() {
            if i > 0 {
                self.out.write_all(b"\n")?;
            }
            self.out.write_all(b"  ")?;
            self.out.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    /// Closes the array (`[]` when nothing was pushed) and flushes.
    ///
    /// # Errors
    /// The writer's error.
    pub fn finish(mut self) -> std::io::Result<()> {
        let end: &[u8] = if self.count == 0 { b"[]\n" } else { b"\n]\n" };
        self.out.write_all(end)?;
        self.out.flush()
    }
}

/// Serialised JSON with every unsafe character as a `\uXXXX` escape. Outside strings JSON
/// text is ASCII, so every such character is inside a string, where the escape means the
/// same character. All of them are in the Basic Multilingual Plane (4 hex digits suffice).
pub fn json_escape_unsafe(json: &str) -> std::borrow::Cow<'_, str> {
    if !json.chars().any(sanitize::is_unsafe) {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if sanitize::is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Pads (or cuts) to a display width, counting CJK characters as two cells. Control
/// characters and bidi overrides are shown escaped (`domain::sanitize::escape_line`).
pub fn cell(s: &str, width: usize) -> String {
    let s = sanitize::escape_line(s);
    let mut out = String::new();
    let mut w = 0;
    for ch in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if w + cw > width {
            if w < width {
                out.push('…');
            }
            break;
        }
        out.push(ch);
        w += cw;
    }
    let pad = width.saturating_sub(out.width());
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// Right-aligns to a display width (for figures under Chinese headers).
pub fn rcell(s: &str, width: usize) -> String {
    let pad = width.saturating_sub(s.width());
    format!("{}{s}", " ".repeat(pad))
}

/// What a person calls a finding: its 隐患编号 (`YH-2026-A3K-0007`), else (a record from
/// before numbers) the short id.
pub fn finding_label(f: &Finding) -> String {
    match &f.number {
        Some(n) => n.code(),
        None => short(f.id),
    }
}

pub fn short(id: Uuid) -> String {
    id.simple().to_string()[24..].to_string()
}

/// A time as people read it: in the writer's offset when recorded (so every reader sees the
/// same), else (old events) in now's offset.
pub fn local(now: &Now, at: impl Into<Stamp>) -> String {
    at.into()
        .local_or(now.0.offset())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The finding object of the CLI contract (plus a few extras after the contract keys).
#[derive(Debug, Serialize)]
pub struct FindingJson<'a> {
    pub id: Uuid,
    /// The 隐患编号 people read (`YH-2026-A3K-0007`); null for a record from before numbers.
    pub number: Option<String>,
    /// The last 8 hex digits of `id`, as accepted wherever an id is asked for.
    pub short_id: String,
    pub inspection_id: Option<Uuid>,
    pub facility: &'a str,
    pub department: &'a str,
    pub location: &'a str,
    pub line: &'a str,
    pub item_id: Option<&'a str>,
    pub description: &'a str,
    pub severity: Severity,
    pub status: Status,
    pub overdue: bool,
    pub due: Option<NaiveDate>,
    pub measures: &'a str,
    pub responsible: &'a str,
    pub fixed_on_spot: bool,
    pub escalation: Option<Escalation>,
    pub created_at: Stamp,
    pub updated_at: Stamp,
    pub line_name: &'a str,
    pub conflicted: bool,
    /// The status as people read it: 已撤销 for a retracted finding.
    pub status_label: &'a str,
    pub retracted: bool,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub retract_reason: &'a str,
    /// The deadline in force (the last 四书 step's deadline, else `due`).
    pub due_in_force: Option<NaiveDate>,
    /// 逾期整改: days the (latest late) rectification came after its deadline.
    pub late_days: Option<i64>,
}

impl<'a> FindingJson<'a> {
    pub fn new(f: &'a Finding, now: &Now, catalog: &'a Catalog) -> Self {
        FindingJson {
            id: f.id,
            number: f.number.as_ref().map(|n| n.code()),
            short_id: short(f.id),
            inspection_id: f.inspection_id,
            facility: &f.facility,
            department: &f.department,
            location: &f.location,
            line: &f.line,
            item_id: f.item_id.as_deref(),
            description: &f.description,
            severity: f.severity,
            status: f.status,
            overdue: f.is_overdue(now),
            due: f.due,
            measures: &f.measures,
            responsible: &f.responsible,
            fixed_on_spot: f.fixed_on_spot,
            escalation: f.escalation,
            created_at: f.created_at,
            updated_at: f.updated_at,
            line_name: catalog.line_name(&f.line),
            conflicted: f.is_conflicted(),
            status_label: f.status_label(),
            retracted: f.retracted,
            retract_reason: &f.retract_reason,
            due_in_force: f.due_in_force(),
            late_days: f.late_days(now),
        }
    }
}

/// The full finding for `show`: the contract keys plus history, escalations and conflicts.
#[derive(Debug, Serialize)]
pub struct FindingDetailJson<'a> {
    #[serde(flatten)]
    pub finding: &'a Finding,
    /// The 隐患编号 as people read it (`YH-2026-A3K-0007`); null before numbers.
    pub number_code: Option<String>,
    /// The last 8 hex digits of the id.
    pub short_id: String,
    pub overdue: bool,
    pub line_name: &'a str,
    /// Each photo with its number, and where its file is (`present: false`: 照片未同步).
    pub photo_files: Vec<PhotoFileJson>,
    /// The register entries (a chemical, a piece of special equipment) this hazard was recorded
    /// on; empty when none.
    pub links: Vec<RegisterLinkJson>,
    /// The registered facility and place its 部位 is linked to (issue 16); null when the 部位
    /// is text only.
    pub place: Option<PlaceLinkJson>,
}

/// A hazard's registry link as `finding show --json` prints it.
#[derive(Debug, Serialize)]
pub struct PlaceLinkJson {
    pub facility_id: uuid::Uuid,
    pub facility: String,
    pub place_id: Option<uuid::Uuid>,
    /// The place's path now (it may have been renamed since the hazard was recorded).
    pub path: Option<String>,
    pub key_site: bool,
    /// 重大/较大/一般/低, when graded.
    pub grade: Option<&'static str>,
}

impl PlaceLinkJson {
    /// The link of hazard `id`, if any.
    pub fn of(ctx: &crate::ops::Ctx, id: uuid::Uuid) -> Option<PlaceLinkJson> {
        let (f, p) = crate::ops::link_of(ctx, crate::domain::LinkTarget::Finding(id)).ok()??;
        Some(PlaceLinkJson {
            facility_id: f.id,
            facility: f.name,
            place_id: p.as_ref().map(|p| p.id),
            path: p.as_ref().map(|p| p.path.clone()),
            key_site: p.as_ref().is_some_and(|p| p.key_site),
            grade: p.and_then(|p| p.grade).map(|g| g.label()),
        })
    }
}

/// A photo of a hazard as `finding show --json` lists it.
#[derive(Debug, Serialize)]
pub struct PhotoFileJson {
    pub n: usize,
    pub hash: String,
    pub stage: crate::domain::PhotoStage,
    pub present: bool,
    pub path: Option<String>,
}

/// A hazard's link to a register entry: `{"register": "chemical"|"equipment", "id": UUID,
/// "text": "危险化学品 乙醇（易燃液体，药剂科危化品库）"}`. Open it with `chem show ID` or
/// `equipment show ID`.
#[derive(Debug, Serialize)]
pub struct RegisterLinkJson {
    #[serde(flatten)]
    pub register: crate::domain::RegisterRef,
    pub text: String,
}

pub fn finding_row(f: &Finding, now: &Now, catalog: &Catalog) -> String {
    let mut status = f.status_label().to_string();
    if f.is_overdue(now) {
        status.push_str("·逾期");
    }
    if f.is_conflicted() {
        status.push_str("·冲突");
    }
    let due = f
        .due_in_force()
        .map(|d| d.to_string())
        .unwrap_or_else(|| "—".into());
    format!(
        "{}  {}  {}  {}  {}  {}  {}",
        cell(&finding_label(f), 16),
        cell(&status, 16),
        cell(f.severity.label(), 4),
        cell(catalog.line_name(&f.line), 12),
        cell(&f.facility, 22),
        cell(&due, 10),
        sanitize::escape_line(&f.description)
    )
}

pub fn finding_header() -> String {
    format!(
        "{}  {}  {}  {}  {}  {}  {}",
        cell("隐患编号", 16),
        cell("状态", 16),
        cell("等级", 4),
        cell("防线", 12),
        cell("单位", 22),
        cell("整改时限", 10),
        "问题隐患"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `print_json` prints for the whole list.
    fn whole(v: &[serde_json::Value]) -> String {
        let text = serde_json::to_string_pretty(v).unwrap();
        format!("{}\n", json_escape_unsafe(&text))
    }

    fn streamed(v: &[serde_json::Value]) -> String {
        let mut buf = Vec::new();
        let mut arr = JsonArrayOut::new(&mut buf);
        for x in v {
            arr.push(x).unwrap();
        }
        arr.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn a_streamed_json_array_prints_exactly_like_the_whole_list() {
        let one = serde_json::json!({
            "id": "0193",
            "description": "消防通道\u{202e}堵塞\u{9b}",
            "photos": [],
            "escalations": [{"level": "整改通知书", "receipts": []}],
            "due": null,
        });
        let two = serde_json::json!({"id": "0194", "tags": ["a", "b"], "nested": {}});
        for list in [vec![], vec![one.clone()], vec![one, two.clone(), two]] {
            assert_eq!(streamed(&list), whole(&list));
        }
    }
}
