//! The whole TUI state. Only `update` changes it; `render` only reads it.

pub use super::browse::{FacilityListState, InspectionsState};
use super::keymap::Context;
pub use super::patrol_state::{FacilitiesState, PatrolState};
use super::widgets::text_input::TextInput;
use crate::catalog::Item;
use crate::domain::{Answer, Field, Finding, ItemLabel, Mode, Now, Severity};
pub use crate::ops::{
    ChecklistData, HomeData, InspectionSummary, LineCount, LineInfo, RegisterRow, SyncInfo,
};
use crate::ops::{LedgerFormat, SyncReport};
use crate::search::Hit;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct App {
    pub now: Now,
    pub inspector: String,
    /// Every checklist line the catalog knows, in order.
    pub lines: Vec<LineInfo>,
    /// Screens, the bottom one is home (or the first-run prompt); never empty.
    pub stack: Vec<Screen>,
    pub overlay: Option<Overlay>,
    pub message: Option<Message>,
    /// Long work under way on the worker (a load, the search index, an export, a sync), shown
    /// in the status line while it runs (issue 11, point 2).
    pub busy: Option<Busy>,
    pub quit: bool,
    /// The terminal shows pictures: the detail draws the hazard's photo (issue 18).
    pub images: bool,
}

/// What the worker is doing, as the status line shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    /// "正在读取台账" and the like.
    pub what: &'static str,
    /// Esc stops it cleanly (an export, a sync).
    pub cancellable: bool,
    /// Frames drawn since it started: the status line's spinner.
    pub ticks: usize,
    /// Done of total, when the work reports it.
    pub progress: Option<(usize, usize)>,
}

#[derive(Debug, Clone)]
// A finding (in Detail) is larger than the other screens' state; screens change rarely.
#[allow(clippy::large_enum_variant)]
pub enum Screen {
    FirstRun(FirstRunState),
    Home(HomeState),
    NewInspection(NewInspectionState),
    Checklist(ChecklistState),
    Form(Box<FormState>),
    Register(RegisterState),
    /// 危险化学品 and 特种设备 registers (issue 17).
    Registers(super::screens::registers_state::RegistersState),
    /// A form of the 台账 screen (add, edit, receipt, issue, check, operator, hazard link).
    EntryForm(Box<super::entry_form::EntryForm>),
    Detail(DetailState),
    Sync(SyncState),
    /// Drawn over the screen below it.
    Search(SearchState),
    /// Every inspection, filtered and ordered (issue 11, point 3).
    Inspections(InspectionsState),
    /// Every facility with its hazard counts.
    FacilityList(FacilityListState),
    /// The facility registry (单位台账) with places, key sites and risk grades.
    Facilities(FacilitiesState),
    /// A patrol walking a facility's key sites.
    Patrol(Box<PatrolState>),
    /// The organisation's roster of devices.
    Devices(DevicesState),
    /// Choosing photos: a folder's photos and a path field (issue 18).
    Attach(Box<super::attach::AttachState>),
}

/// The devices screen: the roster once loaded, and the selected row.
#[derive(Debug, Clone, Default)]
pub struct DevicesState {
    pub roster: Option<crate::ops::Roster>,
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// The keys of the screen below: the entry under the cursor and how many there are (the
    /// help scrolls to keep the cursor in view when it does not fit).
    Help(HelpView),
    Confirm(Confirm),
    Prompt(Prompt),
    Chooser(Chooser),
    /// A question with a few answers (leave a form, a passed item's hazard, a hazard's line).
    Choice(super::choice::Choice),
    /// The figures of an inspection being finished, or just finished.
    Summary(super::choice::FinishSummary),
}

/// Where the help overlay's cursor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HelpView {
    /// Index of the entry under the cursor.
    pub selected: usize,
    /// Entries listed; 0 when not known (the help then does not move its cursor).
    pub entries: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Info,
    Ok,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub kind: MessageKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FirstRunState {
    pub name: TextInput,
    /// The organisation profile, in the order of `Org::FIELDS` (all optional).
    pub org: [TextInput; 5],
    /// 0: the name; 1..=5: the profile fields.
    pub focus: usize,
    pub error: Option<String>,
}

impl FirstRunState {
    /// The form filled with what is already known: the name from `XUNCHA_USER` and the
    /// profile `org init` (or an earlier config) set. The user still confirms with Enter.
    pub fn prefilled(name: &str, org: &crate::domain::Org) -> FirstRunState {
        let mut st = FirstRunState {
            name: TextInput::new(name.trim()),
            ..FirstRunState::default()
        };
        for ((id, _), input) in crate::domain::Org::FIELDS.iter().zip(st.org.iter_mut()) {
            input.set(org.get(id).unwrap_or_default());
        }
        st
    }

    /// The field under the cursor.
    pub fn focused_mut(&mut self) -> &mut TextInput {
        match self.focus {
            0 => &mut self.name,
            i => &mut self.org[(i - 1).min(4)],
        }
    }

    /// The profile as typed.
    pub fn org(&self) -> crate::domain::Org {
        let mut org = crate::domain::Org::default();
        for ((id, _), input) in crate::domain::Org::FIELDS.iter().zip(&self.org) {
            org.set(id, input.text().trim().to_string());
        }
        org
    }
}

// ---- home ----

#[derive(Debug, Clone, PartialEq, Default)]
pub struct HomeState {
    pub data: Option<HomeData>,
    /// Index into unfinished ++ others ++ recent.
    pub selected: usize,
    /// `A` was pressed: the checklist being opened asks for the line of a hazard outside it.
    pub ad_hoc: bool,
}

impl HomeState {
    pub fn entries(&self) -> Vec<&InspectionSummary> {
        self.data
            .iter()
            .flat_map(|d| d.unfinished.iter().chain(&d.others).chain(d.recent.iter()))
            .collect()
    }
}

// ---- new inspection ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NewField {
    Facility,
    Departments,
    Mode,
    Inspectors,
    Lines,
    /// 带队领导 (optional, last so the fields above keep their Tab order): who led it; the
    /// rules of frequency count inspections by it (issue 16).
    Leader,
}

impl NewField {
    pub const ALL: [NewField; 6] = [
        NewField::Facility,
        NewField::Departments,
        NewField::Mode,
        NewField::Inspectors,
        NewField::Lines,
        NewField::Leader,
    ];
    pub fn label(self) -> &'static str {
        match self {
            NewField::Facility => "受检单位",
            NewField::Departments => "科室",
            NewField::Mode => "检查方式",
            NewField::Leader => "带队领导",
            NewField::Inspectors => "检查人员",
            NewField::Lines => "检查防线",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewInspectionState {
    pub facility: TextInput,
    pub departments: TextInput,
    pub mode: Mode,
    /// 带队领导 (主要领导, 分管领导, 上级督导, 行政检查); None: not said.
    pub leader: Option<crate::domain::LeaderRole>,
    pub inspectors: TextInput,
    /// (line index in App::lines, chosen)
    pub chosen: Vec<bool>,
    pub line_cursor: usize,
    pub focus: NewField,
    pub facilities: Vec<String>,
    pub errors: BTreeMap<NewField, String>,
    pub saving: bool,
}

impl NewInspectionState {
    /// Facilities seen before that fit what was typed (all of them when empty), up to 5, as
    /// every facility field completes (`complete::fitting`). Tab and Enter take the first.
    pub fn suggestions(&self) -> Vec<&str> {
        crate::tui::complete::fitting_names(self.facility.text(), &self.facilities, 5)
    }
}

/// Splits a list typed with 、，, or spaces.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(['、', '，', ',', ';', '；', ' '])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

// ---- checklist ----

#[derive(Debug, Clone)]
pub struct ChecklistState {
    pub data: ChecklistData,
    /// Index into data.items.
    pub cursor: usize,
    /// Answers taken from the keyboard and sent to the worker, not yet confirmed stored
    /// (item id → answer). The cursor has already moved on; a refusal puts it back.
    pub pending: BTreeMap<String, Answer>,
    /// A failed item being answered again while the prompt for its hazard's step is open: the
    /// answer is stored with that step, in one append, once the note is given (W17).
    pub reanswer: Option<Reanswer>,
    /// Hazard-form drafts of this inspection kept from earlier (newest first): each comes back
    /// when its form (item, or line outside the checklist) is opened again.
    pub drafts: Vec<crate::ops::FindingDraft>,
}

/// A new answer waiting for the step on its item's hazard (see [`ChecklistState::reanswer`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reanswer {
    pub item: String,
    pub answer: Answer,
    pub finding: Uuid,
}

impl ChecklistState {
    pub fn new(data: ChecklistData) -> ChecklistState {
        let mut s = ChecklistState {
            data,
            cursor: 0,
            pending: BTreeMap::new(),
            reanswer: None,
            drafts: Vec::new(),
        };
        s.cursor = s.next_unanswered(0).unwrap_or(0);
        s
    }

    /// The answer shown for item `i`: the one waiting to be stored, else the stored one.
    pub fn answer(&self, i: usize) -> Option<Answer> {
        let item = self.data.items.get(i)?;
        if let Some(a) = self.pending.get(&item.id) {
            return Some(*a);
        }
        self.data.inspection.answers.get(&item.id).map(|a| a.answer)
    }

    /// The stored answer of item `i` (what a refusal of a pending one falls back to).
    pub fn stored_answer(&self, i: usize) -> Option<Answer> {
        let item = self.data.items.get(i)?;
        self.data.inspection.answers.get(&item.id).map(|a| a.answer)
    }

    /// Item `i`'s answer is sent but not confirmed yet.
    pub fn is_pending(&self, i: usize) -> bool {
        self.data
            .items
            .get(i)
            .is_some_and(|it| self.pending.contains_key(&it.id))
    }

    /// The live findings of an item, oldest first.
    pub fn hazards_of(&self, item_id: &str) -> Vec<&crate::ops::HazardBrief> {
        self.data
            .hazards
            .iter()
            .filter(|h| h.item_id.as_deref() == Some(item_id))
            .collect()
    }

    /// Items answered 不合格 that have no finding, in checklist order.
    pub fn failed_without_hazard(&self) -> Vec<usize> {
        (0..self.data.items.len())
            .filter(|i| {
                self.answer(*i) == Some(Answer::Fail)
                    && self.hazards_of(&self.data.items[*i].id).is_empty()
            })
            .collect()
    }

    /// The first unanswered item at or after `from`, wrapping around.
    pub fn next_unanswered(&self, from: usize) -> Option<usize> {
        let n = self.data.items.len();
        (0..n)
            .map(|k| (from + k) % n)
            .find(|i| self.answer(*i).is_none())
    }

    pub fn unanswered(&self) -> usize {
        (0..self.data.items.len())
            .filter(|i| self.answer(*i).is_none())
            .count()
    }

    /// (answered, total) for one line.
    pub fn progress(&self, line: &str) -> (usize, usize) {
        let idx: Vec<usize> = (0..self.data.items.len())
            .filter(|i| self.data.items[*i].line == line)
            .collect();
        let done = idx.iter().filter(|i| self.answer(**i).is_some()).count();
        (done, idx.len())
    }

    pub fn current(&self) -> Option<&Item> {
        self.data.items.get(self.cursor)
    }
}

// ---- finding form ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FormField {
    Description,
    Severity,
    Location,
    Department,
    Measures,
    Due,
    Responsible,
    Category,
    Interim,
    Funds,
    FixedOnSpot,
}

impl FormField {
    pub const ALL: [FormField; 11] = [
        FormField::Description,
        FormField::Severity,
        FormField::Location,
        FormField::Department,
        FormField::Measures,
        FormField::Due,
        FormField::Responsible,
        FormField::Category,
        FormField::Interim,
        FormField::Funds,
        FormField::FixedOnSpot,
    ];
    pub fn label(self) -> &'static str {
        match self {
            FormField::Description => "问题隐患",
            FormField::Severity => "隐患等级",
            FormField::Location => "部位",
            FormField::Department => "科室",
            FormField::Measures => "整改措施",
            FormField::Due => "整改时限",
            FormField::Responsible => "责任单位及人员",
            FormField::Category => "隐患类别",
            FormField::Interim => "临时防范措施",
            FormField::Funds => "整改资金",
            FormField::FixedOnSpot => "立查立改",
        }
    }
    pub fn is_text(self) -> bool {
        !matches!(self, FormField::Severity | FormField::FixedOnSpot)
    }
}

#[derive(Debug, Clone)]
pub struct FormState {
    /// The inspection the hazard belongs to; None for a hazard recorded on a 台账 entry
    /// outside an inspection (its `facility` is then the entry's).
    pub inspection: Option<Uuid>,
    pub facility: String,
    pub item: Option<Item>,
    /// The line for an ad hoc finding (no item).
    pub line: Option<String>,
    pub description: TextInput,
    pub severity: Severity,
    pub location: TextInput,
    pub department: TextInput,
    pub measures: TextInput,
    pub due: TextInput,
    pub responsible: TextInput,
    /// 隐患类别, 临时防范措施, 整改资金 (optional).
    pub category: TextInput,
    pub interim: TextInput,
    pub funds: TextInput,
    pub fixed_on_spot: bool,
    pub focus: FormField,
    /// The due text was typed by the user (so a severity change leaves it alone).
    pub due_touched: bool,
    pub errors: BTreeMap<FormField, String>,
    /// Why the store refused the last save, if it did.
    pub save_error: Option<String>,
    /// Opened with `f`: saving answers the item 不合格 together with the finding.
    pub fail: bool,
    /// Something was typed or changed since the form opened (leaving then asks first).
    pub touched: bool,
    /// 整改前 photos chosen with Ctrl-o: attached once the hazard is saved (issue 18).
    pub photos: Vec<std::path::PathBuf>,
    /// Fields the office's forms need that were blank at a Ctrl-s: named then, marked while
    /// still blank, and a second Ctrl-s saves without them (`ops::blank_form_fields`).
    pub warned: Vec<FormField>,
    /// The 部位 picker: the facility's registered places (issue 16).
    pub places: crate::tui::place_pick::PlacePicker,
    /// The inspection's 科室, offered in the 科室 field when there are several.
    pub departments: crate::tui::department_pick::DepartmentPicker,
    /// What else the hazard is recorded on, saved with it in one append; such a form keeps
    /// no draft (it has no checklist to come back to).
    pub on: Option<HazardOn>,
}

/// What a hazard form records its hazard on besides the hazard itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HazardOn {
    /// A 台账 entry (issue 17): saved with the link to it (`ops::record_finding_on`).
    Register(crate::domain::RegisterRef),
    /// An 异常 at key site `place` on `patrol` (issue 16 point 3): saved with the visit that
    /// names it (`ops::patrol_visit_abnormal`).
    PatrolVisit { patrol: Uuid, place: Uuid },
}

impl FormField {
    /// The form field an ops input names, when the form has one (ops errors carry a typed
    /// field; the form highlights it).
    pub fn of_input(input: &crate::ops::Input) -> Option<FormField> {
        FormField::ALL
            .into_iter()
            .find(|f| f.label() == input.label())
    }
}

impl FormState {
    /// The fields the office's forms need that are blank now (`ops::blank_form_fields`), in
    /// form order.
    pub fn blank_needed(&self) -> Vec<FormField> {
        let new = crate::ops::NewFinding {
            item_id: self.item.as_ref().map(|i| i.id.clone()),
            location: self.location.text().to_string(),
            measures: self.measures.text().to_string(),
            responsible: self.responsible.text().to_string(),
            ..Default::default()
        };
        let mut blank: Vec<FormField> = crate::ops::blank_form_fields(&new)
            .iter()
            .filter_map(FormField::of_input)
            .collect();
        // The 整改表 prints 科室/部位 (seed 001): an inspection of named 科室 whose hazard
        // names none is said before saving, like 部位.
        if !self.departments.choices.is_empty() && self.department.text().trim().is_empty() {
            blank.push(FormField::Department);
            blank.sort_by_key(|f| FormField::ALL.iter().position(|a| a == f));
        }
        blank
    }

    pub fn input(&self, f: FormField) -> Option<&TextInput> {
        Some(match f {
            FormField::Description => &self.description,
            FormField::Location => &self.location,
            FormField::Department => &self.department,
            FormField::Measures => &self.measures,
            FormField::Due => &self.due,
            FormField::Responsible => &self.responsible,
            FormField::Category => &self.category,
            FormField::Interim => &self.interim,
            FormField::Funds => &self.funds,
            _ => return None,
        })
    }

    pub fn input_mut(&mut self, f: FormField) -> Option<&mut TextInput> {
        Some(match f {
            FormField::Description => &mut self.description,
            FormField::Location => &mut self.location,
            FormField::Department => &mut self.department,
            FormField::Measures => &mut self.measures,
            FormField::Due => &mut self.due,
            FormField::Responsible => &mut self.responsible,
            FormField::Category => &mut self.category,
            FormField::Interim => &mut self.interim,
            FormField::Funds => &mut self.funds,
            _ => return None,
        })
    }
}

// ---- register ----

// The filter and order live in ops, which applies them on the worker (issue 14).
pub use crate::ops::{RegisterFilter, RetractedView, SortDue};

/// The register's rows as the worker read them: every finding's row in id order (or the first
/// screen's alone), shared by the screen and the worker, which answers filter and order
/// changes from them while they are held and the log has not changed (issue 14).
pub type RegisterRows = std::sync::Arc<Vec<RegisterRow>>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegisterState {
    /// None while loading.
    pub rows: Option<RegisterRows>,
    /// Indices into rows that pass the filter, in display order.
    pub visible: Vec<usize>,
    pub selected: usize,
    pub filter: RegisterFilter,
    pub sort: SortDue,
    /// Rows marked (Space) for one document over several hazards, in marking order.
    pub marked: Vec<Uuid>,
    /// Findings held (retracted left out) once `rows` is the whole list for the filter; None
    /// while only the first screen, or rows for an earlier filter, are shown.
    pub total: Option<usize>,
    /// The rows were let go of while the search overlay is over the register (issue 14):
    /// `rows` is empty until the overlay closes and they are read again.
    pub rows_let_go: bool,
    /// The row to select again once the whole list is read back (its id): the first screen
    /// read before it may not hold it.
    pub reselect: Option<Uuid>,
}

impl Drop for RegisterState {
    /// Leaving the register frees its rows off the UI thread (see `offload`).
    fn drop(&mut self) {
        if let Some(rows) = self.rows.take() {
            super::offload::drop_shared_rows(rows);
        }
    }
}

impl RegisterState {
    /// The effect that reads the rows for this filter and order (on the worker, in ops).
    pub fn load(&self) -> super::effects::Effect {
        super::effects::Effect::LoadRegister {
            filter: self.filter.clone(),
            sort: self.sort,
        }
    }

    pub fn selected_row(&self) -> Option<&RegisterRow> {
        let i = *self.visible.get(self.selected)?;
        self.rows.as_ref()?.get(i)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DetailState {
    pub finding: Finding,
    /// Whether each of `finding.photos` is here (false: 照片未同步).
    pub photo_here: Vec<bool>,
    /// The photo `o` opens next (index into `finding.photos`).
    pub next_photo: usize,
    /// The photo drawn in the detail, where the terminal shows pictures.
    pub view: Option<super::photo_view::PhotoView>,
    /// Its line name and item text as its inspection's checklist version gives them (issue 15).
    pub label: ItemLabel,
}

// ---- sync ----

#[derive(Debug, Clone)]
pub enum SyncPhase {
    /// Typing the folder.
    Folder,
    /// A dry run or a sync under way: bundles done of total (0 of 0 while listing).
    Running {
        dry_run: bool,
        done: usize,
        total: usize,
    },
    /// What a sync would do (the dry run's report); nothing changed yet.
    Preview(Box<SyncReport>),
    /// What the sync did.
    Done(Box<SyncReport>),
}

#[derive(Debug, Clone)]
pub struct SyncState {
    pub folder: TextInput,
    /// The folder field takes the keys (after `e`, or when no folder is known); otherwise the
    /// screen's own keys act, so a key learnt elsewhere never types into the path (D24).
    pub editing: bool,
    /// The folder as it was when editing began (Esc puts it back).
    pub folder_before: String,
    pub phase: SyncPhase,
    /// Why the last attempt could not use the folder.
    pub error: Option<String>,
    /// Events waiting and the last sync, as of opening (refreshed after a sync).
    pub info: SyncInfo,
}

impl SyncState {
    /// The folder field takes the keys from now on; Esc puts back the text it has now.
    pub fn edit_folder(&mut self) {
        self.folder_before = self.folder.text().to_string();
        self.editing = true;
    }

    pub fn new() -> SyncState {
        SyncState {
            folder: TextInput::default(),
            editing: false,
            folder_before: String::new(),
            phase: SyncPhase::Folder,
            error: None,
            info: SyncInfo::default(),
        }
    }
}

impl Default for SyncState {
    fn default() -> Self {
        SyncState::new()
    }
}

// ---- search ----

/// Hits listed at most; the search asks for one more, so the overlay can say "50+".
pub const SEARCH_PAGE: usize = 50;

#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub input: TextInput,
    /// The best hits for `answered`, best first.
    pub hits: Vec<Hit>,
    pub selected: usize,
    /// The query the hits answer (what was typed may be ahead of it).
    pub answered: String,
    /// A filter typed wrong (`line:xyz`), in words the user reads.
    pub error: Option<String>,
}

// ---- overlays ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmKind {
    Finish(Uuid),
    /// Leave xuncha (asked on home, where Esc used to quit at once).
    Quit,
    /// Join someone else's unfinished inspection (issue 10, point 2), then carry out `then`,
    /// the key that asked (an answer, a hazard).
    Join {
        inspection: Uuid,
        then: super::action::Command,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub kind: ConfirmKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Rectify(Uuid),
    VerifyPass(Uuid),
    VerifyFail(Uuid),
    Escalate(Uuid),
    /// A comment on the finding (required, one line).
    Comment(Uuid),
    /// Retract the finding; the reason is required.
    Retract(Uuid),
    /// The facility signed for the finding's last 四书 document (签收人 in the signer fields).
    Receive(Uuid),
    /// Take one photo off the finding: its number and the reason, typed as 「2 拍错隐患」.
    RemovePhoto(Uuid),
    /// Set this field of the finding (`ops::set_field` checks the value).
    EditField(Uuid, crate::domain::Field),
    /// Export the register with its current filter, in this format.
    Export(LedgerFormat),
    /// Issue one document over the register's marked hazards (else its selected one).
    IssueNotice,
    /// Revoke a device; the reason is required.
    RevokeDevice(Uuid),
    /// The note of the answer of item `item` (index into the checklist under the prompt);
    /// pre-filled, empty clears it (D23).
    AnswerNote {
        inspection: Uuid,
        item: usize,
    },
    /// Register a facility by name (issue 16).
    AddFacility,
    /// Register a place (a name or a path) under the place `parent` (None: the top).
    AddPlace {
        facility: Uuid,
        parent: Option<Uuid>,
    },
    /// Set one field of a facility.
    EditFacility(Uuid, crate::domain::FacilityField),
    /// Set one field of a place.
    EditPlace {
        facility: Uuid,
        place: Uuid,
        field: crate::domain::PlaceField,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub title: String,
    pub label: String,
    pub input: TextInput,
    pub error: Option<String>,
    /// The path the user agreed to overwrite (asked once when the file exists).
    pub overwrite: Option<String>,
    /// Who signs the step by name and role (整改报告人 for 整改, 复查人 for 复查; issue 18):
    /// two more fields, reached with Tab. None for prompts that take no signer.
    pub signer: Option<Box<SignerInput>>,
}

/// The name and role fields of a prompt's signer, and which field takes the keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SignerInput {
    /// "整改报告人" or "复查人".
    pub who: &'static str,
    pub name: TextInput,
    pub role: TextInput,
    pub focus: SignerFocus,
}

/// The field of a signing prompt that takes the keys (Tab moves on, wrapping).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignerFocus {
    #[default]
    Note,
    Name,
    Role,
}

impl SignerInput {
    /// Empty fields for `who`.
    pub fn new(who: &'static str) -> SignerInput {
        SignerInput {
            who,
            ..SignerInput::default()
        }
    }

    /// The field after the focused one (Tab).
    pub fn next(&mut self) {
        self.focus = match self.focus {
            SignerFocus::Note => SignerFocus::Name,
            SignerFocus::Name => SignerFocus::Role,
            SignerFocus::Role => SignerFocus::Note,
        };
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chooser {
    pub finding: Uuid,
    pub field: Field,
    /// The competing values, winner first.
    pub options: Vec<String>,
    pub selected: usize,
    /// For crossing lifecycle steps: the step each option keeps (empty for a field conflict).
    pub steps: Vec<crate::domain::EventRef>,
    /// For a field conflict: who set each value and when ("李明 11-21 09:00"), shown beside it.
    pub labels: Vec<String>,
}

impl App {
    pub fn new(now: Now, inspector: &str, lines: Vec<LineInfo>) -> App {
        let first = if inspector.trim().is_empty() {
            Screen::FirstRun(FirstRunState::default())
        } else {
            Screen::Home(HomeState::default())
        };
        App {
            now,
            inspector: inspector.trim().to_string(),
            lines,
            stack: vec![first],
            overlay: None,
            message: None,
            busy: None,
            quit: false,
            images: false,
        }
    }

    pub fn screen(&self) -> &Screen {
        self.stack.last().expect("the screen stack is never empty")
    }

    pub fn screen_mut(&mut self) -> &mut Screen {
        self.stack
            .last_mut()
            .expect("the screen stack is never empty")
    }

    pub fn line_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.lines
            .iter()
            .find(|l| l.id == id)
            .map(|l| l.name.as_str())
            .unwrap_or(id)
    }

    /// Where keys go right now.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help(_)) => Context::Help,
            Some(Overlay::Confirm(_)) => Context::Confirm,
            Some(Overlay::Prompt(_)) => Context::Prompt,
            Some(Overlay::Chooser(_) | Overlay::Choice(_)) => Context::Chooser,
            Some(Overlay::Summary(_)) => Context::Summary,
            None => self.screen_context(),
        }
    }

    /// The context of the screen under any overlay (help describes this one).
    pub fn screen_context(&self) -> Context {
        match self.screen() {
            Screen::FirstRun(_) => Context::FirstRun,
            Screen::Home(_) => Context::Home,
            Screen::NewInspection(_) => Context::NewInspection,
            Screen::Checklist(_) => Context::Checklist,
            Screen::Form(_) => Context::Form,
            Screen::Register(_) => Context::Register,
            Screen::Detail(_) => Context::Detail,
            Screen::Sync(s) if s.editing && matches!(s.phase, SyncPhase::Folder) => {
                Context::SyncFolder
            }
            Screen::Sync(_) => Context::Sync,
            Screen::Search(_) => Context::Search,
            Screen::Registers(_) => Context::Registers,
            Screen::EntryForm(_) => Context::EntryForm,
            Screen::Inspections(_) => Context::Inspections,
            Screen::FacilityList(_) => Context::FacilityList,
            Screen::Facilities(_) => Context::Facilities,
            Screen::Patrol(_) => Context::Patrol,
            Screen::Devices(_) => Context::Devices,
            Screen::Attach(a) if a.focus == super::attach::AttachFocus::Path => Context::AttachPath,
            Screen::Attach(_) => Context::AttachList,
        }
    }
}
