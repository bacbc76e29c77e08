//! The index: one record per checklist item and per finding, each a list of fields pointing
//! into a pool of distinct texts (facility, department, location, measures and many
//! descriptions repeat, so each distinct string is prepared and matched once per keystroke).

use super::chars::Chars;
use super::doc::FindingDoc;
use super::grams::Grams;
use super::memo::MemoCache;
use super::pairs::SeamSig;
use super::text::{Readings, Text};
use crate::catalog::Catalog;
use crate::domain::{Finding, Severity, Status};
use chrono::NaiveDate;
use fuzzy_matcher::skim::SkimMatcherV2;
use hashbrown::HashTable;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::OnceLock;
use uuid::Uuid;

pub(crate) type TextId = u32;

/// What a hit points at: open it with `catalog.item(id)` or `ctx.finding_by_id(id)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Target {
    Item(String),
    Finding(Uuid),
    /// A chemical of the 储存台账: open it with `ops::chemical_by_id`.
    Chemical(Uuid),
    /// A piece of special equipment: open it with `ops::equipment_by_id`.
    Equipment(Uuid),
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
    /// A chemical's name (危险化学品 register).
    Chemical,
    /// A piece of equipment's name (特种设备 register).
    Equipment,
    /// A chemical's class (易燃液体 …) or an equipment's kind (电梯 …).
    Kind,
    /// CAS No. or 使用登记证号.
    RegisterNo,
    /// A register entry's 储存地点 / 安装地点.
    Place,
    /// 制造单位 and 出厂编号.
    Maker,
}

impl Field {
    /// Every field, in the order declared: a field's number (`as u32`) is its place here.
    pub(crate) const ALL: [Field; 17] = [
        Field::Check,
        Field::Guidance,
        Field::Keyword,
        Field::Hazard,
        Field::Measures,
        Field::ItemId,
        Field::Description,
        Field::Location,
        Field::Facility,
        Field::Department,
        Field::Responsible,
        Field::Chemical,
        Field::Equipment,
        Field::Kind,
        Field::RegisterNo,
        Field::Place,
        Field::Maker,
    ];

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
            Field::Chemical => "化学品名称",
            Field::Equipment => "设备名称",
            Field::Kind => "类别",
            Field::RegisterNo => "登记编号",
            Field::Place => "地点",
            Field::Maker => "制造单位",
        }
    }

    /// How much a hit in this field counts (the title and the place count most).
    pub(crate) fn weight(self) -> i64 {
        match self {
            // The name of a register entry is the thing itself: typed whole, it comes before
            // the checklist items that mention it.
            Field::Chemical | Field::Equipment => 11,
            Field::Check | Field::Description | Field::Keyword => 10,
            Field::Hazard | Field::Location | Field::Place => 8,
            Field::Facility | Field::Department | Field::Kind => 6,
            Field::ItemId | Field::Responsible | Field::RegisterNo => 5,
            Field::Guidance | Field::Measures | Field::Maker => 4,
        }
    }
}

/// Bits of a `FieldText` that hold the text id; the field takes the 5 above them.
const TEXT_BITS: u32 = 27;

/// Texts an index can hold (134 million: each costs hundreds of bytes, so memory runs out
/// long before).
const MAX_TEXTS: usize = 1 << TEXT_BITS;

/// One (field, text) pair of a record in 4 bytes, the field in the top 5 bits: at 100,000
/// findings of 6 fields each, 2.4 MB in the index and as much again in each keystroke's plan
/// (`plan`), where a (Field, TextId) pair took 8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FieldText(u32);

impl FieldText {
    pub(crate) fn new(field: Field, text: TextId) -> FieldText {
        debug_assert!((text as usize) < MAX_TEXTS);
        FieldText((field as u32) << TEXT_BITS | text)
    }

    pub(crate) fn field(self) -> Field {
        Field::ALL[(self.0 >> TEXT_BITS) as usize]
    }

    pub(crate) fn text(self) -> TextId {
        self.0 & (MAX_TEXTS as u32 - 1)
    }

    /// Both halves.
    pub(crate) fn get(self) -> (Field, TextId) {
        (self.field(), self.text())
    }
}

/// What a hit needs to show a record (read for the page of hits only), made from the slot's
/// `Cold` part by `Index::record`.
#[derive(Debug)]
pub(crate) struct Record {
    pub target: Target,
    pub severity: Severity,
    /// Section name (items) or nothing.
    pub section: Option<TextId>,
    /// A retracted (已撤销) finding: found, and shown as such.
    pub retracted: bool,
}

/// What every keystroke reads of every record: small, inline, in one array, so the scan
/// walks memory in order (20 bytes: at 100,000 findings every byte here is 100 KB).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hot {
    pub alive: bool,
    /// A retracted (已撤销) finding: matches no status filter but `status:retracted`.
    pub retracted: bool,
    pub line: u16,
    /// None for checklist items.
    pub status: Option<Status>,
    pub due: Option<NaiveDate>,
    /// Day found (days since the epoch) for findings; catalog position for items.
    pub day_or_order: i32,
    /// This record's (field, text) pairs are `field_list[fields_at..fields_at + fields_len]`.
    pub fields_at: u32,
    pub fields_len: u16,
}

const _: () = assert!(std::mem::size_of::<Hot>() == 20);

/// What kind of record a slot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A removed finding's slot, waiting in `free`.
    Free,
    /// A checklist item: `Cold::id` is its position in `Index::items`.
    Item,
    Finding,
    Chemical,
    Equipment,
}

/// What only the page of hits and the ranking's last tie-break read of a record: 18 bytes
/// a slot (the `Record` it stands for took 48).
#[derive(Debug, Clone, Copy)]
struct Cold {
    /// The finding's or register entry's id; for an item, its position in `Index::items`.
    id: Uuid,
    kind: Kind,
    severity: Severity,
}

const _: () = assert!(std::mem::size_of::<Cold>() == 18);

pub struct Index {
    pub(crate) readings: Readings,
    pub(crate) texts: Vec<Text>,
    /// `texts[i].bloom()`, dense: the first test of every text per keystroke reads only this.
    pub(crate) blooms: Vec<u128>,
    /// `texts[i].shortest_word()`, dense: whether a text not yet matched can give a whole-word
    /// hit (`bound`).
    pub(crate) words: Vec<u8>,
    /// `texts[i].seams()`, dense, read right after the bloom (`pairs::Need`); held here only.
    pub(crate) seams: Vec<SeamSig>,
    /// The letter pairs inside the readings of text i's chars (`pairs::InnerSlots`), dense,
    /// read with its cross pairs.
    pub(crate) inners: Vec<u128>,
    /// Each distinct text's id, found by the text's hash (`text_hash`) and compared through
    /// `Text::is`: 4 bytes and a control byte a text, where a map from hash to id
    /// took 17.
    text_ids: HashTable<TextId>,
    /// Per slot, beside `hot`: what a hit shows (`record`) and the last tie-break (`tie`).
    cold: Vec<Cold>,
    /// Checklist items' ids and section names, by `Cold::id` (a few hundred).
    items: Vec<(String, TextId)>,
    pub(crate) hot: Vec<Hot>,
    /// All records' fields, back to back; a replaced record's old run is left unused.
    pub(crate) field_list: Vec<FieldText>,
    pub(crate) free: Vec<u32>,
    /// The slots of the findings, found by their id (`cold[slot].id`; `id_hash`): 4 bytes and
    /// a control byte a finding, where a map from id to slot took 21.
    findings: HashTable<u32>,
    /// Register entries (chemicals, equipment) by id: their slots.
    pub(crate) registers: HashMap<Uuid, u32>,
    /// (id, Chinese name) of every line seen, in catalog order first.
    pub(crate) lines: Vec<(String, String)>,
    pub(crate) matcher: SkimMatcherV2,
    /// Live slots, items first, then findings newest first; made on first use after a change.
    by_recency: OnceLock<Vec<u32>>,
    /// The last search's per-text matches, reused while the query is typed.
    pub(crate) memos: MemoCache,
    /// Each text's close letter pairs, for the fuzzy pass (`grams`).
    pub(crate) grams: Grams,
    /// The texts holding each char outside ASCII (`chars`).
    pub(crate) chars: Chars,
}

impl Index {
    /// An index of the catalog's items and the given findings (retracted ones marked).
    pub fn build(catalog: &Catalog, findings: impl IntoIterator<Item = Finding>) -> Index {
        let mut index = Index::of_catalog(catalog);
        for f in findings {
            index.upsert_finding(&f);
        }
        index
    }

    /// An index of the catalog only; add findings with `upsert_doc` / `upsert_finding`.
    pub fn of_catalog(catalog: &Catalog) -> Index {
        let mut index = Index::empty();
        for list in &catalog.lines {
            index.line_of(&list.line, &list.name);
        }
        index.add_items(catalog);
        index
    }

    /// An index holding nothing.
    pub(crate) fn empty() -> Index {
        Index {
            readings: Readings::new(),
            texts: Vec::new(),
            blooms: Vec::new(),
            words: Vec::new(),
            seams: Vec::new(),
            inners: Vec::new(),
            text_ids: HashTable::new(),
            cold: Vec::new(),
            items: Vec::new(),
            hot: Vec::new(),
            field_list: Vec::new(),
            free: Vec::new(),
            findings: HashTable::new(),
            registers: HashMap::new(),
            lines: Vec::new(),
            matcher: SkimMatcherV2::default(),
            by_recency: OnceLock::new(),
            memos: MemoCache::default(),
            grams: Grams::default(),
            chars: Chars::default(),
        }
    }

    fn add_items(&mut self, catalog: &Catalog) {
        let index = self;
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
                    let hot = index.hot_of(line, None, None, order, &fields);
                    index.push_item(item.id.clone(), section_text, item.severity, hot);
                    order += 1;
                }
            }
        }
    }

    /// Adds or replaces a finding (a retracted one stays findable, marked, never overdue).
    pub fn upsert_finding(&mut self, f: &Finding) {
        self.upsert_doc(&FindingDoc::from(f));
    }

    pub fn upsert_doc(&mut self, f: &FindingDoc) {
        self.changed();
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
        // A retracted finding has no deadline in force: never overdue.
        let due = if f.retracted { None } else { f.due };
        let mut hot = self.hot_of(line, Some(f.status), due, day, &fields);
        hot.retracted = f.retracted;
        if let Some(slot) = self.finding_slot(f.id) {
            self.cold[slot as usize].severity = f.severity;
            self.hot[slot as usize] = hot;
        } else {
            self.insert_finding(f.id, f.severity, hot);
        }
    }

    /// Adds a finding the index does not hold.
    pub(crate) fn insert_finding(&mut self, id: Uuid, severity: Severity, hot: Hot) {
        let slot = self.put(
            Cold {
                id,
                kind: Kind::Finding,
                severity,
            },
            hot,
        );
        let cold = &self.cold;
        self.findings
            .insert_unique(id_hash(id), slot, |s| id_hash(cold[*s as usize].id));
    }

    /// Gives back the arrays' spare capacity (after a load whose sizes were not known).
    pub(crate) fn shrink(&mut self) {
        self.hot.shrink_to_fit();
        self.cold.shrink_to_fit();
        self.field_list.shrink_to_fit();
    }

    /// Puts a new record in a free slot, else a new one: its slot.
    fn put(&mut self, cold: Cold, hot: Hot) -> u32 {
        match self.free.pop() {
            Some(s) => {
                self.cold[s as usize] = cold;
                self.hot[s as usize] = hot;
                s
            }
            None => {
                self.cold.push(cold);
                self.hot.push(hot);
                (self.hot.len() - 1) as u32
            }
        }
    }

    /// Adds a checklist item (items are never removed).
    pub(crate) fn push_item(&mut self, id: String, section: TextId, severity: Severity, hot: Hot) {
        self.cold.push(Cold {
            id: Uuid::from_u128(self.items.len() as u128),
            kind: Kind::Item,
            severity,
        });
        self.items.push((id, section));
        self.hot.push(hot);
    }

    /// Adds a register entry (`kind` Chemical or Equipment), or replaces the one in
    /// `existing`: its slot.
    pub(crate) fn put_register(
        &mut self,
        kind: Kind,
        id: Uuid,
        existing: Option<u32>,
        hot: Hot,
    ) -> u32 {
        let cold = Cold {
            id,
            kind,
            severity: Severity::General,
        };
        match existing {
            Some(s) => {
                self.cold[s as usize] = cold;
                self.hot[s as usize] = hot;
                s
            }
            None => self.put(cold, hot),
        }
    }

    /// The slot holding finding `id`.
    pub(crate) fn finding_slot(&self, id: Uuid) -> Option<u32> {
        self.findings
            .find(id_hash(id), |s| self.cold[*s as usize].id == id)
            .copied()
    }

    /// Whether the index holds finding `id`.
    pub fn has_finding(&self, id: Uuid) -> bool {
        self.finding_slot(id).is_some()
    }

    /// The ids of the findings held, in no particular order.
    pub fn finding_ids(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.findings.iter().map(|s| self.cold[*s as usize].id)
    }

    /// What a hit shows of the record in `slot`; None for a free slot.
    pub(crate) fn record(&self, slot: u32) -> Option<Record> {
        let c = self.cold.get(slot as usize)?;
        let (target, section) = match c.kind {
            Kind::Free => return None,
            Kind::Item => {
                let (id, section) = &self.items[c.id.as_u128() as usize];
                (Target::Item(id.clone()), Some(*section))
            }
            Kind::Finding => (Target::Finding(c.id), None),
            Kind::Chemical => (Target::Chemical(c.id), None),
            Kind::Equipment => (Target::Equipment(c.id), None),
        };
        Some(Record {
            target,
            severity: c.severity,
            section,
            retracted: self.hot[slot as usize].retracted,
        })
    }

    /// The ranking's last tie-breaker for the record in `slot`: the catalog position of an
    /// item, else the id (as a u128).
    pub(crate) fn tie(&self, slot: u32) -> u128 {
        let c = &self.cold[slot as usize];
        match c.kind {
            Kind::Item => self.hot[slot as usize].day_or_order as u128,
            _ => c.id.as_u128(),
        }
    }

    /// Drops a finding (retracted, or gone). Its texts stay pooled: they are shared.
    pub fn remove(&mut self, id: Uuid) {
        let cold = &self.cold;
        if let Ok(entry) = self
            .findings
            .find_entry(id_hash(id), |s| cold[*s as usize].id == id)
        {
            let (slot, _) = entry.remove();
            self.changed();
            self.cold[slot as usize].kind = Kind::Free;
            self.hot[slot as usize].alive = false;
            self.free.push(slot);
        }
    }

    pub(crate) fn changed(&mut self) {
        self.by_recency.take();
        self.memos.clear();
    }

    /// Live slots, checklist items first (catalog order), then findings newest first.
    pub(crate) fn by_recency(&self) -> &[u32] {
        self.by_recency.get_or_init(|| {
            let mut slots: Vec<u32> = (0..self.hot.len() as u32)
                .filter(|s| self.hot[*s as usize].alive)
                .collect();
            slots.sort_by_key(|s| {
                let h = &self.hot[*s as usize];
                match h.status {
                    None => (false, h.day_or_order),
                    Some(_) => (true, -h.day_or_order),
                }
            });
            slots
        })
    }

    pub fn finding_count(&self) -> usize {
        self.findings.len()
    }

    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// Register entries (chemicals and equipment) held.
    pub fn register_count(&self) -> usize {
        self.registers.len()
    }

    /// Distinct texts held (each prepared once however many records share it).
    pub fn text_count(&self) -> usize {
        self.texts.len()
    }

    /// Heap bytes of the per-char text lists (`chars`), a part of `memory_bytes`: what the
    /// Chinese-term narrowing costs.
    pub fn char_list_bytes(&self) -> usize {
        self.chars.bytes()
    }

    /// An estimate of the heap bytes the index holds, from its data structures.
    pub fn memory_bytes(&self) -> usize {
        self.memory_parts().iter().map(|(_, b)| b).sum()
    }

    /// `memory_bytes` part by part (name, bytes), to see what each costs.
    pub fn memory_parts(&self) -> Vec<(&'static str, usize)> {
        let size = std::mem::size_of::<Hot>();
        vec![
            ("texts", self.texts.iter().map(Text::bytes).sum()),
            (
                "per-text filters",
                self.blooms.capacity() * 16
                    + self.words.capacity()
                    + self.seams.capacity() * std::mem::size_of::<SeamSig>()
                    + self.inners.capacity() * 16,
            ),
            ("readings", self.readings.bytes()),
            ("text ids", self.text_ids.allocation_size()),
            ("hot", self.hot.capacity() * size),
            (
                "cold",
                self.cold.capacity() * std::mem::size_of::<Cold>()
                    + self
                        .items
                        .iter()
                        .map(|(id, _)| 28 + id.len())
                        .sum::<usize>(),
            ),
            (
                "field list",
                self.field_list.capacity() * std::mem::size_of::<FieldText>(),
            ),
            (
                "ids",
                self.findings.allocation_size() + self.registers.capacity() * 24,
            ),
            (
                "free, by recency",
                self.free.capacity() * 4 + self.by_recency.get().map_or(0, |o| o.capacity() * 4),
            ),
            (
                "memos, plans",
                self.memos.bytes() - self.memos.postings_bytes(),
            ),
            ("postings", self.memos.postings_bytes()),
            ("grams", self.grams.bytes()),
            ("chars", self.chars.bytes()),
        ]
    }

    pub(crate) fn hot_of(
        &mut self,
        line: u16,
        status: Option<Status>,
        due: Option<NaiveDate>,
        day_or_order: i32,
        fields: &[(Field, TextId)],
    ) -> Hot {
        let at = self.field_list.len() as u32;
        self.field_list
            .extend(fields.iter().map(|(f, t)| FieldText::new(*f, *t)));
        Hot {
            alive: true,
            retracted: false,
            line,
            status,
            due,
            day_or_order,
            fields_at: at,
            fields_len: fields.len() as u16,
        }
    }

    pub(crate) fn fields(&self, slot: u32) -> &[FieldText] {
        let h = &self.hot[slot as usize];
        &self.field_list[h.fields_at as usize..h.fields_at as usize + h.fields_len as usize]
    }

    pub(crate) fn text_of(&self, slot: u32, field: Field) -> Option<TextId> {
        self.fields(slot)
            .iter()
            .find(|ft| ft.field() == field)
            .map(|ft| ft.text())
    }

    pub(crate) fn line_of(&mut self, id: &str, name: &str) -> u16 {
        if let Some(i) = self.lines.iter().position(|(l, _)| l == id) {
            return i as u16;
        }
        self.lines.push((id.to_string(), name.to_string()));
        (self.lines.len() - 1) as u16
    }

    pub(crate) fn intern(&mut self, text: &str) -> TextId {
        let key = text_hash(text.chars());
        let texts = &self.texts;
        if let Some(id) = self.text_ids.find(key, |id| texts[*id as usize].is(text)) {
            return *id;
        }
        // A text id must fit in a `FieldText`.
        assert!(
            self.texts.len() < MAX_TEXTS,
            "too many texts for the search index"
        );
        let id = self.texts.len() as TextId;
        let t = Text::new(text, &mut self.readings);
        self.blooms.push(t.bloom(&self.readings));
        self.words.push(t.shortest_word());
        self.seams.push(t.seams(&self.readings));
        self.inners.push(self.readings.inner_of(t.sets()));
        self.grams.push(&t, &self.readings);
        self.chars.push(&t);
        self.texts.push(t);
        let texts = &self.texts;
        self.text_ids.insert_unique(key, id, |id| {
            text_hash(texts[*id as usize].original_chars())
        });
        id
    }

    /// Room for `n` more texts in the per-text arrays (a load that knows their number).
    pub(crate) fn reserve_texts(&mut self, n: usize) {
        self.texts.reserve_exact(n);
        self.blooms.reserve_exact(n);
        self.words.reserve_exact(n);
        self.seams.reserve_exact(n);
        self.inners.reserve_exact(n);
        self.grams.reserve(n);
        let texts = &self.texts;
        self.text_ids
            .reserve(n, |id| text_hash(texts[*id as usize].original_chars()));
    }
}

/// A text's hash for `Index::text_ids`, from its chars (a stored text keeps its chars, not
/// its string).
fn text_hash(chars: impl Iterator<Item = char>) -> u64 {
    let mut h = DefaultHasher::new();
    chars.for_each(|c| h.write_u32(c as u32));
    h.finish()
}

/// A finding id's hash for `Index::findings`. Ids are random but for their time prefix (v7):
/// the halves folded and mixed.
fn id_hash(id: Uuid) -> u64 {
    let v = id.as_u128();
    ((v as u64) ^ (v >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}
