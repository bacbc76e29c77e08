//! The checklist types, as loaded from `data/checklists/*.toml`. The checklist itself is pure
//! data in `domain` (the log records versions of it); `Problem` is the catalog's own.

use serde::Serialize;
use std::fmt;

pub use crate::domain::{Checklist, Item, Section};

/// One problem in a checklist file, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for Problem {}
