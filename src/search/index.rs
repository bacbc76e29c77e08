//! The index: one record per checklist item and per finding, each a list of fields pointing
//! into a pool of distinct texts (facility, department, location, measures and many
//! descriptions repeat, so each distinct string is prepared and matched once per keystroke).

use super::doc::FindingDoc;
use super::text::{Readings, Text};
use crate::catalog::Catalog;
use crate::domain::{Finding, Severity, Status};
use chrono::NaiveDate;
use fuzzy_matcher::skim::SkimMatcherV2;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use uuid::Uuid;

pub(crate) type TextId = u32;

/// What a hit points at: open it with `catalog.item(id)` or `ctx.finding_by_id(id)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Target {
    Item(String),
    Finding(Uuid),
}

/// The searchable fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Check,
    Guidance,
    Keyword,
    Hazard,
    Measures,
    ItemId,
    Description,
    Location,
    Facility,
    Department,
    Responsible,
}

impl Field {
    /// The Chinese label shown before a matched field.
    pub fn label(self) -> &'static str {
        match self {
            Field::Check => "检查内容",
            Field::Guidance => "检查方法",
            Field::Keyword => "关键词",
            Field::Hazard => "常见隐患",
            Field::Measures => "整改措施",
            Field::ItemId => "检查项编号",
            Field::Description => "隐患描述",
            Field::Location => "部位",
            Field::Facility => "单位",
            Field::Department => "科室",
            Field::Responsible => "责任单位及人员",
        }
    }

    /// How much a hit in this field counts (the title and the place count most).
    pub(crate) fn weight(self) -> i64 {
        match self {
            Field::Check | Field::Description | Field::Keyword => 10,
            Field::Hazard | Field::Location => 8,
            Field::Facility | Field::Department => 6,
            Field::ItemId | Field::Responsible => 5,
            Field::Guidance | Field::Measures => 4,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Record {
    pub target: Target,
    pub line: u16,
    pub fields: Box<[(Field, TextId)]>,
    /// None for checklist items.
    pub status: Option<Status>,
    pub severity: Severity,
    pub due: Option<NaiveDate>,
    /// Day found (days since the epoch) for findings; catalog position for items.
    pub day_or_order: i32,
    /// Section name (items) or nothing.
    pub section: Option<TextId>,
}

impl Record {
    pub(crate) fn text_of(&self, field: Field) -> Option<TextId> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, t)| *t)
    }
}

pub struct Index {
    pub(crate) readings: Readings,
    pub(crate) texts: Vec<Text>,
    text_ids: HashMap<u64, TextId>,
    pub(crate) records: Vec<Option<Record>>,
    free: Vec<u32>,
    findings: HashMap<Uuid, u32>,
    /// (id, Chinese name) of every line seen, in catalog order first.
    pub(crate) lines: Vec<(String, String)>,
    pub(crate) matcher: SkimMatcherV2,
}

impl Index {
    /// An index of the catalog's items and the given findings (retracted ones are left out).
    pub fn build(catalog: &Catalog, findings: impl IntoIterator<Item = Finding>) -> Index {
        let mut index = Index::of_catalog(catalog);
        for f in findings {
            index.upsert_finding(&f);
        }
        index
    }

    /// An index of the catalog only; add findings with `upsert_doc` / `upsert_finding`.
    pub fn of_catalog(catalog: &Catalog) -> Index {
        let mut index = Index {
            readings: Readings::new(),
            texts: Vec::new(),
            text_ids: HashMap::new(),
            records: Vec::new(),
            free: Vec::new(),
            findings: HashMap::new(),
            lines: Vec::new(),
            matcher: SkimMatcherV2::default(),
        };
        for list in &catalog.lines {
            index.line_of(&list.line, &list.name);
        }
        let mut order = 0;
        for list in &catalog.lines {
            let line = index.line_of(&list.line, &list.name);
            for section in &list.sections {
                let section_text = index.intern(&section.name);
                for item in &section.items {
                    let mut fields = vec![
                        (Field::Check, index.intern(&item.check)),
                        (Field::Hazard, index.intern(&item.hazard)),
                        (Field::Guidance, index.intern(&item.how)),
                        (Field::Measures, index.intern(&item.measures)),
                        (Field::ItemId, index.intern(&item.id)),
                    ];
                    for k in &item.keywords {
                        fields.push((Field::Keyword, index.intern(k)));
                    }
                    index.records.push(Some(Record {
                        target: Target::Item(item.id.clone()),
                        line,
                        fields: fields.into_boxed_slice(),
                        status: None,
                        severity: item.severity,
                        due: None,
                        day_or_order: order,
                        section: Some(section_text),
                    }));
                    order += 1;
                }
            }
        }
        index
    }

    /// Adds or replaces a finding (a retracted finding is removed).
    pub fn upsert_finding(&mut self, f: &Finding) {
        self.upsert_doc(&FindingDoc::from(f));
    }

    pub fn upsert_doc(&mut self, f: &FindingDoc) {
        if f.retracted {
            self.remove(f.id);
            return;
        }
        let line = self.line_of(&f.line, &f.line);
        let mut fields = Vec::with_capacity(6);
        for (field, text) in [
            (Field::Description, &f.description),
            (Field::Location, &f.location),
            (Field::Facility, &f.facility),
            (Field::Department, &f.department),
            (Field::Measures, &f.measures),
            (Field::Responsible, &f.responsible),
        ] {
            if !text.is_empty() {
                fields.push((field, self.intern(text)));
            }
        }
        let day = f.created_at.timestamp().div_euclid(86_400) as i32;
        let record = Record {
            target: Target::Finding(f.id),
            line,
            fields: fields.into_boxed_slice(),
            status: Some(f.status),
            severity: f.severity,
            due: f.due,
            day_or_order: day,
            section: None,
        };
        match self.findings.get(&f.id) {
            Some(slot) => self.records[*slot as usize] = Some(record),
            None => {
                let slot = match self.free.pop() {
                    Some(s) => {
                        self.records[s as usize] = Some(record);
                        s
                    }
                    None => {
                        self.records.push(Some(record));
                        (self.records.len() - 1) as u32
                    }
                };
                self.findings.insert(f.id, slot);
            }
        }
    }

    /// Drops a finding (retracted, or gone). Its texts stay pooled: they are shared.
    pub fn remove(&mut self, id: Uuid) {
        if let Some(slot) = self.findings.remove(&id) {
            self.records[slot as usize] = None;
            self.free.push(slot);
        }
    }

    pub fn finding_count(&self) -> usize {
        self.findings.len()
    }

    pub fn item_count(&self) -> usize {
        self.records.len() - self.free.len() - self.findings.len()
    }

    /// Distinct texts held (each prepared once however many records share it).
    pub fn text_count(&self) -> usize {
        self.texts.len()
    }

    /// An estimate of the heap bytes the index holds, from its data structures.
    pub fn memory_bytes(&self) -> usize {
        let texts: usize = self.texts.iter().map(Text::bytes).sum();
        let records: usize = self
            .records
            .iter()
            .map(|r| {
                std::mem::size_of::<Option<Record>>()
                    + r.as_ref().map_or(0, |r| {
                        r.fields.len() * std::mem::size_of::<(Field, TextId)>()
                            + match &r.target {
                                Target::Item(id) => id.len(),
                                Target::Finding(_) => 0,
                            }
                    })
            })
            .sum();
        texts
            + records
            + self.readings.bytes()
            + self.text_ids.capacity() * 16
            + self.findings.capacity() * 24
            + self.free.capacity() * 4
    }

    pub(crate) fn line_of(&mut self, id: &str, name: &str) -> u16 {
        if let Some(i) = self.lines.iter().position(|(l, _)| l == id) {
            return i as u16;
        }
        self.lines.push((id.to_string(), name.to_string()));
        (self.lines.len() - 1) as u16
    }

    fn intern(&mut self, text: &str) -> TextId {
        let mut h = DefaultHasher::new();
        text.hash(&mut h);
        let key = h.finish();
        if let Some(id) = self.text_ids.get(&key)
            && *self.texts[*id as usize].original == *text
        {
            return *id;
        }
        let id = self.texts.len() as TextId;
        self.texts.push(Text::new(text, &mut self.readings));
        // On the (rare) hash collision the newer text simply goes unshared.
        self.text_ids.entry(key).or_insert(id);
        id
    }
}
