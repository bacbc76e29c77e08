//! A search result as the CLI and the TUI show it, with the matched chars of the title, the
//! subtitle and the field that matched best (char indices; `cell_ranges` turns them into
//! display cells).

use super::index::{Field, Index, Record, Target, TextId};
use super::matcher::{Term, Tier, contiguous, fuzzy};
use super::rank::Ranked;
use crate::domain::{Severity, Status};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub target: Target,
    /// The check (items) or the description (findings).
    pub title: String,
    pub title_indices: Vec<usize>,
    /// Line and section (items); facility · department · location · status (findings).
    pub subtitle: String,
    pub subtitle_indices: Vec<usize>,
    /// The field that matched best, its text and matched chars (may be the title itself).
    pub field: Field,
    pub field_text: String,
    pub field_indices: Vec<usize>,
    pub line: String,
    pub line_name: String,
    /// None for checklist items.
    pub status: Option<Status>,
    /// A retracted (已撤销) finding.
    pub retracted: bool,
    pub overdue: bool,
    pub severity: Severity,
    pub tier: Tier,
    pub score: i64,
}

impl Serialize for Tier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            Tier::Whole => "whole",
            Tier::Substring => "substring",
            Tier::Heteronym => "heteronym",
            Tier::Fuzzy => "fuzzy",
        })
    }
}

pub(crate) fn build_hit(index: &Index, r: &Ranked, terms: &[Term]) -> Hit {
    let rec = index.record(r.slot).expect("ranked records are live");
    let text = |t: TextId| index.texts[t as usize].original();
    let title_field = match rec.target {
        Target::Item(_) => Field::Check,
        Target::Finding(_) => Field::Description,
        Target::Chemical(_) => Field::Chemical,
        Target::Equipment(_) => Field::Equipment,
    };
    let title_id = index.text_of(r.slot, title_field);
    let title = title_id.map(text).unwrap_or_default();
    let fz = r.tier == Tier::Fuzzy;
    let title_indices = title_id.map_or(vec![], |t| indices(index, t, terms, fz).1);
    let hot = &index.hot[r.slot as usize];
    let (line, line_name) = index.lines[hot.line as usize].clone();
    let (subtitle, subtitle_indices) =
        subtitle(index, r.slot, &rec, terms, &line_name, r.overdue, fz);
    let (field, field_id, field_indices) = best_field(index, r.slot, terms, fz);
    Hit {
        target: rec.target,
        title,
        title_indices,
        subtitle,
        subtitle_indices,
        field,
        field_text: text(field_id),
        field_indices,
        line,
        line_name,
        status: hot.status,
        retracted: rec.retracted,
        overdue: r.overdue,
        severity: rec.severity,
        tier: r.tier,
        score: r.score,
    }
}

/// Matched char indices of all terms in one text, and the summed weighted score.
/// Fuzzy positions are only looked for in fuzzy hits (they are slow, and a direct hit shows
/// its direct matches). A term with a presence bit the text lacks (`Index::blooms`) matches
/// it neither way, and is not tried.
fn indices(index: &Index, t: TextId, terms: &[Term], fuzzy_ok: bool) -> (i64, Vec<usize>) {
    let text = &index.texts[t as usize];
    let bloom = index.blooms[t as usize];
    let mut out = Vec::new();
    let mut score = 0;
    for term in terms {
        if bloom & term.bloom != term.bloom {
            continue;
        }
        if let Some((tier, s, start, end)) = contiguous(text, &index.readings, term) {
            out.extend(start..end);
            score += s + match tier {
                Tier::Whole => 10_000,
                Tier::Substring => 5_000,
                _ => 2_000,
            };
        } else if let Some((s, idx)) = fuzzy_ok
            .then(|| fuzzy(&index.matcher, text, &index.readings, term))
            .flatten()
        {
            out.extend(idx);
            score += s;
        }
    }
    out.sort_unstable();
    out.dedup();
    (score, out)
}

fn best_field(
    index: &Index,
    slot: u32,
    terms: &[Term],
    fuzzy_ok: bool,
) -> (Field, TextId, Vec<usize>) {
    let mut best: Option<(i64, Field, TextId, Vec<usize>)> = None;
    for (field, t) in index.fields(slot).iter().map(|ft| ft.get()) {
        let (score, idx) = indices(index, t, terms, fuzzy_ok);
        if idx.is_empty() {
            continue;
        }
        let s = score * field.weight();
        if best.as_ref().is_none_or(|b| s > b.0) {
            best = Some((s, field, t, idx));
        }
    }
    match best {
        Some((_, f, t, idx)) => (f, t, idx),
        None => {
            let (f, t) = index.fields(slot)[0].get();
            (f, t, vec![])
        }
    }
}

/// The subtitle with the matched chars of its parts, offset to their place in it.
fn subtitle(
    index: &Index,
    slot: u32,
    rec: &Record,
    terms: &[Term],
    line_name: &str,
    overdue: bool,
    fuzzy_ok: bool,
) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut marks = Vec::new();
    let mut push = |part: &str, idx: Vec<usize>, text: &mut String| {
        if part.is_empty() {
            return;
        }
        if !text.is_empty() {
            text.push_str(" · ");
        }
        let offset = text.chars().count();
        marks.extend(idx.into_iter().map(|i| i + offset));
        text.push_str(part);
    };
    let register = matches!(rec.target, Target::Chemical(_) | Target::Equipment(_));
    match index.hot[slot as usize].status {
        None if register => {
            // 易燃液体 · 市第一人民医院 · 药剂科危化品库 · CAS/登记证号
            for field in [
                Field::Kind,
                Field::Facility,
                Field::Place,
                Field::RegisterNo,
            ] {
                if let Some(t) = index.text_of(slot, field) {
                    let (_, idx) = indices(index, t, terms, fuzzy_ok);
                    push(&index.texts[t as usize].original(), idx, &mut text);
                }
            }
        }
        None => {
            push(line_name, vec![], &mut text);
            if let Some(s) = rec.section {
                push(&index.texts[s as usize].original(), vec![], &mut text);
            }
            if let Target::Item(id) = &rec.target {
                push(id, vec![], &mut text);
            }
        }
        Some(status) => {
            for field in [Field::Facility, Field::Department, Field::Location] {
                if let Some(t) = index.text_of(slot, field) {
                    let (_, idx) = indices(index, t, terms, fuzzy_ok);
                    push(&index.texts[t as usize].original(), idx, &mut text);
                }
            }
            let label = if overdue {
                format!("{}（逾期）", status.label())
            } else {
                status.label().to_string()
            };
            push(&label, vec![], &mut text);
        }
    }
    (text, marks)
}
