//! The one door: every use case and every read model, one function each (validate, append
//! events, return the result). The CLI and the TUI both call these; neither names the store, and
//! `tests/it/architecture.rs` holds every module to the layers in README.md.

mod answer_note;
mod browse;
mod chem;
mod clock;
mod demo;
mod demo_registers;
mod demo_registry;
mod device;
mod draft;
mod draft_files;
#[cfg(test)]
mod ent_checks;
mod equipment;
mod facility;
mod filter;
mod finding;
mod finding_place;
mod form_gaps;
mod heap;
#[cfg(test)]
mod idx_group_checks;
mod input;
mod inspection;
mod inspection_facility;
mod labels;
#[cfg(test)]
mod model_checks;
mod notice;
mod org;
mod patrol;
mod patrol_visit;
mod peers;
mod photo;
mod photo_folder;
mod photo_gc;
mod plan;
#[cfg(test)]
mod plan_checks;
mod reanswer;
mod recover;
mod register;
mod register_hazard;
mod register_risk;
mod register_select;
mod registry_cache;
mod registry_pick;
mod row_name;
mod search;
mod search_detached;
mod search_file;
mod search_gather;
mod search_seal;
mod setup;
mod signoff;
mod stats;
mod sync;
#[cfg(test)]
pub(crate) mod test_support;
mod tools;
mod unchanged;
mod views;

pub use crate::photo::human_size;
pub use crate::report::{
    ExportSummary, FormFormat, LedgerFilter, LedgerFormat, ReportError, default_export_path,
};
pub use answer_note::set_answer_note;
pub use browse::{FacilityRow, all_inspections, facility_rows};
pub use chem::set_chemical_fields;
pub use chem::{
    NewChemical, NewMovement, RegisterExport, add_chemical, check_cas, chemical, chemical_by_id,
    chemicals, export_chem, hazard_links, hazards_of, link_hazard, move_chemical,
    set_chemical_field,
};
pub use clock::{AHEAD_LIMIT_MS, BEHIND_TOLERANCE_MS, clock_warning, clock_warning_at};
pub use demo::{DemoSummary, demo, demo_store};
pub use demo_registry::seed as seed_demo_registry;
pub use device::{describe_self, device_label_in, host_name};
pub use draft::{
    FindingDraft, clear_draft, fail_with_finding, fail_with_finding_at, finding_drafts, load_draft,
    save_draft,
};
pub use draft_files::{
    DraftKey, MAX_DRAFT_BYTES, clear_draft_at, clear_note_drafts, load_draft_at, save_draft_at,
};
pub use equipment::set_equipment_fields;
pub use equipment::{
    DueCounts, DueItem, NewEquipment, add_equipment, due, due_counts, equipment, equipment_by_id,
    equipment_list, export_equipment, record_check, record_operator, set_equipment_field,
};
pub use facility::{
    NewFacility, add_facility, add_place, edit_facility, export_risk_list, facility,
    facility_value, high_risk_at, import_facilities, merge_facilities, place, registry,
    set_place_fields, typed_names, unregistered_names,
};
pub use filter::resolve_filter;
pub use finding::{
    NewFinding, comment, escalate, record_finding, rectify, rectify_completed, rectify_reported,
    retract, set_field, settle_conflict, settle_steps, verify, verify_signed,
};
pub use finding_place::{PlaceIntent, PlaceOutcome, RecordedFinding, record_finding_at};
pub use form_gaps::{blank_form_fields, blank_form_fields_text};
pub use heap::{lean_heap, trim_heap};
pub use input::Input;
pub use inspection::{
    NewInspection, answer, finish_inspection, join_inspection, start_inspection,
    start_led_inspection,
};
pub use inspection_facility::{FacilityIntent, StartOutcome, alike, likeness, start_inspection_at};
pub use notice::{
    DemoNumbers, earlier_wenhao, issue_notice, next_number, notice_due, notice_hazard, series_of,
};
pub use org::{
    Approved, AsideRun, OrgInfo, Roster, RosterRow, approve, org_card, org_info, org_init,
    org_join, revoke, roster, roster_namer, trust_lines,
};
pub use patrol::{PATROL_LINE, VisitRow, finish_patrol, patrol, patrol_log, patrols, start_patrol};
pub use patrol_visit::{VisitOutcome, abnormal_finding, patrol_visit, patrol_visit_abnormal};
pub use peers::{device_name, peer_line, peer_lines, peers};
pub use photo::{
    MAX_PHOTOS_PER_ATTACH, PhotoLine, attach_photos, attach_photos_with, default_stage,
    finding_photos, photo_file, photo_for_screen, remove_photo,
};
pub use photo_folder::{
    FolderEntry, MAX_LISTED, PhotoFolder, complete_path, default_photo_dir, expand_home,
    list_photo_folder,
};
pub use photo_gc::{PhotoGcReport, photo_gc};
pub use plan::{
    BUILTIN_RULES, builtin_rules, export_coverage, load_rules, plan_panel, plan_status,
};
pub use reanswer::{HazardStep, reanswer_with_step};
pub use recover::{RecoverError, RecoveryReport, recover};
pub use register::{
    FIRST_SCREEN_ROWS, RegisterFilter, RegisterView, RetractedView, SortDue, register_first_screen,
    register_rows, register_view,
};
pub use register_hazard::{
    CHEMICAL_LINE, EQUIPMENT_LINE, RegisterHazard, hazard_prefill, record_finding_on,
};
pub use register_select::{RegisterSelection, register_select};
pub use registry_pick::{
    EntryPlace, FacilityChoice, FacilityPlaces, PlaceChoice, PlaceMatch, entry_place,
    facility_choices, link_of, match_place, pick_facilities, pick_places, place_choices, places_of,
    registry_choices, resolve_facility, resolve_place, unregistered_entries,
};
pub use row_name::{Code, Name};
pub use search::{
    RecordName, SearchOutcome, index_finding, let_go_of_search_index, load_search_index,
    may_name_a_record, put_named_first, put_named_record_first, record_name, resolve_query, search,
};
pub use search_detached::{FileSearch, plan_file_search};
pub use search_file::{INDEX_FILE, IndexSource, search_index};
pub use search_seal::sealed_search_index;
pub use setup::{
    Opened, open, open_at, open_import, open_one_pass, open_tui, open_tui_at, recorded_checklists,
};
pub use signoff::{RECEIVER, REPORTER, SignerFields, VERIFIER, receive_notice, signer};
pub use stats::{Stats, StatsRow, Tally, stats};
pub use sync::{
    BundleNote, Cancel, DeviceCount, DeviceGaps, EventNote, ForkNote, ForkOutcome, RejectKind,
    Rejection, SyncOptions, SyncReport, SyncStatus, sync, sync_status,
};
pub use tools::{
    DeviceInfo, RebuildReport, compact_data_dir, device, doctor, export_finding_notice,
    export_inspection_form, export_inspection_form_as, export_ledger, export_ledger_closing,
    export_ledger_filtered, export_notice,
};
pub use unchanged::{OpenMark, Teardown, close_opened};
pub use views::{
    ChecklistData, HazardBrief, HomeData, InspectionSummary, LineCount, LineInfo, RegisterRow,
    SyncInfo, checklist, facilities, home, line_infos, sync_info,
};

use crate::catalog::{Catalog, Item};
use crate::domain::{Checklist, Finding, FindingQuery, Inspection, LifecycleError, Now, Org};
use crate::search::Index;
use crate::store::{Store, StoreError};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// Everything an operation needs: the store (sealed: only ops reads or writes it), the
/// checklists, who acts and when, and the search index once built.
pub struct Ctx {
    store: Store,
    pub catalog: Catalog,
    pub now: Now,
    pub author: String,
    /// The organisation profile: issuer and 机关代字 of the 四书, names on the forms.
    pub org: Org,
    /// N of the office's 待复查超过N天 queue (config `review_days`, default 7).
    pub review_days: i64,
    /// Built on the first search, kept current by `index_finding`, dropped after a sync.
    index: Option<Index>,
    /// The rules of frequency in force (built in, or the user's `frequency.toml`).
    pub rules: Vec<crate::domain::Rule>,
    /// Cap on one photo file as attached, in bytes (config `photo_max_mb`, default 20 MB).
    pub photo_max_bytes: u64,
    /// The facility registry as last folded, with its stamp (`registry_cache.rs`).
    registry: registry_cache::RegistryCache,
    /// Every patrol as last folded, with its stamp (`registry_cache.rs`).
    patrols: registry_cache::PatrolCache,
}

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// Bad input: names the field and why; nothing was written. The field is typed, so the CLI
    /// can name its flag and the TUI its form field.
    #[error("{}：{message}", field.label())]
    Invalid { field: Input, message: String },
    /// Start-up could not read its settings (config file, clock); the message names the file.
    #[error("{0}")]
    Setup(String),
    /// The user stopped a long run (sync, export); nothing of the unfinished part was kept.
    #[error("已取消：{0}")]
    Cancelled(String),
    /// The sync folder cannot be used (missing, not writable, not a sync folder).
    #[error("{0}")]
    Folder(String),
    /// An export could not be written; the message names the path.
    #[error(transparent)]
    Report(Box<crate::report::ReportError>),
    #[error("找不到{what}「{id}」")]
    NotFound { what: &'static str, id: String },
    /// Someone else's inspection: answering or finishing it needs joining it first.
    #[error("该检查由 {inspectors} 进行；作答或结束前须先加入该检查")]
    NotOwner { inspectors: String },
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl OpsError {
    /// A refusal of one input; `field` is an [`Input`] or its Chinese label.
    pub fn invalid(field: impl Into<Input>, message: impl Into<String>) -> OpsError {
        OpsError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Whether the user can fix it by changing the input (exit status 2 in the CLI).
    pub fn is_user_error(&self) -> bool {
        match self {
            OpsError::Store(StoreError::Db(_) | StoreError::Corrupt(_) | StoreError::Io(_)) => {
                false
            }
            OpsError::Report(r) => r.is_user_error(),
            _ => true,
        }
    }

    /// The input a refusal is about, if it is about one.
    pub fn field(&self) -> Option<&Input> {
        match self {
            OpsError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl From<crate::report::ReportError> for OpsError {
    fn from(e: crate::report::ReportError) -> OpsError {
        OpsError::Report(Box::new(e))
    }
}

pub type Result<T> = std::result::Result<T, OpsError>;

/// Trimmed, NFC-normalised text without control characters or bidi overrides
/// (`domain::sanitize`): what we store for anything a person typed.
pub fn clean(text: &str) -> String {
    crate::domain::sanitize::strip(text).trim().nfc().collect()
}

/// The longest name-like text accepted, in characters (Unicode scalar values): 单位, 科室,
/// 部位, 责任单位及人员, 检查人员. A hospital's full name with its campus is under 60.
pub const MAX_NAME_CHARS: usize = 200;

/// The longest free text accepted, in characters: 问题隐患, 整改措施, every note, reason and
/// comment. About two printed pages; far below the 32,767 characters of an XLSX cell, so an
/// export never fails on text that input accepted.
pub const MAX_TEXT_CHARS: usize = 4000;

/// `clean`, then refused (naming the field) when longer than `max` characters.
///
/// Every free-text input and its maximum, in characters (what is longer is refused with the
/// field named, nothing saved):
/// - [`MAX_NAME_CHARS`] (200): 单位, 科室, 部位, 责任单位及人员, 检查人员 (each name given to
///   an inspection), 隐患类别, 整改资金, the inspector name this device signs with (config
///   `inspector`, `XUNCHA_USER`, the TUI's first-run form: [`inspector_name`]) and the
///   organisation profile (发文机关, 机关代字, 检查单位, 联系人, 联系电话: [`org_field`]);
/// - [`MAX_TEXT_CHARS`] (4,000): 问题隐患, 整改措施, 临时防范措施, every note (整改落实情况,
///   复查情况, 督办说明, 裁定说明, an answer's 备注), 备注 (comments) and 撤销原因.
///
/// A device's own description (inspector, host) is cut to 64 characters for labels.
///
/// # Errors
/// `Invalid` naming `field`.
pub fn limited(field: &str, text: &str, max: usize) -> Result<String> {
    let t = clean(text);
    let n = t.chars().count();
    if n > max {
        return Err(OpsError::invalid(
            field,
            format!("太长（{n} 字），最多 {max} 字"),
        ));
    }
    Ok(t)
}

/// The name this device signs its events with (the 记录人 of every history line): cleaned,
/// and refused when longer than [`MAX_NAME_CHARS`].
///
/// # Errors
/// `Invalid` naming 检查人员姓名.
pub fn inspector_name(raw: &str) -> Result<String> {
    limited("检查人员姓名", raw, MAX_NAME_CHARS)
}

/// One field of the organisation profile (`id` from `Org::FIELDS`), cleaned, and refused
/// when longer than [`MAX_NAME_CHARS`]. It is printed on every notice.
///
/// # Errors
/// `Invalid` naming the field by its Chinese label (发文机关, ...).
pub fn org_field(id: &str, raw: &str) -> Result<String> {
    let label = crate::domain::Org::FIELDS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or(id, |(_, l)| l);
    limited(label, raw, MAX_NAME_CHARS)
}

/// `limited` to `MAX_TEXT_CHARS`, and refused when empty.
pub fn required(field: &str, text: &str) -> Result<String> {
    required_max(field, text, MAX_TEXT_CHARS)
}

/// `limited` to `max` characters, and refused when empty.
pub fn required_max(field: &str, text: &str, max: usize) -> Result<String> {
    let t = limited(field, text, max)?;
    if t.is_empty() {
        return Err(OpsError::invalid(field, "不能为空"));
    }
    Ok(t)
}

impl Ctx {
    /// Ends a one-shot command: everything written is on disk, and the store is let go
    /// without sled's teardown (`Store::close_for_exit`). Only for a process that exits next.
    ///
    /// # Errors
    /// `Store` when the final flush fails.
    pub fn close_for_exit(self) -> Result<()> {
        Ok(self.store.close_for_exit()?)
    }

    /// A context over an open store; `author` signs every event it appends.
    pub fn new(store: Store, catalog: Catalog, now: Now, author: impl Into<String>) -> Ctx {
        Ctx {
            store,
            catalog,
            now,
            author: author.into(),
            org: Org::default(),
            review_days: crate::domain::DEFAULT_REVIEW_DAYS,
            index: None,
            rules: plan::builtin_rules(),
            photo_max_bytes: crate::photo::DEFAULT_MAX_BYTES,
            registry: Default::default(),
            patrols: Default::default(),
        }
    }

    /// The store itself, for tests and benchmarks of the store layer only. The faces never call
    /// this (`tests/it/architecture.rs` refuses it in `src/cli` and `src/tui`).
    #[doc(hidden)]
    pub fn raw_store(&self) -> &Store {
        &self.store
    }

    /// As [`Ctx::raw_store`], writable; tests and benchmarks only.
    #[doc(hidden)]
    pub fn raw_store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Gives the store back (closing the context), for tests that reopen it.
    #[doc(hidden)]
    pub fn into_store(self) -> Store {
        self.store
    }

    /// Findings recorded in the store (including retracted ones).
    pub fn finding_count(&self) -> usize {
        self.store.finding_count()
    }

    /// Events held (this device's and everyone else's).
    pub fn event_count(&self) -> u64 {
        self.store.event_count() as u64
    }

    pub fn finding(&self, id_text: &str) -> Result<Finding> {
        let id = self
            .store
            .resolve_finding(id_text)?
            .ok_or_else(|| OpsError::NotFound {
                what: "隐患",
                id: id_text.to_string(),
            })?;
        self.finding_by_id(id)
    }

    /// The full finding (with history), folded from its events.
    pub fn finding_by_id(&self, id: Uuid) -> Result<Finding> {
        self.store
            .finding_full(id)?
            .ok_or_else(|| OpsError::NotFound {
                what: "隐患",
                id: id.to_string(),
            })
    }

    pub fn inspection(&self, id_text: &str) -> Result<Inspection> {
        let id = self
            .store
            .resolve_inspection(id_text)?
            .ok_or_else(|| OpsError::NotFound {
                what: "检查",
                id: id_text.to_string(),
            })?;
        self.store
            .inspection(id)?
            .ok_or_else(|| OpsError::NotFound {
                what: "检查",
                id: id_text.to_string(),
            })
    }

    /// Findings matching `q`; 待复查超过N天 uses this context's N.
    pub fn list_findings(&self, q: &FindingQuery) -> Result<Vec<Finding>> {
        let q = FindingQuery {
            review_days: self.review_days,
            ..q.clone()
        };
        Ok(self.store.query(&q, self.now.today())?)
    }

    /// As [`Ctx::list_findings`], handing each finding to `each` as it is read instead of
    /// collecting them: `finding list` at 100,000 hazards prints as it reads and holds one
    /// finding at a time (issue 14: ≤ 80 MB resident).
    ///
    /// # Errors
    /// A store read error, or the first error `each` returns (reading stops there).
    pub fn for_each_finding(
        &self,
        q: &FindingQuery,
        each: impl FnMut(Finding) -> Result<()>,
    ) -> Result<()> {
        let q = FindingQuery {
            review_days: self.review_days,
            ..q.clone()
        };
        self.store.query_each(&q, self.now.today(), each)
    }

    /// An inspection by its id, if it is held.
    pub fn inspection_by_id(&self, id: Uuid) -> Result<Option<Inspection>> {
        Ok(self.store.inspection(id)?)
    }

    /// Inspections, newest first.
    pub fn list_inspections(&self) -> Result<Vec<Inspection>> {
        self.inspections_newest_first(|i| i)
    }

    /// Every inspection newest first (start time, then id), each handed whole to `keep` as it
    /// is read and held only as what `keep` returns: a list of 12,500 inspections of 50
    /// answers each keeps its summaries, not the answers (issue 14: ≤ 80 MB resident).
    ///
    /// # Errors
    /// `Store` when a view cannot be read or decoded.
    pub fn inspections_newest_first<T>(
        &self,
        mut keep: impl FnMut(Inspection) -> T,
    ) -> Result<Vec<T>> {
        let mut kept: Vec<(crate::domain::Stamp, Uuid, T)> = Vec::new();
        // Walked, so a store opened for one pass pages the views out as it goes.
        self.store.walk_inspection_json(|json| {
            let i: Inspection = serde_json::from_slice(json)
                .map_err(|e| crate::store::StoreError::Corrupt(format!("检查视图无法解析：{e}")))?;
            kept.push((i.started_at, i.id, keep(i)));
            Ok(())
        })?;
        kept.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        Ok(kept.into_iter().map(|(_, _, t)| t).collect())
    }

    /// Adds the checklist versions recorded in the log for lines this device has no file for
    /// (see `Catalog::adopt_recorded`). Run on start and after each import.
    pub fn adopt_recorded_checklists(&mut self) -> Result<()> {
        let versions = self.store.checklist_versions()?;
        self.catalog
            .adopt_recorded(versions.into_iter().map(|(_, c)| c).collect());
        Ok(())
    }

    /// The checklist of `line` as `inspection` used it: the recorded version when the loaded
    /// file has changed since (old inspections keep theirs), else the loaded one.
    pub fn checklist_for(&self, inspection: &Inspection, line: &str) -> Option<Checklist> {
        let loaded = self.catalog.line(line);
        if let Some(hash) = inspection.checklists.get(line)
            && self.catalog.hash_of(line) != Some(hash.as_str())
            && let Ok(Some(recorded)) = self.store.checklist_version(hash)
        {
            let mut recorded = recorded;
            recorded.source = crate::catalog::RECORDED_SOURCE.to_string();
            return Some(recorded);
        }
        let mut checklist = loaded.cloned()?;
        if inspection.checklists.is_empty() {
            keep_first_edition(&mut checklist, inspection);
        }
        Some(checklist)
    }

    /// Every item of `inspection`, line by line as it used them (see `checklist_for`): what its
    /// progress counts ("已答 N/M").
    pub fn items_of_inspection(&self, inspection: &Inspection) -> Vec<crate::catalog::Item> {
        inspection
            .lines
            .iter()
            .filter_map(|l| self.checklist_for(inspection, l))
            .flat_map(|c| c.items().cloned().collect::<Vec<_>>())
            .collect()
    }

    /// A checklist item as the inspection it was answered or found in saw it (see
    /// `checklist_for`); without an inspection, the loaded item.
    pub fn item_for(&self, inspection_id: Option<Uuid>, item_id: &str) -> Option<Item> {
        let insp = inspection_id.and_then(|id| self.store.inspection(id).ok().flatten());
        let line = item_id.split('.').next().unwrap_or_default();
        match insp {
            Some(i) if i.checklists.contains_key(line) => self
                .checklist_for(&i, line)
                .and_then(|c| c.items().find(|it| it.id == item_id).cloned()),
            _ => self.catalog.item(item_id).cloned(),
        }
    }

    /// The line id that `typed` names: a line id (`fire`, any case) or its Chinese name
    /// (`消防`), trimmed. One resolver for every command that takes a line (issue 11, W9).
    ///
    /// # Errors
    /// `Invalid` naming `field` when it names no line, listing every line as `id（名称）`.
    pub fn resolve_line(&self, field: impl Into<Input>, typed: &str) -> Result<String> {
        let typed = typed.trim();
        self.catalog
            .lines
            .iter()
            .find(|c| c.line.eq_ignore_ascii_case(typed) || c.name == typed)
            .map(|c| c.line.clone())
            .ok_or_else(|| {
                let known: Vec<String> = self
                    .catalog
                    .lines
                    .iter()
                    .map(|c| format!("{}（{}）", c.line, c.name))
                    .collect();
                OpsError::invalid(
                    field,
                    format!("没有防线「{typed}」，可选：{}", known.join("、")),
                )
            })
    }
}

/// An inspection recorded before checklist versions existed keeps the item set it was answered
/// against: the first built-in edition's items of a built-in line, plus any item it answered. A
/// line with no first-edition item (a user's own line) keeps all its items.
fn keep_first_edition(checklist: &mut crate::catalog::Checklist, inspection: &Inspection) {
    if !checklist
        .items()
        .any(|i| crate::catalog::in_first_edition(&i.id))
    {
        return;
    }
    for section in &mut checklist.sections {
        section.items.retain(|i| {
            crate::catalog::in_first_edition(&i.id) || inspection.answers.contains_key(&i.id)
        });
    }
    checklist.sections.retain(|s| !s.items.is_empty());
}
