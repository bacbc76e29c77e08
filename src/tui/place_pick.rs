//! The hazard form's 部位 picker (issue 16 point 1): the places of the inspected facility, as
//! the registry holds them (院区 → 楼 → 层 → 科室/部位, key sites and risk grades marked),
//! filtered as the 部位 is typed (Chinese, full pinyin or initials, like search). Free text
//! stays allowed: saving a 部位 the registry does not know asks whether to register it.

use crate::ops::{FacilityPlaces, PlaceChoice, pick_places};

pub use crate::tui::suggest::SHOWN;

/// Where the form's place list is.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PlacesLoad {
    /// Not asked for yet (the form just opened).
    #[default]
    NotAsked,
    Loading,
    /// Loaded; None when the facility is not registered (the 部位 is text only).
    Loaded(Option<FacilityPlaces>),
}

/// The picker's state inside the hazard form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlacePicker {
    pub load: PlacesLoad,
    /// The highlighted candidate, an index into `matches`.
    pub cursor: usize,
}

impl PlacePicker {
    /// The registered facility with its places, once loaded.
    pub fn registered(&self) -> Option<&FacilityPlaces> {
        match &self.load {
            PlacesLoad::Loaded(Some(f)) => Some(f),
            _ => None,
        }
    }

    /// The places the typed 部位 matches, best first (`place_matches`); empty until loaded
    /// or when the facility is not registered.
    pub fn matches(&self, text: &str) -> Vec<&PlaceChoice> {
        match self.registered() {
            Some(f) => place_matches(&f.places, text),
            None => vec![],
        }
    }

    /// The highlighted candidate for this text, if any shows.
    pub fn selected(&self, text: &str) -> Option<&PlaceChoice> {
        let m = self.matches(text);
        m.get(self.cursor.min(m.len().saturating_sub(1))).copied()
    }

    /// Moves the highlight by `by` within the candidates for `text`, wrapping.
    pub fn step(&mut self, text: &str, by: isize) {
        let n = self.matches(text).len().min(SHOWN);
        self.cursor = crate::tui::pick_keys::stepped(self.cursor, n, by);
    }
}

/// The places `text` matches, best first (Chinese, full pinyin or initials of the path); empty
/// when the text already is one place's whole path (picked). An empty text lists the key sites
/// first, then the other places in tree order.
pub fn place_matches<'a>(places: &'a [PlaceChoice], text: &str) -> Vec<&'a PlaceChoice> {
    let text = text.trim();
    if places.iter().any(|p| p.path == text) {
        return vec![];
    }
    if text.is_empty() {
        let (key, rest): (Vec<&PlaceChoice>, Vec<&PlaceChoice>) =
            places.iter().partition(|p| p.key_site);
        return key.into_iter().chain(rest).collect();
    }
    pick_places(places, text)
}
