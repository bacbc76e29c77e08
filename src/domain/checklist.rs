//! Checklists (检查清单) as pure data, and their versions as the log records them.
//!
//! A checklist version is named by its content hash: SHA-256 over the checklist's JSON with
//! `source` left empty, so the same content has the same hash on every device whatever file it
//! came from, and any change of a name, text or item is a new version. An inspection records the
//! hash of each line it used (`InspectionStarted.checklists`), and the first inspection on a
//! store that uses a version records the whole checklist once (`ChecklistRecorded`), so every
//! device that holds the inspection can show its items without the file.

use super::{Payload, Severity, StoredEvent};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// One checklist family (一道防线, or an extra list such as 特种设备).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Where this copy came from on this device: "内置", the user file path, or the record in
    /// the log. Not part of the content: the hash leaves it out and the log stores it empty.
    #[serde(default)]
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

    /// The version hash: 64 lowercase hex digits of SHA-256 over the JSON of the content
    /// (everything but `source`).
    pub fn content_hash(&self) -> String {
        let mut bare = self.clone();
        bare.source.clear();
        let json = serde_json::to_vec(&bare).expect("checklists always serialise");
        hex::encode(Sha256::digest(&json))
    }

    /// Whether the line id is plain (ASCII letters, digits, `_`, `-`), the items belong to it
    /// (`<line>.` ids, `line` fields) and the ids are unique: what a recorded version from another device must satisfy to be shown.
    pub fn is_consistent(&self) -> bool {
        let prefix = format!("{}.", self.line);
        let mut seen = std::collections::HashSet::new();
        !self.line.is_empty()
            && self
                .line
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && self.items().all(|i| {
                i.line == self.line
                    && i.id.starts_with(&prefix)
                    && i.id.len() > prefix.len()
                    && seen.insert(i.id.as_str())
            })
    }
}

/// The entity id under which the log keeps the events recording one checklist version: the
/// first 16 bytes of its hash (`None` when `hash` is not 64 hex digits).
pub fn checklist_entity_id(hash: &str) -> Option<Uuid> {
    let bytes = hex::decode(hash).ok().filter(|b| b.len() == 32)?;
    Uuid::from_slice(&bytes[..16]).ok()
}

/// The checklist version the events of one checklist entity record: the earliest event whose
/// content really has the hash it claims and whose items are consistent. Events that fail
/// either check (a faulty or hostile device) are ignored.
pub fn fold_checklist(events: &[StoredEvent]) -> Option<(String, Checklist)> {
    let mut evs: Vec<&StoredEvent> = events.iter().collect();
    evs.sort_by_key(|e| e.order_key());
    evs.into_iter().find_map(|e| match &e.payload {
        Payload::ChecklistRecorded { hash, checklist }
            if checklist.content_hash() == *hash && checklist.is_consistent() =>
        {
            let mut cl = checklist.clone();
            cl.source.clear();
            Some((hash.clone(), cl))
        }
        _ => None,
    })
}

/// A group of items (安全出口与疏散, or one key location such as 配电室).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub id: String,
    pub name: String,
    pub items: Vec<Item>,
}

/// 检查项: one check point; "pass" means safe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Stable id `<line>.<slug>`, unique across all checklists.
    pub id: String,
    /// The line id this item belongs to.
    pub line: String,
    /// The section name (not id), for display.
    pub section: String,
    /// What must hold (the safe state), one sentence.
    pub check: String,
    /// How an inspector checks it on site.
    pub how: String,
    /// The document and clause the item rests on; an item from practice says "实务补充".
    pub basis: String,
    pub severity: Severity,
    pub keywords: Vec<String>,
    /// Typical hazard text that pre-fills a finding.
    pub hazard: String,
    /// Typical rectification measures.
    pub measures: String,
}
