//! Text that could drive a terminal or a spreadsheet instead of being read.
//!
//! Two rules, one list of characters (issue 9 point 6, field report code-review.md):
//! - at input (`ops::clean`), `strip` removes them: nothing a person types is stored with them;
//! - at every output (CLI text, TUI, CSV, XLSX, HTML), `escape` shows them as visible escapes,
//!   because text synced from another device was never cleaned by this one. A hostile
//!   description such as `"\u{1b}]0;…\u{7}"` prints as `\x1b]0;…\x07`: the reader sees that
//!   something was there, and the terminal does nothing.
//!
//! The characters: C0 controls other than newline and tab (U+0000–U+001F, so CR too), DEL
//! (U+007F), C1 controls (U+0080–U+009F), the bidi embeddings, overrides and isolates
//! (U+202A–U+202E, U+2066–U+2069) and the bidi marks (U+200E, U+200F, U+061C), which reorder
//! what is displayed without being visible.

use std::borrow::Cow;

/// Whether `c` is one of the characters this module removes at input and escapes at output.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// The text without unsafe characters (for input: what we store).
pub fn strip(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|c| !is_unsafe(*c)).collect())
}

/// The text with each unsafe character written as a visible escape: `\x1b` for controls
/// below U+0100, `\u{202e}` above. Borrowed (no copy) when there is nothing to escape.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// `escape`, and newlines and tabs shown as spaces: for one-line places (a list row, a
/// table cell in the terminal) where a newline would break the layout.
pub fn escape_line(s: &str) -> Cow<'_, str> {
    let e = escape(s);
    if !e.contains(['\n', '\t']) {
        return e;
    }
    Cow::Owned(e.replace(['\n', '\t'], " "))
}

/// A spreadsheet cell (CSV): escaped, and, when it begins with `=`, `+`, `-`, `@`, tab or CR,
/// prefixed with a single quote so Excel, WPS and LibreOffice read it as text, never as a
/// formula (OWASP "CSV Injection"). The quote is visible; the text after it is unchanged.
pub fn spreadsheet_cell(s: &str) -> Cow<'_, str> {
    const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
    let e = escape(s);
    if s.starts_with(FORMULA) || e.starts_with(FORMULA) {
        return Cow::Owned(format!("'{e}"));
    }
    e
}

/// `escape` for text with highlighted char indices (search hits): returns the escaped text and
/// the indices moved to where their characters now are. None when there is nothing to escape.
pub fn escape_indexed(s: &str, indices: &[usize]) -> Option<(String, Vec<usize>)> {
    if !s.chars().any(is_unsafe) {
        return None;
    }
    let mut moved = Vec::with_capacity(s.chars().count());
    let mut out = String::with_capacity(s.len() + 8);
    let mut at = 0;
    for c in s.chars() {
        moved.push(at);
        let e = escape(c.encode_utf8(&mut [0; 4])).into_owned();
        at += e.chars().count();
        out.push_str(&e);
    }
    let indices = indices
        .iter()
        .filter_map(|i| moved.get(*i).copied())
        .collect();
    Some((out, indices))
}

/// Escapes in place (see `escape`); leaves the string alone when there is nothing to escape.
pub fn escape_in_place(s: &mut String) {
    if let Cow::Owned(e) = escape(s) {
        *s = e;
    }
}

impl super::Finding {
    /// The finding with every text a person or another device wrote passed through `escape`:
    /// what the CLI text output and the TUI show. Ids, dates and enums are ours and kept.
    pub fn escaped(&self) -> super::Finding {
        let mut f = self.clone();
        for s in [
            &mut f.facility,
            &mut f.department,
            &mut f.location,
            &mut f.line,
            &mut f.description,
            &mut f.measures,
            &mut f.responsible,
            &mut f.recorded_by,
            &mut f.rectify_note,
            &mut f.verify_note,
            &mut f.category,
            &mut f.interim,
            &mut f.funds,
            &mut f.verified_by,
            &mut f.retract_reason,
        ] {
            escape_in_place(s);
        }
        if let Some(item) = &mut f.item_id {
            escape_in_place(item);
        }
        for p in &mut f.photos {
            escape_in_place(&mut p.name);
        }
        for s in f.rectified_by.iter_mut().chain(f.verifier.iter_mut()) {
            s.texts_mut().into_iter().for_each(escape_in_place);
        }
        for e in &mut f.escalations {
            escape_in_place(&mut e.author);
            escape_in_place(&mut e.note);
            for r in &mut e.receipts {
                escape_in_place(&mut r.author);
                escape_in_place(&mut r.promise);
                r.by.texts_mut().into_iter().for_each(escape_in_place);
            }
            if let Some(i) = &mut e.issued {
                let h = &mut i.hazard;
                for s in [
                    &mut i.wenhao,
                    &mut i.org.authority,
                    &mut i.org.agency_code,
                    &mut i.org.unit,
                    &mut i.org.contact,
                    &mut i.org.phone,
                    &mut h.number,
                    &mut h.facility,
                    &mut h.place,
                    &mut h.description,
                    &mut h.measures,
                    &mut h.responsible,
                    &mut h.interim,
                ] {
                    escape_in_place(s);
                }
            }
        }
        for c in &mut f.conflicts {
            for (_, v) in &mut c.values {
                escape_in_place(v);
            }
        }
        for s in f.step_conflicts.iter_mut().flat_map(|c| c.steps.iter_mut()) {
            escape_in_place(&mut s.author);
            escape_in_place(&mut s.note);
        }
        for h in &mut f.history {
            escape_in_place(&mut h.author);
            escape_in_place(&mut h.action);
            escape_in_place(&mut h.note);
        }
        f
    }
}

impl super::Inspection {
    /// The inspection with its texts passed through `escape` (see `Finding::escaped`).
    pub fn escaped(&self) -> super::Inspection {
        let mut i = self.clone();
        escape_in_place(&mut i.facility);
        escape_in_place(&mut i.started_by);
        for s in i
            .departments
            .iter_mut()
            .chain(i.inspectors.iter_mut())
            .chain(i.lines.iter_mut())
        {
            escape_in_place(s);
        }
        for a in i
            .answer_conflicts
            .values_mut()
            .chain(i.answer_settled.values_mut())
            .flatten()
        {
            escape_in_place(&mut a.author);
            escape_in_place(&mut a.note);
        }
        for a in i.answers.values_mut() {
            escape_in_place(&mut a.author);
            escape_in_place(&mut a.note);
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_keeps_newline_tab_and_chinese() {
        assert_eq!(strip("消防\t通道\n堵塞"), "消防\t通道\n堵塞");
        assert_eq!(strip("a\u{1b}]0;x\u{7}b\r\n"), "a]0;xb\n");
        assert_eq!(strip("\u{202e}已整改\u{2066}"), "已整改");
        assert_eq!(strip("\u{9b}31m"), "31m");
    }

    #[test]
    fn escape_makes_controls_visible() {
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("\u{202e}改整已"), "\\u{202e}改整已");
        assert_eq!(escape("\u{85}"), "\\x85");
        assert!(matches!(escape("消防通道"), Cow::Borrowed(_)));
        assert_eq!(escape_line("一\n二\t三"), "一 二 三");
        let (t, ix) = escape_indexed("a\u{1b}b", &[0, 2]).unwrap();
        assert_eq!(t, "a\\x1bb");
        assert_eq!(ix, vec![0, 5]);
    }

    #[test]
    fn spreadsheet_cells_never_start_a_formula() {
        for bad in ["=1+1", "+1", "-清理杂物", "@SUM(A1)", "\tx", "\rx"] {
            let c = spreadsheet_cell(bad);
            assert!(c.starts_with('\''), "{bad:?} → {c:?}");
        }
        assert_eq!(spreadsheet_cell("消防通道"), "消防通道");
        assert_eq!(spreadsheet_cell("\r=1"), "'\\x0d=1");
    }
}
