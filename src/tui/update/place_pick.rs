//! The 部位 picker's keys and the save that follows it (issue 16 point 1): Ctrl-n / Ctrl-p
//! move through the registered places the typed 部位 matches, Enter takes the highlighted one;
//! saving a 部位 the registry does not know asks whether to register it as a new place.

use super::{Effect, say};
use crate::ops::{NewFinding, PlaceIntent, PlaceMatch, match_place};
use crate::tui::action::Action;
use crate::tui::app::{App, FormField, FormState, HazardOn, MessageKind, Overlay, Screen};
use crate::tui::choice::{Choice, ChoiceKind};
use crate::tui::pick_keys::PickKey;
use crate::tui::place_pick::PlacesLoad;

/// The options of the 「登记新场所？」 question, in order.
pub const REGISTER_OPTIONS: [&str; 3] = [
    "登记为新场所并保存隐患",
    "不登记，按文字保存隐患",
    "返回修改部位",
];

/// Asks for the form's place list once, when a form is on top and has not asked yet.
pub fn load_if_needed(app: &mut App) -> Option<Effect> {
    let Screen::Form(f) = app.screen_mut() else {
        return None;
    };
    if f.places.load != PlacesLoad::NotAsked {
        return None;
    }
    f.places.load = PlacesLoad::Loading;
    Some(Effect::LoadPlaces(f.facility.clone()))
}

/// The places of `facility` arrived: every open form of that facility takes them.
pub fn loaded(app: &mut App, facility: &str, places: Option<crate::ops::FacilityPlaces>) {
    for s in app.stack.iter_mut() {
        if let Screen::Form(f) = s
            && f.facility == facility
        {
            f.places.load = PlacesLoad::Loaded(places.clone());
            f.places.cursor = 0;
        }
    }
}

/// A key on the 部位 field while candidates show: Ctrl-n / Ctrl-p move, Enter takes the
/// highlighted place (its whole path) and goes to the next field. Returns false for a key
/// the picker leaves to the form; a typed change puts the highlight back on the best match.
pub fn key(f: &mut FormState, a: &Action) -> bool {
    if f.focus != FormField::Location {
        return false;
    }
    let text = f.location.text().to_string();
    if f.places.matches(&text).is_empty() {
        return false;
    }
    match PickKey::of(a) {
        PickKey::Step(by) => {
            f.places.step(&text, by);
            true
        }
        PickKey::Take => {
            if let Some(path) = f.places.selected(&text).map(|p| p.path.clone()) {
                f.location.set(&path);
                f.places.cursor = 0;
            }
            false // the form then moves on to the next field
        }
        PickKey::Typed => {
            f.places.cursor = 0;
            false
        }
        PickKey::Other => false,
    }
}

/// Saving a valid form: a 部位 that names one registered place is linked to it; one that
/// fits several is sent back to be picked; one the registry does not know (of a registered
/// facility) asks whether to register it; anything else is saved as it is.
pub fn save(app: &mut App, new: NewFinding, fail: bool) -> Vec<Effect> {
    let Screen::Form(f) = app.screen_mut() else {
        return vec![];
    };
    let text = new.location.trim().to_string();
    let on = f.on;
    let Some(reg) = f.places.registered() else {
        return vec![effect(new, fail, PlaceIntent::Auto, on)];
    };
    if text.is_empty() {
        return vec![effect(new, fail, PlaceIntent::Auto, on)];
    }
    match match_place(&reg.places, &text) {
        PlaceMatch::One(_) => vec![effect(new, fail, PlaceIntent::Auto, on)],
        PlaceMatch::Many(many) => {
            let paths: Vec<String> = many.iter().map(|i| reg.places[*i].path.clone()).collect();
            f.errors.insert(
                FormField::Location,
                format!("对应多个场所（{}），请选一个", paths.join("、")),
            );
            f.focus = FormField::Location;
            say(app, MessageKind::Error, "部位对应多个场所，尚未保存");
            vec![]
        }
        PlaceMatch::None => {
            let facility = reg.facility.name.clone();
            app.overlay = Some(Overlay::Choice(Choice {
                kind: ChoiceKind::RegisterPlace,
                title: " 登记新场所？ ".into(),
                text: format!("部位「{text}」不在「{facility}」的场所登记中"),
                options: REGISTER_OPTIONS.iter().map(|s| s.to_string()).collect(),
                selected: 0,
            }));
            vec![]
        }
    }
}

/// The answer to 「登记新场所？」: register then save, save as text, or back to the field.
pub fn chosen(app: &mut App, selected: usize) -> Vec<Effect> {
    let today = app.now.today();
    let Screen::Form(f) = app.screen_mut() else {
        return vec![];
    };
    let intent = match selected {
        0 => PlaceIntent::Register,
        1 => PlaceIntent::TextOnly,
        _ => {
            f.focus = FormField::Location;
            return vec![];
        }
    };
    let (fail, on) = (f.fail, f.on);
    f.save_error = None;
    match super::form::validate(f, today) {
        Some(new) => vec![effect(new, fail, intent, on)],
        None => vec![],
    }
}

/// The save: on a 台账 entry with its link, with the patrol visit that found it, answering
/// the item 不合格 with it, or alone.
fn effect(new: NewFinding, fail: bool, intent: PlaceIntent, on: Option<HazardOn>) -> Effect {
    match on {
        Some(HazardOn::Register(register)) => Effect::RecordFindingOn(new, intent, register),
        Some(HazardOn::PatrolVisit { patrol, place }) => Effect::PatrolAbnormal {
            patrol,
            place,
            new: Box::new(new),
            intent,
        },
        None if fail => Effect::FailWithFindingAt(new, intent),
        None => Effect::RecordFindingAt(new, intent),
    }
}
