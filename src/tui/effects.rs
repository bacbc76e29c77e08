//! Effects: what `update` asks the outside world to do. The runner carries them out through
//! `ops` (which flush before returning) and reports back as actions.

use super::action::Action;
use super::app::{
    ChecklistData, HomeData, InspectionSummary, LineCount, LineInfo, RegisterRow, SyncInfo,
};
use crate::config::Config;
use crate::domain::{Answer, Field, Now};
use crate::ops::{self, Ctx, NewFinding, NewInspection, OpsError};
use crate::report::{self, LedgerFormat};
use crate::search::{Index, Query, load_index};
use crate::store::{FindingQuery, StatusFilter};
use crate::sync::{self, SyncOptions};
use chrono::Duration;
use std::collections::BTreeMap;
use std::path::PathBuf;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub enum Effect {
    SaveInspector(String),
    LoadHome,
    LoadFacilities,
    StartInspection(NewInspection),
    OpenChecklist(Uuid),
    Answer {
        inspection: Uuid,
        item: String,
        answer: Answer,
    },
    Finish(Uuid),
    RecordFinding(NewFinding),
    LoadRegister,
    LoadFinding(Uuid),
    Rectify {
        id: Uuid,
        note: String,
    },
    Verify {
        id: Uuid,
        passed: bool,
        note: String,
    },
    Escalate {
        id: Uuid,
        note: String,
    },
    Settle {
        id: Uuid,
        field: Field,
        value: String,
    },
    /// Where an export goes by default (the configured export folder, else documents).
    SuggestExportPath,
    Export {
        query: FindingQuery,
        format: LedgerFormat,
        path: String,
    },
    /// The best hits for what is typed in the search overlay (the index is built on first use).
    Search(String),
    /// The sync screen's starting point (folder to offer, events waiting).
    OpenSync,
    /// A sync through `dir`, or only its preview; reports progress while it runs.
    Sync {
        dir: String,
        dry_run: bool,
    },
}

/// Owns the store (through `Ctx`) and the config; the only part of the TUI that does I/O.
pub struct Runner {
    pub ctx: Ctx,
    pub config_dir: PathBuf,
    pub config: Config,
    /// The search index: built on the first search, kept current as findings change.
    pub index: Option<Index>,
}

/// The last sync, the events not yet synced, and the folder to offer (the configured one,
/// else the one used last). Cheap: a few meta reads.
pub fn sync_info(ctx: &Ctx, config: &Config) -> Result<SyncInfo, OpsError> {
    let st = sync::status(&ctx.store)?;
    Ok(SyncInfo {
        last: st.last_sync.map(|at| {
            at.with_timezone(ctx.now.0.offset())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        }),
        unsynced: st.unsynced_events,
        dir: config
            .sync_dir
            .as_ref()
            .map(|d| d.display().to_string())
            .or(st.last_dir),
        frozen: st.frozen,
    })
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

pub fn line_infos(ctx: &Ctx) -> Vec<LineInfo> {
    ctx.catalog
        .lines
        .iter()
        .map(|l| LineInfo {
            id: l.line.clone(),
            name: l.name.clone(),
            core: l.core,
            items: l.sections.iter().map(|s| s.items.len()).sum(),
            checks: l
                .sections
                .iter()
                .flat_map(|s| s.items.iter())
                .map(|i| (i.id.clone(), i.check.clone()))
                .collect(),
        })
        .collect()
}

fn failed(e: OpsError) -> Action {
    Action::Failed(e.to_string())
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

    /// Saved findings go into the index at once; a sync may change many, so the index is
    /// rebuilt on the next search.
    fn keep_index_current(&mut self, action: &Action) {
        let Some(index) = self.index.as_mut() else {
            return;
        };
        match action {
            Action::FindingSaved(f) | Action::FindingUpdated { finding: f, .. } => {
                index.upsert_finding(f)
            }
            Action::Synced { report, .. } if !report.dry_run => self.index = None,
            _ => {}
        }
    }

    fn search(&mut self, query: String) -> Result<Action, OpsError> {
        const LIMIT: usize = 50;
        let index = match self.index.take() {
            Some(i) => i,
            None => load_index(&self.ctx.store, &self.ctx.catalog)?.0,
        };
        let error = Query::parse(&query)
            .and_then(|q| index.check(&q))
            .err()
            .map(|e| e.to_string());
        let hits = index.search(&query, &self.ctx.now, LIMIT);
        self.index = Some(index);
        Ok(Action::SearchResults { query, hits, error })
    }

    fn sync(&mut self, dir: &str, dry_run: bool, progress: &mut dyn FnMut(Action)) -> Action {
        let path = expand_home(dir.trim());
        let opts = SyncOptions {
            dry_run,
            ..SyncOptions::default()
        };
        let ctx = &mut self.ctx;
        let mut report = |done, total| progress(Action::SyncProgress { done, total });
        let rep = match sync::sync(&mut ctx.store, &ctx.now, &path, &opts, &mut report) {
            Ok(r) => r,
            Err(e) => return Action::Failed(e.to_string()),
        };
        let mut config_error = None;
        if !dry_run && self.config.sync_dir.as_ref() != Some(&path) {
            self.config.sync_dir = Some(path);
            if let Err(e) = self.config.save(&self.config_dir) {
                config_error = Some(format!("无法记住同步文件夹（配置文件 {e}）"));
            }
        }
        match sync_info(&self.ctx, &self.config) {
            Ok(info) => Action::Synced {
                report: Box::new(rep),
                info,
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
        let ctx = &mut self.ctx;
        Ok(match effect {
            Effect::SaveInspector(name) => {
                self.config.inspector = name.clone();
                self.config
                    .save(&self.config_dir)
                    .map_err(|e| OpsError::invalid("配置文件", e))?;
                ctx.author = name.clone();
                Action::ConfigSaved(name)
            }
            Effect::LoadHome => Action::HomeLoaded(home(ctx, &self.config)?),
            Effect::SuggestExportPath => {
                let default = report::default_export_path(LedgerFormat::Xlsx, &ctx.now);
                let path = match (&self.config.export_dir, default.file_name()) {
                    (Some(dir), Some(name)) => dir.join(name),
                    _ => default,
                };
                Action::ExportPathSuggested(path.display().to_string())
            }
            Effect::Export {
                query,
                format,
                path,
            } => match report::export_ledger(ctx, &query, format, &expand_home(path.trim())) {
                Ok(s) => Action::Exported(s),
                Err(e) => Action::Failed(e.to_string()),
            },
            Effect::Search(q) => self.search(q)?,
            Effect::OpenSync => Action::SyncOpened(sync_info(ctx, &self.config)?),
            Effect::Sync { dir, dry_run } => self.sync(&dir, dry_run, progress),
            Effect::LoadFacilities => {
                let mut seen = BTreeMap::new();
                for i in ctx.list_inspections()? {
                    // Newest first: the first time a name is seen is its latest visit.
                    let n = seen.len();
                    seen.entry(i.facility).or_insert(n);
                }
                let mut v: Vec<(String, usize)> = seen.into_iter().collect();
                v.sort_by_key(|(_, n)| *n);
                Action::FacilitiesLoaded(v.into_iter().map(|(f, _)| f).collect())
            }
            Effect::StartInspection(new) => {
                let i = ops::start_inspection(ctx, new)?;
                Action::ChecklistLoaded(checklist(ctx, i.id)?)
            }
            Effect::OpenChecklist(id) => Action::ChecklistLoaded(checklist(ctx, id)?),
            Effect::Answer {
                inspection,
                item,
                answer,
            } => {
                let i = ops::answer(ctx, inspection, &item, answer, "")?;
                Action::Answered {
                    inspection: i,
                    item_id: item,
                }
            }
            Effect::Finish(id) => Action::Finished(ops::finish_inspection(ctx, id)?),
            Effect::RecordFinding(new) => Action::FindingSaved(ops::record_finding(ctx, new)?),
            Effect::LoadRegister => {
                let names: BTreeMap<String, String> = ctx
                    .catalog
                    .lines
                    .iter()
                    .map(|l| (l.line.clone(), l.name.clone()))
                    .collect();
                let now = ctx.now;
                let mut rows = Vec::new();
                for f in ctx.store.all_findings() {
                    let f = f?;
                    if f.retracted {
                        continue;
                    }
                    let name = names.get(&f.line).map(String::as_str).unwrap_or(&f.line);
                    rows.push(RegisterRow::from_finding(&f, name, &now));
                }
                Action::RegisterLoaded(rows)
            }
            Effect::LoadFinding(id) => Action::FindingLoaded(ctx.finding_by_id(id)?),
            Effect::Rectify { id, note } => Action::FindingUpdated {
                finding: ops::rectify(ctx, id, &note)?,
                what: "已登记整改".into(),
            },
            Effect::Verify { id, passed, note } => Action::FindingUpdated {
                finding: ops::verify(ctx, id, passed, &note)?,
                what: if passed {
                    "复查通过，已销号".into()
                } else {
                    "复查不通过，已退回整改".into()
                },
            },
            Effect::Escalate { id, note } => {
                let f = ops::escalate(ctx, id, &note)?;
                let level = f.escalation.map(|e| e.label()).unwrap_or("督办");
                Action::FindingUpdated {
                    what: format!("已发出{level}"),
                    finding: f,
                }
            }
            Effect::Settle { id, field, value } => Action::FindingUpdated {
                finding: ops::settle_conflict(ctx, id, field, &value)?,
                what: format!("冲突已处理：{}", field.label()),
            },
        })
    }
}

fn home(ctx: &Ctx, config: &Config) -> Result<HomeData, OpsError> {
    let today = ctx.now.today();
    let soon = today + Duration::days(7);
    let mut counts: Vec<LineCount> = ctx
        .catalog
        .lines
        .iter()
        .map(|l| LineCount {
            id: l.line.clone(),
            name: l.name.clone(),
            ..Default::default()
        })
        .collect();
    // Only findings not yet closed count; the status index finds them without a full scan.
    let mut open = Vec::new();
    for s in [StatusFilter::Open, StatusFilter::Rectified] {
        open.extend(ctx.list_findings(&FindingQuery {
            status: Some(s),
            ..Default::default()
        })?);
    }
    for f in open {
        let i = match counts.iter().position(|c| c.id == f.line) {
            Some(i) => i,
            None => {
                counts.push(LineCount {
                    id: f.line.clone(),
                    name: f.line.clone(),
                    ..Default::default()
                });
                counts.len() - 1
            }
        };
        let c = &mut counts[i];
        c.open += 1;
        if f.overdue_on(today) {
            c.overdue += 1;
        } else if f.due.is_some_and(|d| d <= soon) {
            c.due_soon += 1;
        }
    }
    let mut unfinished = Vec::new();
    let mut recent = Vec::new();
    for i in ctx.list_inspections()? {
        let total = ctx.catalog.items_of(&i.lines).count();
        let s = InspectionSummary {
            id: i.id,
            facility: i.facility.clone(),
            mode: i.mode,
            started: ctx.now.local_date(i.started_at),
            line_names: i
                .lines
                .iter()
                .map(|l| ctx.catalog.line_name(l).to_string())
                .collect(),
            answered: i.answers.len(),
            total,
            finished: i.is_finished(),
        };
        if !s.finished && unfinished.len() < 10 {
            unfinished.push(s);
        } else if s.finished && recent.len() < 8 {
            recent.push(s);
        }
    }
    Ok(HomeData {
        lines: counts,
        unfinished,
        recent,
        sync: sync_info(ctx, config)?,
    })
}

fn checklist(ctx: &Ctx, id: Uuid) -> Result<ChecklistData, OpsError> {
    let inspection = ctx.store.inspection(id)?.ok_or(OpsError::NotFound {
        what: "检查",
        id: id.to_string(),
    })?;
    let items = ctx.catalog.items_of(&inspection.lines).cloned().collect();
    let line_names = inspection
        .lines
        .iter()
        .map(|l| (l.clone(), ctx.catalog.line_name(l).to_string()))
        .collect();
    let mut findings = BTreeMap::new();
    let q = FindingQuery {
        inspection: Some(id),
        ..Default::default()
    };
    for f in ctx.list_findings(&q)? {
        if let Some(item) = f.item_id {
            *findings.entry(item).or_insert(0) += 1;
        }
    }
    Ok(ChecklistData {
        inspection,
        items,
        line_names,
        findings,
    })
}
