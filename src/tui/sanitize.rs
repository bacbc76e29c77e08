//! What comes back from `ops` into the app's state, with every text a person or another device
//! wrote shown escaped (`domain::sanitize`): ratatui would silently drop control characters,
//! and bidi overrides would reorder a row; here both become visible escapes, so an office sees
//! that a synced description carried them. Applied once, where effect results become actions.

use super::action::Action;
use super::app::{InspectionSummary, RegisterRow};
use crate::domain::sanitize::{escape, escape_in_place, escape_indexed};
use crate::search::Hit;
use std::borrow::Cow;

/// The action with its user texts escaped; our own texts (labels, ids, dates) are unchanged.
pub fn escape_action(action: Action) -> Action {
    match action {
        Action::Answered {
            inspection,
            item_id,
        } => Action::Answered {
            inspection: inspection.escaped(),
            item_id,
        },
        Action::Finished(i) => Action::Finished(i.escaped()),
        Action::NoteSaved {
            inspection,
            item_id,
        } => Action::NoteSaved {
            inspection: inspection.escaped(),
            item_id,
        },
        Action::Joined { inspection, then } => Action::Joined {
            inspection: Box::new(inspection.escaped()),
            then,
        },
        Action::Reanswered {
            inspection,
            item_id,
            finding,
            what,
        } => Action::Reanswered {
            inspection: Box::new(inspection.escaped()),
            item_id,
            finding: Box::new(finding.escaped()),
            what,
        },
        Action::FindingSaved(f) => Action::FindingSaved(f.escaped()),
        Action::FailSaved {
            inspection,
            finding,
        } => Action::FailSaved {
            inspection: Box::new(inspection.escaped()),
            finding: Box::new(finding.escaped()),
        },
        Action::DraftLoaded(Some(mut d)) => {
            escape_draft(&mut d);
            Action::DraftLoaded(Some(d))
        }
        Action::AnswerRefused {
            inspection,
            item_id,
            mut message,
        } => {
            escape_in_place(&mut message);
            Action::AnswerRefused {
                inspection,
                item_id,
                message,
            }
        }
        Action::DraftsLoaded {
            inspection,
            mut drafts,
            mut problems,
        } => {
            for d in &mut drafts {
                escape_draft(d);
            }
            for p in &mut problems {
                escape_in_place(p);
            }
            Action::DraftsLoaded {
                inspection,
                drafts,
                problems,
            }
        }
        Action::FormDraftLoaded { key, mut value } => {
            if let Some(v) = value.as_mut() {
                escape_json(v);
            }
            Action::FormDraftLoaded { key, value }
        }
        Action::FindingLoaded(f, mut label, here) => {
            // A version recorded on another device carries that device's texts.
            escape_in_place(&mut label.line);
            label.check.iter_mut().for_each(escape_in_place);
            Action::FindingLoaded(f.escaped(), label, here)
        }
        Action::FindingUpdated { finding, what } => Action::FindingUpdated {
            finding: finding.escaped(),
            what,
        },
        Action::NoticeIssued {
            findings,
            what,
            path,
            opened,
        } => Action::NoticeIssued {
            findings: findings.iter().map(|f| f.escaped()).collect(),
            what,
            path,
            opened,
        },
        // The worker escapes the rows once, as it reads them (`escape_rows`): they are shared
        // with it and given again for every later filter.
        a @ Action::RegisterLoaded { .. } => a,
        Action::PlacesLoaded {
            facility,
            mut places,
        } => {
            // Place and facility names come from other devices' events.
            if let Some(p) = &mut places {
                escape_places(p);
            }
            Action::PlacesLoaded { facility, places }
        }
        Action::RegistryChoicesLoaded(mut all) => {
            all.iter_mut().for_each(escape_places);
            Action::RegistryChoicesLoaded(all)
        }
        Action::HazardPrefilled {
            register,
            mut start,
        } => {
            // Entry names, places and facility texts come from other devices' events.
            escape_in_place(&mut start.name);
            escape_in_place(&mut start.new.description);
            escape_in_place(&mut start.new.location);
            if let Some(f) = &mut start.new.facility {
                escape_in_place(f);
            }
            Action::HazardPrefilled { register, start }
        }
        Action::FacilityUnregistered {
            mut facility,
            mut like,
        } => {
            // Registered names come from other devices' events.
            escape_in_place(&mut facility);
            like.iter_mut().for_each(escape_in_place);
            Action::FacilityUnregistered { facility, like }
        }
        Action::FacilitiesLoaded(mut v) => {
            v.iter_mut().for_each(escape_in_place);
            Action::FacilitiesLoaded(v)
        }
        Action::HomeLoaded(mut h) => {
            h.unfinished.iter_mut().for_each(summary);
            h.recent.iter_mut().for_each(summary);
            for c in &mut h.lines {
                escape_in_place(&mut c.name);
            }
            Action::HomeLoaded(h)
        }
        Action::ChecklistLoaded(mut c) => {
            c.inspection = c.inspection.escaped();
            Action::ChecklistLoaded(c)
        }
        Action::SearchResults {
            query,
            mut hits,
            error,
        } => {
            hits.iter_mut().for_each(hit);
            Action::SearchResults { query, hits, error }
        }
        Action::Synced {
            mut report,
            info,
            mut lines,
            config_error,
        } => {
            for l in &mut lines {
                escape_in_place(&mut l.name);
                l.checks.iter_mut().for_each(|(_, c)| escape_in_place(c));
            }
            for c in &mut report.conflicts {
                escape_in_place(&mut c.facility);
                escape_in_place(&mut c.description);
                c.values.iter_mut().for_each(escape_in_place);
            }
            for r in &mut report.rejected {
                escape_in_place(&mut r.file);
                escape_in_place(&mut r.reason);
            }
            escape_in_place(&mut report.folder);
            Action::Synced {
                report,
                info,
                lines,
                config_error,
            }
        }
        Action::Failed(mut m) => {
            escape_in_place(&mut m);
            Action::Failed(m)
        }
        Action::EntrySaved { kind, mut what, id } => {
            escape_in_place(&mut what);
            Action::EntrySaved { kind, what, id }
        }
        Action::EntryRefused {
            mut field,
            mut message,
        } => {
            escape_in_place(&mut field);
            escape_in_place(&mut message);
            Action::EntryRefused { field, message }
        }
        Action::AttachRefused(mut m) => {
            escape_in_place(&mut m);
            Action::AttachRefused(m)
        }
        Action::PathCompleted {
            typed,
            completed: Some(mut c),
        } => {
            escape_in_place(&mut c);
            Action::PathCompleted {
                typed,
                completed: Some(c),
            }
        }
        Action::Refused { field, mut message } => {
            escape_in_place(&mut message);
            Action::Refused { field, message }
        }
        other => other,
    }
}

/// Escapes the register rows the worker has just read, before it shares them (every later
/// `RegisterLoaded` gives them again, unchanged).
pub fn escape_rows(rows: &mut [RegisterRow]) {
    rows.iter_mut().for_each(row);
}

fn row(r: &mut RegisterRow) {
    for s in [
        &mut r.facility,
        &mut r.department,
        &mut r.line,
        &mut r.line_name,
        &mut r.retract_reason,
    ] {
        // A name shared with other rows is copied only when it has something to escape.
        if let Cow::Owned(e) = escape(s) {
            *s = e.into();
        }
    }
    if let Cow::Owned(e) = escape(&r.description) {
        r.description = e.into();
    }
}

fn summary(s: &mut InspectionSummary) {
    escape_in_place(&mut s.facility);
    s.line_names.iter_mut().for_each(escape_in_place);
}

fn hit(h: &mut Hit) {
    for (text, ix) in [
        (&mut h.title, &mut h.title_indices),
        (&mut h.subtitle, &mut h.subtitle_indices),
        (&mut h.field_text, &mut h.field_indices),
    ] {
        if let Some((t, i)) = escape_indexed(text, ix) {
            *text = t;
            *ix = i;
        }
    }
}

/// Every text of a draft read back from disk, escaped.
fn escape_draft(d: &mut crate::ops::FindingDraft) {
    for s in [
        &mut d.description,
        &mut d.location,
        &mut d.department,
        &mut d.measures,
        &mut d.due,
        &mut d.responsible,
        &mut d.category,
        &mut d.interim,
        &mut d.funds,
    ] {
        escape_in_place(s);
    }
}

/// Every string in a JSON value, escaped (another form's draft read back from disk).
fn escape_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => escape_in_place(s),
        serde_json::Value::Array(a) => a.iter_mut().for_each(escape_json),
        serde_json::Value::Object(o) => o.values_mut().for_each(escape_json),
        _ => {}
    }
}

/// A registered facility and its places as pickers show them: every name escaped.
fn escape_places(p: &mut crate::ops::FacilityPlaces) {
    escape_in_place(&mut p.facility.name);
    p.facility.aliases.iter_mut().for_each(escape_in_place);
    for c in &mut p.places {
        escape_in_place(&mut c.facility);
        escape_in_place(&mut c.path);
        escape_in_place(&mut c.name);
    }
}
