//! Checklists (检查清单) from `data/checklists/*.toml`: embedded with
//! `include_str!`, so the binary works anywhere; a user folder may add or
//! override files. Validation reports every problem with file and line.

mod load;
mod model;
mod validate;

pub use load::{BUILTIN_FILES, BUILTIN_SOURCE, Catalog, RECORDED_SOURCE, skipped_message};
pub use model::{Checklist, Item, Problem, Section};
pub use validate::{validate_files, validate_str};

#[cfg(test)]
mod tests;

/// The item ids of the first built-in edition (140 items, before checklist versions were
/// recorded in the log; issue 15). An inspection recorded then has no version to replay, so it
/// keeps this item set: items added to a built-in line later are not "unanswered" in it.
const FIRST_EDITION_IDS: &str = include_str!("../../data/checklists/first_edition_ids.txt");

/// Whether `item_id` was in the first built-in edition (see [`FIRST_EDITION_IDS`]).
pub fn in_first_edition(item_id: &str) -> bool {
    static IDS: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    IDS.get_or_init(|| FIRST_EDITION_IDS.lines().map(str::trim).collect())
        .contains(item_id)
}
