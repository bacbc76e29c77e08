//! What comes back from `ops` into the app's state, with every text a person or another device
//! wrote shown escaped (`domain::sanitize`): ratatui would silently drop control characters,
//! and bidi overrides would reorder a row; here both become visible escapes, so an office sees
//! that a synced description carried them. Applied once, where effect results become actions.

use super::action::Action;
use super::app::{InspectionSummary, RegisterRow};
use crate::domain::sanitize::{escape_in_place, escape_indexed};
use crate::search::Hit;

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
        Action::FindingLoaded(f, mut label) => {
            // A version recorded on another device carries that device's texts.
            escape_in_place(&mut label.line);
            label.check.iter_mut().for_each(escape_in_place);
            Action::FindingLoaded(f.escaped(), label)
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
        Action::RegisterLoaded(mut rows) => {
            rows.iter_mut().for_each(row);
            Action::RegisterLoaded(rows)
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
        other => other,
    }
}

fn row(r: &mut RegisterRow) {
    for s in [
        &mut r.facility,
        &mut r.department,
        &mut r.line,
        &mut r.line_name,
        &mut r.description,
        &mut r.retract_reason,
    ] {
        escape_in_place(s);
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
