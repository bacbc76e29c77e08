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
