//! Actions: what `update` consumes. Keys become `Cmd` through the keymap; effect results come
//! back as the data-carrying variants.

use super::app::{ChecklistData, HomeData, LineInfo, SyncInfo};
use crate::domain::{Finding, Inspection};
use crate::ops::{ExportSummary, SyncReport};
use serde::Deserialize;
use uuid::Uuid;

/// A named command, as the keymap file spells it (`action = "next_unanswered"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Quit,
    Back,
    Help,
    Search,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Open,
    NewInspection,
    Register,
    Pass,
    Fail,
    Na,
    NextUnanswered,
    AddFinding,
    Finish,
    NextField,
    PrevField,
    Submit,
    Left,
    Right,
    Backspace,
    Delete,
    LineStart,
    LineEnd,
    ClearLine,
    FilterStatus,
    FilterLine,
    FilterSeverity,
    FilterOverdue,
    FilterFacility,
    ClearFilters,
    SortDue,
    Rectify,
    VerifyPass,
    VerifyFail,
    Escalate,
    Settle,
    /// Add a comment (备注) to a finding: a one-line prompt.
    Comment,
    /// Retract a finding recorded in error: a prompt that requires the reason.
    Retract,
    /// Record that the facility received the last 四书 document (签收): who, by name and role,
    /// and the 整改承诺 of its 回执.
    Receive,
    /// Edit a finding's field: a prompt pre-filled with the current value; Tab picks the field.
    EditField,
    Yes,
    No,
    Sync,
    EditFolder,
    Export,
    ToggleFormat,
    /// Print the document a finding has reached (HTML, opened in the system viewer).
    Print,
    /// Record a hazard outside the checklist: choose its line, then the form.
    AdHocFinding,
    /// Open the 危险化学品 / 特种设备 registers.
    Registers,
    /// Home: every inspection.
    BrowseInspections,
    /// Home: every facility.
    BrowseFacilities,
    /// Browsers: show only the selected row's month (again: all months).
    FilterMonth,
    /// Browsers: show only the selected row's 检查方式.
    FilterMode,
    /// Browsers: show only inspections by the selected row's inspector.
    FilterInspector,
    /// Browsers: the next order.
    SortNext,
    /// Mark or unmark the selected register row (several hazards, one document).
    Mark,
    /// Issue one 四书 document over the marked hazards (else the selected one) and print it.
    IssueNotice,
    /// Open the facility registry (单位台账).
    Facilities,
    /// Start a day patrol of the selected facility's key sites.
    DayPatrol,
    /// Start a night patrol (夜间防火巡查).
    NightPatrol,
    /// Open the devices screen (设备: the organisation's roster).
    Devices,
    /// Approve the selected device (office).
    Approve,
    /// Revoke the selected device (office): a prompt asks the reason.
    Revoke,
    /// Detail: open the hazard's next photo in the system viewer (issue 18).
    OpenPhoto,
    /// Detail, photos drawn in the terminal: the next / previous photo.
    NextPhoto,
    PrevPhoto,
    /// Detail, hazard form: open the photo screen (a folder's photos and a path field).
    AttachPhoto,
    /// Photo screen: 整改前 / 整改后.
    ToggleStage,
    /// Detail: take a photo off the hazard (its number and a reason).
    RemovePhoto,
    /// Add an entry where the cursor is (the registry: a facility, or a place under the
    /// selected place).
    AddEntry,
    /// 台账: record a receipt (入库) of the selected chemical.
    StockIn,
    /// 台账: record an issue (领用) of the selected chemical.
    StockOut,
    /// 台账: record a 定期检验 of the selected equipment.
    RecordInspection,
    /// 台账: record a 维护保养 of the selected equipment.
    RecordMaintenance,
    /// 台账: record a 安全附件 check of the selected equipment.
    RecordAccessory,
    /// 台账: record an operator with a certificate on the selected equipment.
    RecordOperator,
    /// 台账: link a hazard (by its 隐患编号) to the selected chemical or equipment.
    LinkHazard,
    /// 台账: a new hazard on the selected chemical or equipment, its form pre-filled from the
    /// entry and the link saved with it (issue 17).
    NewHazard,
    /// Facility browser: merge the selected spelling into a registered facility (issue 16).
    Merge,
    /// `h` / `←`: up one level where the screen has one (a hazard's detail back to its list,
    /// the places pane back to the facilities, a folder to its parent); elsewhere it only says
    /// how to leave, so a stray key never drops an inspector out of a checklist (D16).
    Parent,
    /// `q`: asks whether to leave xuncha (never leaves a screen by itself; D16).
    AskQuit,
    /// Checklist: write, change or clear the note (备注) of the answered item (D23).
    AnswerNote,
}

#[derive(Debug, Clone)]
pub enum Action {
    Cmd(Command),
    /// The help key, with how many entries the help of the screen below lists.
    OpenHelp {
        entries: usize,
    },
    /// A printable character typed into a text field (also IME output).
    Char(char),
    Paste(String),
    /// A document issued over `findings` (as they now read) and printed to `path`.
    NoticeIssued {
        findings: Vec<Finding>,
        /// "整改通知书（某卫安整〔2026〕A3K-2号）".
        what: String,
        path: String,
        opened: bool,
    },
    HomeLoaded(HomeData),
    FacilitiesLoaded(Vec<String>),
    /// The roster (names escaped), and what the last approval or revocation did.
    RosterLoaded {
        roster: crate::ops::Roster,
        done: Option<String>,
    },
    ConfigSaved(String),
    ChecklistLoaded(ChecklistData),
    Answered {
        inspection: Inspection,
        item_id: String,
    },
    Finished(Inspection),
    /// An answer's note was stored (flushed): the inspection as it now reads.
    NoteSaved {
        inspection: Inspection,
        item_id: String,
    },
    /// I joined someone else's inspection; `then` is the key that asked, to carry out now.
    Joined {
        inspection: Box<Inspection>,
        then: Command,
    },
    /// A failed item answered again and its hazard rectified or retracted, in one append.
    Reanswered {
        inspection: Box<Inspection>,
        item_id: String,
        finding: Box<Finding>,
        what: String,
    },
    FindingSaved(Finding),
    /// Every registered facility with its places (`ops::registry_choices`), for the 台账 forms.
    RegistryChoicesLoaded(Vec<crate::ops::FacilityPlaces>),
    /// A new hazard of a 台账 entry, pre-filled from it (`ops::hazard_prefill`): the form opens.
    HazardPrefilled {
        register: crate::domain::RegisterRef,
        start: Box<crate::ops::RegisterHazard>,
    },
    /// The new inspection's facility is not registered; nothing was written. `like`: registered
    /// names that look like it (`ops::alike`).
    FacilityUnregistered {
        facility: String,
        like: Vec<String>,
    },
    /// The registered places of a facility (None: not registered), for the 部位 picker.
    PlacesLoaded {
        facility: String,
        places: Option<crate::ops::FacilityPlaces>,
    },
    /// The item was answered 不合格 and its finding recorded, together.
    FailSaved {
        inspection: Box<Inspection>,
        finding: Box<Finding>,
    },
    /// An answer sent ahead (the cursor already moved on) was refused; nothing was stored.
    AnswerRefused {
        inspection: uuid::Uuid,
        item_id: String,
        message: String,
    },
    /// The finding form's draft left by an earlier run, if any.
    DraftLoaded(Option<crate::ops::FindingDraft>),
    /// The hazard-form drafts of one inspection, newest first, and the damaged draft files that
    /// were set aside (named).
    DraftsLoaded {
        inspection: uuid::Uuid,
        drafts: Vec<crate::ops::FindingDraft>,
        problems: Vec<String>,
    },
    /// Another form's draft (new inspection, a step's note), if one was kept.
    FormDraftLoaded {
        key: crate::ops::DraftKey,
        value: Option<serde_json::Value>,
    },
    /// Register rows that pass `filter`, in `sort`'s order, chosen by ops on the worker: first
    /// the first screen alone (`rows` those rows, `total` None), then every finding's row,
    /// shared with the worker, which answers later filters from it (`visible`: the indices of
    /// the rows shown, in order), with the number of findings.
    RegisterLoaded {
        filter: crate::ops::RegisterFilter,
        sort: crate::ops::SortDue,
        rows: super::app::RegisterRows,
        visible: Vec<usize>,
        total: Option<usize>,
    },
    /// The 危险化学品 / 特种设备 registers, loaded through ops.
    RegistersLoaded(Box<super::screens::registers_state::RegistersData>),
    /// A finding for the detail, with its line and item as its inspection's version names them.
    /// A finding, its item label, and whether each of its photos is here (照片未同步 if not).
    FindingLoaded(Finding, crate::domain::ItemLabel, Vec<bool>),
    FindingUpdated {
        finding: Finding,
        what: String,
    },
    /// The sync screen's starting point: the folder to offer, events waiting.
    SyncOpened(SyncInfo),
    /// Bundles done of total, while a sync runs (drawn at once by the loop).
    SyncProgress {
        done: usize,
        total: usize,
    },
    Synced {
        report: Box<SyncReport>,
        info: SyncInfo,
        /// Every line the catalog knows after the sync: lines learnt from the log (another
        /// device's own checklist) show by name at once, without a restart (issue 15).
        lines: Vec<LineInfo>,
        /// The folder could not be remembered in the config file.
        config_error: Option<String>,
    },
    /// Where an export goes unless the user says otherwise (an .xlsx path).
    ExportPathSuggested(String),
    Exported(ExportSummary),
    /// A document was printed to this file; `opened` when the system viewer took it.
    Printed {
        path: String,
        opened: bool,
    },
    /// Photo `n` of a hazard was handed to the system viewer (`opened`), or is not here yet
    /// (`path` None: 照片未同步).
    PhotoOpened {
        n: usize,
        path: Option<String>,
        opened: bool,
    },
    /// The photo `hash` encoded for the terminal, or why it cannot be drawn (照片未同步).
    PhotoShown {
        hash: String,
        image: Result<super::photo_view::PhotoImage, String>,
    },
    /// A folder listed for the photo screen, or why it could not be (named).
    PhotoFolderListed(Result<crate::ops::PhotoFolder, String>),
    /// The photo screen's typed path is a file: it is chosen (and attached).
    PhotoFileTyped(std::path::PathBuf),
    /// The photo screen's path as Tab completed it (None: nothing matches).
    PathCompleted {
        typed: String,
        completed: Option<String>,
    },
    /// Photos checked of photos chosen, while an attach runs.
    AttachProgress {
        done: usize,
        total: usize,
    },
    /// An attach was refused or stopped; nothing was attached. The text names the file.
    AttachRefused(String),
    /// The export file exists; nothing was written (the prompt asks before replacing it).
    ExportExists(String),
    SearchResults {
        query: String,
        hits: Vec<crate::search::Hit>,
        error: Option<String>,
    },
    /// Every inspection, newest first (the inspection browser).
    InspectionsLoaded(Vec<crate::ops::InspectionSummary>),
    /// Every facility with its counts (the facility browser).
    FacilityRowsLoaded(Vec<crate::ops::FacilityRow>),
    /// The registry, names not registered yet, and the patrol log (newest first).
    /// A registry edit was written: what to say, and the facility (and place) to select.
    RegistryEdited {
        what: String,
        facility: Uuid,
        place: Option<Uuid>,
    },
    RegistryLoaded {
        facilities: Vec<crate::domain::Facility>,
        unregistered: Vec<String>,
        log: Vec<crate::ops::VisitRow>,
    },
    /// A patrol began (or changed): the patrol and its facility.
    PatrolOpened {
        patrol: crate::domain::Patrol,
        facility: Box<crate::domain::Facility>,
    },
    /// One visit saved; `finding` is the hazard an 异常 recorded.
    PatrolVisited {
        patrol: crate::domain::Patrol,
        place: uuid::Uuid,
        finding: Option<Box<crate::domain::Finding>>,
    },
    PatrolFinished(crate::domain::Patrol),
    /// A 台账 form was written: what to say, and the entry to select.
    EntrySaved {
        kind: super::entry_form::EntryFormKind,
        what: String,
        id: Uuid,
    },
    /// A 台账 form was refused: the field (its label as ops words it) and why; nothing saved.
    EntryRefused {
        field: String,
        message: String,
    },
    /// An effect with nothing to report (a cancel request).
    Idle,
    /// An effect failed; the message says why in Chinese.
    Failed(String),
    /// Ops refused one input of a save (`OpsError::Invalid`): the field it names (which the
    /// open form highlights) and the whole message.
    Refused {
        field: crate::ops::Input,
        message: String,
    },
}

impl From<Command> for Action {
    fn from(c: Command) -> Action {
        Action::Cmd(c)
    }
}
