//! Effects: what `update` asks the outside world to do. The runner carries them out through
//! `ops` (which flush before returning) and reports back as actions.

use super::action::Action;
use crate::config::Config;
use crate::domain::{Answer, Field, FindingQuery, Now};
use crate::ops::{
    self, Cancel, Ctx, LedgerFormat, NewFinding, NewInspection, OpsError, SyncInfo, SyncOptions,
};
use std::path::PathBuf;
use uuid::Uuid;

pub use crate::ops::line_infos;

#[derive(Debug, Clone)]
pub enum Effect {
    /// The first run's answers: the inspector's name and the organisation profile.
    SaveInspector(String, crate::domain::Org),
    LoadHome,
    LoadFacilities,
    /// The organisation's roster (devices screen).
    LoadRoster,
    /// Approve a device through `ops::approve`.
    ApproveDevice(Uuid),
    /// Revoke a device through `ops::revoke`.
    RevokeDevice {
        device: Uuid,
        reason: String,
    },
    StartInspection(NewInspection),
    /// As `StartInspection`, recording who led it (带队领导).
    StartLedInspection(NewInspection, Option<crate::domain::LeaderRole>),
    /// As `StartLedInspection`, deciding by the intent what becomes of a facility the registry
    /// does not hold (`ops::start_inspection_at`; `Ask` comes back as
    /// `Action::FacilityUnregistered` when it is unknown).
    StartInspectionAt(
        NewInspection,
        Option<crate::domain::LeaderRole>,
        ops::FacilityIntent,
    ),
    OpenChecklist(Uuid),
    Answer {
        inspection: Uuid,
        item: String,
        answer: Answer,
    },
    Finish(Uuid),
    /// Set the note of an answered item (`ops::set_answer_note`; empty clears it).
    AnswerNote {
        inspection: Uuid,
        item: String,
        note: String,
    },
    /// Add me to someone else's inspection (`ops::join_inspection`), then carry out `then`.
    JoinInspection {
        inspection: Uuid,
        then: super::action::Command,
    },
    /// Answer an item again and rectify (with the 整改报告人 as typed) or retract its hazard,
    /// in one append (`ops::reanswer_with_step`, W17).
    ReanswerWithStep {
        inspection: Uuid,
        item: String,
        answer: Answer,
        finding: Uuid,
        retract: bool,
        note: String,
        name: String,
        role: String,
    },
    RecordFinding(NewFinding),
    /// Record a finding with its 部位 resolved against the registry as the form decided
    /// (`ops::record_finding_at`).
    RecordFindingAt(NewFinding, crate::ops::PlaceIntent),
    /// `FailWithFinding` with the 部位 resolved as the form decided.
    FailWithFindingAt(NewFinding, crate::ops::PlaceIntent),
    /// The registered places of a facility, for the hazard form's 部位 picker.
    LoadPlaces(String),
    /// Every registered facility with its places, for the 台账 forms' 单位 and 地点 fields.
    LoadRegistryChoices,
    /// A new hazard of a 台账 entry: its start (`ops::hazard_prefill`), for the form.
    PrefillHazard(crate::domain::RegisterRef),
    /// Record a hazard on a 台账 entry with its link, in one append (`ops::record_finding_on`).
    RecordFindingOn(
        NewFinding,
        crate::ops::PlaceIntent,
        crate::domain::RegisterRef,
    ),
    /// Answer the item 不合格 and record its finding in one append (`ops::fail_with_finding`).
    FailWithFinding(NewFinding),
    /// Keep the finding form's draft (the worker debounces a run of these).
    SaveDraft(crate::ops::FindingDraft),
    /// Drop one hazard form's draft.
    ClearDraft(crate::ops::DraftKey),
    /// Read the newest hazard-form draft an earlier run left (home mentions it).
    LoadDraft,
    /// Read the hazard-form drafts of one inspection (its checklist restores them).
    LoadDrafts(Uuid),
    /// Keep another form's draft (new inspection, a step's note) under its key (debounced).
    SaveFormDraft {
        key: crate::ops::DraftKey,
        value: serde_json::Value,
    },
    /// Read another form's draft.
    LoadFormDraft(crate::ops::DraftKey),
    /// Drop another form's draft.
    ClearFormDraft(crate::ops::DraftKey),
    /// The register's rows through a filter, in an order: ops reads, filters and sorts them
    /// here on the worker (issue 14), first the first screen, then the whole list.
    LoadRegister {
        filter: crate::ops::RegisterFilter,
        sort: crate::ops::SortDue,
    },
    /// Load the 危险化学品 / 特种设备 registers.
    LoadRegisters,
    /// Every inspection, for the inspection browser.
    LoadInspectionList,
    /// Every facility with its counts, for the facility browser.
    LoadFacilityList,
    LoadFinding(Uuid),
    /// 整改, with the 整改报告人's name and role as typed (both empty: none).
    Rectify {
        id: Uuid,
        note: String,
        name: String,
        role: String,
    },
    /// 签收 of the finding's last 四书 document: 签收人 and the 整改承诺.
    Receive {
        id: Uuid,
        name: String,
        role: String,
        promise: String,
    },
    /// 复查, with the 复查人's name and role as typed (both empty: none).
    Verify {
        id: Uuid,
        passed: bool,
        note: String,
        name: String,
        role: String,
    },
    Escalate {
        id: Uuid,
        note: String,
    },
    /// Issue one 四书 document over several hazards of one facility (`ops::issue_notice`),
    /// then print it as `PrintNotice` does.
    IssueNotice {
        ids: Vec<Uuid>,
        note: String,
    },
    /// Add a comment (备注) to a finding through `ops::comment`.
    Comment {
        id: Uuid,
        text: String,
    },
    /// Retract a finding with a reason through `ops::retract`.
    Retract {
        id: Uuid,
        reason: String,
    },
    /// Set a field of a finding through `ops::set_field` (which checks the value).
    SetField {
        id: Uuid,
        field: Field,
        value: String,
    },
    Settle {
        id: Uuid,
        field: Field,
        value: String,
    },
    /// Settles crossing lifecycle steps, keeping `keep`.
    SettleSteps {
        id: Uuid,
        keep: crate::domain::EventRef,
    },
    /// Where an export goes by default (the configured export folder, else documents).
    SuggestExportPath,
    Export {
        query: FindingQuery,
        format: LedgerFormat,
        path: String,
        /// The user agreed to replace an existing file; without it an existing file is asked
        /// about (`Action::ExportExists`) and left alone.
        overwrite: bool,
    },
    /// The best hits for what is typed in the search overlay (the index is built on first use).
    Search(String),
    /// The search overlay closed over the register: the index goes, so it and the register's
    /// rows are not held together (issue 14; the next search reads the index file again).
    LetGoOfSearchIndex,
    /// The sync screen's starting point (folder to offer, events waiting).
    OpenSync,
    /// Print the document a finding has reached as HTML in the export (else documents) folder,
    /// and open it in the system viewer where there is one.
    PrintNotice(Uuid),
    /// Open photo `n` (from 1) of a hazard, named by `hash`, in the system viewer.
    OpenPhoto {
        n: usize,
        hash: String,
    },
    /// Decode a hazard's photo (its small copy) and encode it for the terminal to fit
    /// `cols`×`rows` cells (issue 18: photos in the detail).
    ShowPhoto {
        hash: String,
        cols: u16,
        rows: u16,
    },
    /// List a folder for the photo screen (None: the folder used last, else Pictures).
    ListPhotoFolder(Option<String>),
    /// Complete a path typed in the photo screen (Tab).
    CompletePath(String),
    /// Attach photos to a hazard through `ops::attach_photos_with` (progress; Esc stops it
    /// with nothing attached).
    AttachPhotos {
        id: Uuid,
        paths: Vec<PathBuf>,
        stage: crate::domain::PhotoStage,
    },
    /// Take photo `n` (from 1) off a hazard through `ops::remove_photo`.
    RemovePhoto {
        id: Uuid,
        n: usize,
        reason: String,
    },
    /// Print the 整改表 of an inspection, as `PrintNotice` does.
    PrintForm(Uuid),
    /// Stop the sync or export under way (the loop sets the flag at once; the worker is busy).
    Cancel,
    /// A sync through `dir`, or only its preview; reports progress while it runs.
    Sync {
        dir: String,
        dry_run: bool,
    },
    /// The registry, the unregistered names and the patrol log.
    LoadRegistry,
    /// A change to the registry typed in the TUI (issue 16).
    EditRegistry(super::registry_edit::RegistryEdit),
    StartPatrol {
        facility: Uuid,
        night: bool,
    },
    /// A 正常 visit of key site `place`.
    PatrolVisit {
        patrol: Uuid,
        place: Uuid,
    },
    /// An 异常 at key site `place`: the hazard form's hazard and the visit naming it, in one
    /// append (`ops::patrol_visit_abnormal`).
    PatrolAbnormal {
        patrol: Uuid,
        place: Uuid,
        new: Box<NewFinding>,
        intent: crate::ops::PlaceIntent,
    },
    FinishPatrol(Uuid),
    /// A 台账 form (issue 17): add, edit, receipt, issue, check, operator, hazard link.
    SaveEntry(super::entry_effects::EntrySave),
}

impl Effect {
    /// The draft a save effect writes (the worker keeps only the last save of one draft).
    pub fn draft_key(&self) -> Option<crate::ops::DraftKey> {
        match self {
            Effect::SaveDraft(d) => Some(d.key()),
            Effect::SaveFormDraft { key, .. } => Some(key.clone()),
            _ => None,
        }
    }

    /// Whether Esc may stop this run: the cancel flag is cleared when it is sent, so an Esc
    /// pressed before the worker even starts it still counts.
    pub fn cancellable(&self) -> bool {
        matches!(
            self,
            Effect::Export { .. } | Effect::Sync { .. } | Effect::AttachPhotos { .. }
        )
    }

    /// What the status line says while this runs, and whether Esc stops it; None for work
    /// too short to mention.
    pub fn busy(&self) -> Option<(&'static str, bool)> {
        Some(match self {
            Effect::LoadHome => ("正在读取首页数据", false),
            Effect::LoadRegister { .. } => ("正在读取台账", false),
            Effect::LoadInspectionList => ("正在读取全部检查", false),
            Effect::LoadFacilityList => ("正在统计各单位的隐患", false),
            Effect::Search(_) => ("正在搜索（首次搜索需建立索引）", false),
            Effect::Export { .. } => ("正在导出", true),
            Effect::Sync { .. } => ("正在同步", true),
            Effect::AttachPhotos { .. } => ("正在添加照片（检查、转正、去除位置信息）", true),
            _ => return None,
        })
    }
}

/// Owns the context (and through it the store) and the config; the only part of the TUI that
/// does I/O. The loop runs it on a worker thread; tests run it inline.
pub struct Runner {
    pub ctx: Ctx,
    pub config_dir: PathBuf,
    pub config: Config,
    /// Set by the loop when the user presses Esc during a sync or an export.
    pub cancel: Cancel,
    /// Open printed documents in the system viewer (off in tests).
    pub open_viewer: bool,
    /// How photos are encoded for the terminal; None: the terminal shows none (the list).
    pub picker: Option<ratatui_image::picker::Picker>,
    /// The store's mark when the runner was given its context, for [`Runner::close`].
    opened: Option<ops::OpenMark>,
    /// The register's rows as last read, answering filter changes while the log is unchanged.
    pub register: super::register_effects::HeldRegister,
}

impl Runner {
    /// A runner over `ctx` as it is now: its close compares the store with this moment.
    pub fn new(ctx: Ctx, config_dir: PathBuf, config: Config) -> Runner {
        let opened = ctx.open_mark();
        Runner {
            ctx,
            config_dir,
            config,
            cancel: Cancel::default(),
            open_viewer: false,
            picker: None,
            opened,
            register: Default::default(),
        }
    }

    /// Closes the store when the TUI quits, by the rule the CLI's commands close by
    /// (`ops::close_opened`): a session that only browsed seals the search index file (when it
    /// is current), so the next `xuncha search` answers without opening the store (issue 14:
    /// at 100,000 hazards ≈ 40 MB and 0.1 s instead of 97 MB and 0.3 s); one that saved
    /// anything does not. sled's whole teardown: a test or benchmark may open the data dir
    /// again in this process. A failure here has nothing left to report to.
    pub fn close(self) {
        let _ = ops::close_opened(self.ctx, self.opened, ops::Teardown::Full);
    }
}

/// The last sync, the events not yet synced, and the folder to offer (the configured one,
/// else the one used last).
pub fn sync_info(ctx: &Ctx, config: &Config) -> Result<SyncInfo, OpsError> {
    ops::sync_info(ctx, config.sync_dir.as_deref())
}

/// `~/x` is the home folder's `x`, as a shell would read it.
fn expand_home(dir: &str) -> PathBuf {
    let home = || directories::UserDirs::new().map(|d| d.home_dir().to_path_buf());
    match dir.strip_prefix("~") {
        Some(rest) if rest.is_empty() || rest.starts_with(['/', '\\']) => match home() {
            Some(h) => h.join(rest.trim_start_matches(['/', '\\'])),
            None => PathBuf::from(dir),
        },
        _ => PathBuf::from(dir),
    }
}

fn failed(e: OpsError) -> Action {
    let message = e.to_string();
    match e {
        OpsError::Invalid { field, .. } => Action::Refused { field, message },
        _ => Action::Failed(message),
    }
}

impl Runner {
    pub fn run(&mut self, effect: Effect, now: Now) -> Action {
        self.run_with(effect, now, &mut |_| {})
    }

    /// Runs one effect; a long one (sync) reports progress as actions through `progress`,
    /// which the loop applies and draws before the effect returns.
    pub fn run_with(
        &mut self,
        effect: Effect,
        now: Now,
        progress: &mut dyn FnMut(Action),
    ) -> Action {
        self.ctx.now = now;
        let action = match self.try_run(effect, progress) {
            Ok(a) => a,
            Err(e) => failed(e),
        };
        self.keep_index_current(&action);
        super::sanitize::escape_action(action)
    }

    /// Saved findings go into the search index at once (ops drops it after a sync).
    fn keep_index_current(&mut self, action: &Action) {
        if let Action::FindingSaved(f) | Action::FindingUpdated { finding: f, .. } = action {
            ops::index_finding(&mut self.ctx, f);
        }
        if let Action::FailSaved { finding, .. } = action {
            ops::index_finding(&mut self.ctx, finding);
        }
    }

    fn search(&mut self, query: String) -> Result<Action, OpsError> {
        // One beyond the page, so the overlay can say "50+" when more match.
        let out = ops::search(&mut self.ctx, &query, super::app::SEARCH_PAGE + 1)?;
        Ok(Action::SearchResults {
            query,
            hits: out.hits,
            error: out.error,
        })
    }

    fn sync(&mut self, dir: &str, dry_run: bool, progress: &mut dyn FnMut(Action)) -> Action {
        let path = expand_home(dir.trim());
        let opts = SyncOptions {
            dry_run,
            cancel: Some(self.cancel.clone()),
            ..SyncOptions::default()
        };
        let mut report = |done, total| progress(Action::SyncProgress { done, total });
        let rep = match ops::sync(&mut self.ctx, &path, &opts, &mut report) {
            Ok(r) => r,
            Err(e) => return Action::Failed(e.to_string()),
        };
        let mut config_error = None;
        if !dry_run && !rep.cancelled && self.config.sync_dir.as_ref() != Some(&path) {
            self.config.sync_dir = Some(path);
            if let Err(e) = self.config.save(&self.config_dir) {
                config_error = Some(format!("无法记住同步文件夹（配置文件 {e}）"));
            }
        }
        match sync_info(&self.ctx, &self.config) {
            Ok(info) => Action::Synced {
                report: Box::new(rep),
                info,
                lines: line_infos(&self.ctx),
                config_error,
            },
            Err(e) => failed(e),
        }
    }

    fn try_run(
        &mut self,
        effect: Effect,
        progress: &mut dyn FnMut(Action),
    ) -> Result<Action, OpsError> {
        if matches!(
            effect,
            Effect::ListPhotoFolder(_)
                | Effect::CompletePath(_)
                | Effect::AttachPhotos { .. }
                | Effect::RemovePhoto { .. }
                | Effect::ShowPhoto { .. }
        ) {
            return Ok(super::photo_effects::run(self, effect, progress));
        }
        let ctx = &mut self.ctx;
        let effect_kind = matches!(effect, Effect::PrintForm(_));
        Ok(match effect {
            Effect::IssueNotice { ids, note } => {
                let findings = ops::issue_notice(ctx, &ids, &note, None)?;
                let what = findings
                    .first()
                    .and_then(|f| f.escalations.last())
                    .map(|s| match &s.issued {
                        Some(i) => format!("{}（{}）", s.level.label(), i.wenhao),
                        None => s.level.label().to_string(),
                    })
                    .unwrap_or_default();
                let path = print_path(&self.config, ctx, ids[0], false);
                let s = ops::export_finding_notice(ctx, &ids[0].to_string(), &path)?;
                Action::NoticeIssued {
                    findings,
                    what,
                    path: s.path.display().to_string(),
                    opened: self.open_viewer && open_in_viewer(&s.path),
                }
            }
            Effect::PrintNotice(id) | Effect::PrintForm(id) => {
                let form = effect_kind;
                let path = print_path(&self.config, ctx, id, form);
                let s = if form {
                    ops::export_inspection_form(ctx, &id.to_string(), &path)?
                } else {
                    ops::export_finding_notice(ctx, &id.to_string(), &path)?
                };
                let opened = self.open_viewer && open_in_viewer(&s.path);
                Action::Printed {
                    path: s.path.display().to_string(),
                    opened,
                }
            }
            Effect::Cancel => {
                self.cancel
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                Action::Idle
            }
            Effect::SaveInspector(name, org) => {
                self.config.inspector = name.clone();
                self.config.org = org.clone();
                ctx.org = org;
                self.config
                    .save(&self.config_dir)
                    .map_err(|e| OpsError::invalid("配置文件", e))?;
                ctx.author = name.clone();
                Action::ConfigSaved(name)
            }
            Effect::LoadHome => {
                Action::HomeLoaded(ops::home(ctx, self.config.sync_dir.as_deref())?)
            }
            Effect::SuggestExportPath => {
                let default = ops::default_export_path(LedgerFormat::Xlsx, &ctx.now);
                let path = match (&self.config.export_dir, default.file_name()) {
                    (Some(dir), Some(name)) => dir.join(name),
                    _ => default,
                };
                Action::ExportPathSuggested(path.display().to_string())
            }
            Effect::Export {
                query,
                format,
                path: typed,
                overwrite,
            } => {
                let path = expand_home(typed.trim());
                if !overwrite && path.exists() {
                    return Ok(Action::ExportExists(typed));
                }
                match ops::export_ledger(ctx, &query, format, &path, Some(&self.cancel)) {
                    Ok(s) => Action::Exported(s),
                    Err(e) => Action::Failed(e.to_string()),
                }
            }
            Effect::Search(q) => self.search(q)?,
            Effect::LetGoOfSearchIndex => {
                if ops::let_go_of_search_index(ctx) {
                    ops::trim_heap();
                }
                Action::Idle
            }
            Effect::OpenSync => Action::SyncOpened(sync_info(ctx, &self.config)?),
            Effect::Sync { dir, dry_run } => self.sync(&dir, dry_run, progress),
            Effect::LoadFacilities => Action::FacilitiesLoaded(ops::facilities(ctx)?),
            Effect::JoinInspection { .. }
            | Effect::ReanswerWithStep { .. }
            | Effect::AnswerNote { .. } => super::inspection_effects::run(ctx, effect)?,
            Effect::LoadRoster | Effect::ApproveDevice(_) | Effect::RevokeDevice { .. } => {
                super::device_effects::run(ctx, effect)?
            }
            Effect::LoadRegistry
            | Effect::StartPatrol { .. }
            | Effect::PatrolVisit { .. }
            | Effect::PatrolAbnormal { .. }
            | Effect::FinishPatrol(_) => super::patrol_effects::run(ctx, effect)?,
            Effect::EditRegistry(edit) => super::registry_edit::run(ctx, edit)?,
            Effect::SaveEntry(save) => super::entry_effects::run(ctx, save)?,
            Effect::StartInspection(new) => {
                let i = ops::start_inspection(ctx, new)?;
                Action::ChecklistLoaded(ops::checklist(ctx, i.id)?)
            }
            Effect::StartLedInspection(new, leader) => {
                let i = ops::start_led_inspection(ctx, new, leader)?;
                Action::ChecklistLoaded(ops::checklist(ctx, i.id)?)
            }
            Effect::StartInspectionAt(new, leader, intent) => {
                match ops::start_inspection_at(ctx, new, leader, intent)? {
                    ops::StartOutcome::Started(i) => {
                        Action::ChecklistLoaded(ops::checklist(ctx, i.id)?)
                    }
                    ops::StartOutcome::Unregistered { facility, like } => {
                        Action::FacilityUnregistered { facility, like }
                    }
                }
            }
            Effect::OpenChecklist(id) => Action::ChecklistLoaded(ops::checklist(ctx, id)?),
            Effect::Answer {
                inspection,
                item,
                answer,
            } => match ops::answer(ctx, inspection, &item, answer, "") {
                Ok(i) => Action::Answered {
                    inspection: i,
                    item_id: item,
                },
                Err(e) => Action::AnswerRefused {
                    inspection,
                    item_id: item,
                    message: e.to_string(),
                },
            },
            Effect::FailWithFinding(new) => {
                let key = draft_key(&new);
                let (inspection, finding) = ops::fail_with_finding(ctx, new)?;
                forget_draft(ctx, &key);
                Action::FailSaved {
                    inspection: Box::new(inspection),
                    finding: Box::new(finding),
                }
            }
            Effect::SaveDraft(d) => {
                ops::save_draft(ctx, &d)?;
                Action::Idle
            }
            Effect::ClearDraft(key) => {
                ops::clear_draft(ctx, &key)?;
                Action::Idle
            }
            Effect::LoadDraft => Action::DraftLoaded(ops::load_draft(ctx)?),
            Effect::LoadDrafts(inspection) => {
                let (drafts, problems) = ops::finding_drafts(ctx, Some(inspection))?;
                Action::DraftsLoaded {
                    inspection,
                    drafts,
                    problems,
                }
            }
            Effect::SaveFormDraft { key, value } => {
                ops::save_draft_at(ctx, &key, &value)?;
                Action::Idle
            }
            Effect::LoadFormDraft(key) => {
                // A damaged draft is set aside and named; the form opens without it.
                match ops::load_draft_at::<serde_json::Value>(ctx, &key) {
                    Ok(value) => Action::FormDraftLoaded { key, value },
                    Err(e) => Action::Failed(e.to_string()),
                }
            }
            Effect::ClearFormDraft(key) => {
                ops::clear_draft_at(ctx, &key)?;
                Action::Idle
            }
            Effect::Finish(id) => Action::Finished(ops::finish_inspection(ctx, id)?),
            Effect::RecordFindingAt(new, intent) => {
                let key = draft_key(&new);
                let f = ops::record_finding_at(ctx, new, intent)?.finding;
                forget_draft(ctx, &key);
                Action::FindingSaved(f)
            }
            Effect::FailWithFindingAt(new, intent) => {
                let key = draft_key(&new);
                let (inspection, finding) = ops::fail_with_finding_at(ctx, new, intent)?;
                forget_draft(ctx, &key);
                Action::FailSaved {
                    inspection: Box::new(inspection),
                    finding: Box::new(finding),
                }
            }
            Effect::LoadRegistryChoices => {
                Action::RegistryChoicesLoaded(ops::registry_choices(ctx)?)
            }
            Effect::PrefillHazard(register) => Action::HazardPrefilled {
                register,
                start: Box::new(ops::hazard_prefill(ctx, register)?),
            },
            Effect::RecordFindingOn(new, intent, register) => {
                Action::FindingSaved(ops::record_finding_on(ctx, new, intent, register)?.finding)
            }
            Effect::LoadPlaces(facility) => Action::PlacesLoaded {
                places: ops::places_of(ctx, &facility)?,
                facility,
            },
            Effect::RecordFinding(new) => {
                let key = draft_key(&new);
                let f = ops::record_finding(ctx, new)?;
                forget_draft(ctx, &key);
                Action::FindingSaved(f)
            }
            Effect::LoadRegister { filter, sort } => {
                // Not the index and the rows at once (issue 14): searching again reads the
                // file, a few hundred ms; the rows are what this screen needs.
                ops::let_go_of_search_index(ctx);
                self.register.load(ctx, filter, sort, progress)?
            }
            Effect::LoadRegisters => {
                let chemicals = ops::chemicals(ctx)?;
                let equipment = ops::equipment_list(ctx)?;
                let unregistered = ops::unregistered_entries(ctx, &chemicals, &equipment)?;
                Action::RegistersLoaded(Box::new(
                    crate::tui::screens::registers_state::RegistersData {
                        chemicals,
                        equipment,
                        unregistered,
                    },
                ))
            }
            Effect::LoadInspectionList => Action::InspectionsLoaded(ops::all_inspections(ctx)?),
            Effect::LoadFacilityList => Action::FacilityRowsLoaded(ops::facility_rows(ctx)?),
            Effect::LoadFinding(id) => {
                let finding = ctx.finding_by_id(id)?;
                let label = ctx.item_label(&finding);
                let here = ops::finding_photos(ctx, &finding)
                    .iter()
                    .map(|l| l.present)
                    .collect();
                Action::FindingLoaded(finding, label, here)
            }
            Effect::OpenPhoto { n, hash } => match ops::photo_file(ctx, &hash) {
                // Spawned, never waited for: the viewer runs beside the TUI.
                Some(path) => Action::PhotoOpened {
                    n,
                    opened: self.open_viewer && open_in_viewer(&path),
                    path: Some(path.display().to_string()),
                },
                None => Action::PhotoOpened {
                    n,
                    path: None,
                    opened: false,
                },
            },
            Effect::Rectify {
                id,
                note,
                name,
                role,
            } => {
                let by = ops::signer(ops::REPORTER, &name, &role)?;
                Action::FindingUpdated {
                    finding: ops::rectify_reported(ctx, id, &note, None, by)?,
                    what: "已登记整改".into(),
                }
            }
            Effect::Receive {
                id,
                name,
                role,
                promise,
            } => {
                let done = ops::receive_notice(ctx, &id.to_string(), None, &name, &role, &promise)?;
                let finding = done
                    .into_iter()
                    .find(|f| f.id == id)
                    .map_or_else(|| ctx.finding_by_id(id), Ok)?;
                Action::FindingUpdated {
                    finding,
                    what: "已登记签收".into(),
                }
            }
            Effect::Verify {
                id,
                passed,
                note,
                name,
                role,
            } => Action::FindingUpdated {
                finding: {
                    let verifier = ops::signer(ops::VERIFIER, &name, &role)?;
                    ops::verify_signed(ctx, id, passed, &note, verifier)?
                },
                what: if passed {
                    "复查通过，已销号".into()
                } else {
                    "复查不通过，已退回整改".into()
                },
            },
            Effect::Escalate { id, note } => {
                let f = ops::escalate(ctx, id, &note, None)?;
                let level = f.escalation.map(|e| e.label()).unwrap_or("督办");
                Action::FindingUpdated {
                    what: format!("已发出{level}"),
                    finding: f,
                }
            }
            Effect::Comment { id, text } => Action::FindingUpdated {
                finding: ops::comment(ctx, id, &text)?,
                what: "已添加备注".into(),
            },
            Effect::Retract { id, reason } => Action::FindingUpdated {
                finding: ops::retract(ctx, id, &reason)?,
                what: "已撤销隐患".into(),
            },
            Effect::SettleSteps { id, keep } => Action::FindingUpdated {
                finding: ops::settle_steps(ctx, id, keep, "")?,
                what: "冲突已裁定".into(),
            },
            Effect::SetField { id, field, value } => Action::FindingUpdated {
                finding: ops::set_field(ctx, id, field, &value)?,
                what: format!("已修改{}", field.label()),
            },
            // Run above, before the context is borrowed here.
            Effect::ListPhotoFolder(_)
            | Effect::CompletePath(_)
            | Effect::AttachPhotos { .. }
            | Effect::RemovePhoto { .. }
            | Effect::ShowPhoto { .. } => Action::Idle,
            Effect::Settle { id, field, value } => Action::FindingUpdated {
                finding: ops::settle_conflict(ctx, id, field, &value)?,
                what: format!("冲突已处理：{}", field.label()),
            },
        })
    }
}

/// The draft of the form a finding is saved from.
fn draft_key(new: &NewFinding) -> crate::ops::DraftKey {
    crate::ops::DraftKey::finding(
        new.inspection.unwrap_or_default(),
        new.item_id.as_deref(),
        new.line.as_deref(),
    )
}

/// The form's draft after its finding is saved: dropped (a draft that cannot be removed is
/// offered again on reopen, where the user can discard it; the saved finding is not at risk).
fn forget_draft(ctx: &Ctx, key: &crate::ops::DraftKey) {
    let _ = ops::clear_draft(ctx, key);
}

/// Hands a file to the system viewer (xdg-open, open, start) without waiting for it; false when
/// there is none.
fn open_in_viewer(path: &std::path::Path) -> bool {
    use std::process::{Command, Stdio};
    let mut cmd = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        Command::new("xdg-open")
    };
    cmd.arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .is_ok()
}

/// Where a printed document goes: the export folder (else the documents folder), named by the
/// record's short id and today: `隐患文书-844c6ec4-2026-11-22.html`, `整改表-…`.
fn print_path(config: &Config, ctx: &Ctx, id: Uuid, form: bool) -> PathBuf {
    let dir = match &config.export_dir {
        Some(d) => d.clone(),
        None => ops::default_export_path(LedgerFormat::Csv, &ctx.now)
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_else(|| PathBuf::from(".")),
    };
    let short = id.simple().to_string();
    let what = if form { "整改表" } else { "隐患文书" };
    dir.join(format!(
        "{what}-{}-{}.html",
        &short[short.len() - 8..],
        ctx.now.today()
    ))
}
