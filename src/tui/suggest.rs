//! Registry suggestions for the 台账 forms (issue 17): the 单位 / 使用单位 field picks a
//! registered facility, the 储存地点 / 安装地点 field a place of the facility the form names —
//! filtered as the person types (Chinese by containment, full pinyin or initials, as every
//! facility field completes: `complete::fitting`), free text still allowed
//! (ops links what names one registered facility or place, and keeps the rest as text).

use crate::domain::{RiskGrade, name_key};
use crate::ops::{FacilityChoice, FacilityPlaces};
use crate::tui::place_pick::place_matches;

/// At most this many candidates show under a field.
pub const SHOWN: usize = 5;

/// Which registry list a field picks from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Suggest {
    /// A plain field.
    #[default]
    None,
    /// A registered facility, by name or merged spelling.
    Facility,
    /// A place of the facility in the field labelled `.0` of the same form; of the form's own
    /// facility when the form has no such field (an edit of an entry).
    Place(&'static str),
}

/// One candidate under a field: the text it puts there and its marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub value: String,
    /// A 重点部位.
    pub key_site: bool,
    pub grade: Option<RiskGrade>,
}

/// The candidates for `text` typed in a field that picks as `suggest` says, best first;
/// `facility` is the facility the form names (for places). Empty when the text already is a
/// candidate's whole value, or nothing is registered that fits.
pub fn candidates(
    registry: &[FacilityPlaces],
    suggest: Suggest,
    text: &str,
    facility: &str,
) -> Vec<Candidate> {
    match suggest {
        Suggest::None => vec![],
        Suggest::Facility => {
            let choices: Vec<FacilityChoice> =
                registry.iter().map(|f| f.facility.clone()).collect();
            let text = text.trim();
            if choices.iter().any(|c| c.name == text) {
                return vec![];
            }
            // By name or merged spelling, as every facility field completes.
            let texts: Vec<String> = choices.iter().map(FacilityChoice::search_text).collect();
            let picked: Vec<&FacilityChoice> =
                crate::tui::complete::fitting(text, &texts, usize::MAX)
                    .into_iter()
                    .map(|i| &choices[i])
                    .collect();
            picked
                .into_iter()
                .map(|c| Candidate {
                    value: c.name.clone(),
                    key_site: false,
                    grade: None,
                })
                .collect()
        }
        Suggest::Place(_) => {
            let key = name_key(facility);
            let Some(f) = registry.iter().find(|f| {
                name_key(&f.facility.name) == key
                    || f.facility.aliases.iter().any(|a| name_key(a) == key)
            }) else {
                return vec![];
            };
            place_matches(&f.places, text)
                .into_iter()
                .map(|p| Candidate {
                    value: p.path.clone(),
                    key_site: p.key_site,
                    grade: p.grade,
                })
                .collect()
        }
    }
}
