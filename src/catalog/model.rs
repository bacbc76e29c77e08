//! The checklist types, as loaded from `data/checklists/*.toml`.

use crate::domain::Severity;
use serde::Serialize;
use std::fmt;

/// One checklist family (一道防线, or an extra list such as 特种设备).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checklist {
    /// Stable line id, equal to the file stem (`fire`, `key_site`, ...).
    pub line: String,
    /// Chinese name (消防).
    pub name: String,
    /// Display order; the seven core lines are 1..7.
    pub order: u32,
    /// One of the seven defense lines.
    pub core: bool,
    pub description: String,
    pub sections: Vec<Section>,
    /// "内置" for the embedded files, else the user file path.
    pub source: String,
}

impl Checklist {
    /// All items of this checklist, section by section.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    /// Number of items in this checklist.
    pub fn item_count(&self) -> usize {
        self.sections.iter().map(|s| s.items.len()).sum()
    }
}

/// A group of items (安全出口与疏散, or one key location such as 配电室).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub id: String,
    pub name: String,
    pub items: Vec<Item>,
}

/// 检查项: one check point; "pass" means safe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Stable id `<line>.<slug>`, unique across all checklists.
    pub id: String,
    /// The line id this item belongs to.
    pub line: String,
    /// The section name (not id), for display.
    pub section: String,
    pub check: String,
    pub how: String,
    pub basis: String,
    pub severity: Severity,
    pub keywords: Vec<String>,
    /// Typical hazard text that pre-fills a finding.
    pub hazard: String,
    /// Typical rectification measures.
    pub measures: String,
}

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
