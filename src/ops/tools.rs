//! Exports, the store check and this device's identity, as use cases.

use super::{Cancel, Ctx, OpsError, Result};
use crate::domain::{Escalation, EscalationStep, Finding, FindingQuery};
use crate::report::{
    self, Env, ExportSummary, FormFormat, InspectionBrief, LedgerFilter, LedgerFormat, Notice,
};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use uuid::Uuid;

pub use crate::store::RebuildReport;

/// This device's identity and how much it holds.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceInfo {
    pub device_id: Uuid,
    /// The ed25519 public key, hex.
    pub public_key: String,
    /// Events this device wrote.
    pub own_events: u64,
    /// Events held from every device.
    pub events: u64,
    pub data_dir: PathBuf,
    /// Why this device stopped writing (a cloned or restored data dir), if it did.
    pub frozen: Option<String>,
    /// Per other device: its last reported sync and which of our events it lacked then.
    pub peers: Vec<crate::store::PeerStatus>,
    /// How people name this device: "王芳（laptop-3）" (see `device_label_in`).
    pub label: String,
}

/// This device's identity.
///
/// # Errors
/// `Store` when the meta tree cannot be read.
pub fn device(ctx: &Ctx) -> Result<DeviceInfo> {
    let s = &ctx.store;
    Ok(DeviceInfo {
        device_id: s.device_id(),
        public_key: s.public_key_hex(),
        own_events: s.own_seq(),
        events: s.held_event_count()?,
        data_dir: s.dir().to_path_buf(),
        frozen: s.frozen()?,
        peers: s.peer_statuses()?,
        label: super::device_label_in(s, s.device_id()),
    })
}

/// Checks the log's chains and signatures and compares every view with a rebuild from the log;
/// with `rebuild`, replaces the views with the rebuilt ones.
///
/// # Errors
/// `Store` when the store cannot be read or written.
pub fn doctor(ctx: &mut Ctx, rebuild: bool) -> Result<RebuildReport> {
    if rebuild && let Some(why) = ctx.store.read_only() {
        return Err(crate::store::StoreError::Frozen(why).into());
    }
    // The check streams (bounded memory); the rebuild keeps the fresh views to write them.
    let rep = if rebuild {
        ctx.store.rebuild(true)?
    } else {
        ctx.store.check()?
    };
    if rebuild {
        ctx.index = None;
        // The views may have changed without a new event: the file's stamp would not see it.
        super::search_file::forget_index_file(ctx);
    }
    Ok(rep)
}

/// Writes the hazard ledger (台账) of the findings matching `q` to `path` as XLSX or CSV. A set
/// `cancel` stops it while findings are read; then nothing is written.
///
/// # Errors
/// `Cancelled`; `Report` when `path` cannot be written (nothing is left under its name);
/// `Store` when a view cannot be read.
pub fn export_ledger(
    ctx: &Ctx,
    q: &FindingQuery,
    format: LedgerFormat,
    path: &Path,
    cancel: Option<&Cancel>,
) -> Result<ExportSummary> {
    let filter = LedgerFilter {
        query: q.clone(),
        ..Default::default()
    };
    export_ledger_filtered(ctx, &filter, format, path, cancel)
}

/// As [`export_ledger`], with a range of 发现日期 as well.
///
/// # Errors
/// As [`export_ledger`].
pub fn export_ledger_filtered(
    ctx: &Ctx,
    filter: &LedgerFilter,
    format: LedgerFormat,
    path: &Path,
    cancel: Option<&Cancel>,
) -> Result<ExportSummary> {
    let ledger = read_ledger(ctx, filter, path, cancel)?.into_ledger()?;
    write_ledger(&ledger, format, path, cancel)
}

/// As [`export_ledger_filtered`] for a command that exits after it (`xuncha export`): the
/// store is closed by `close` (the caller's close: the CLI's seals the search index file) once
/// the findings are read, so the rows are put in order and the file written without sled's
/// page table and cache in memory beside them (issue 14: export of 100,000 hazards within
/// 80 MB resident; the page table alone is about 25 MB there, the keys that order the rows
/// about 7 MB, made in what sled freed).
///
/// # Errors
/// As [`export_ledger`].
pub fn export_ledger_closing(
    ctx: Ctx,
    close: impl FnOnce(Ctx),
    filter: &LedgerFilter,
    format: LedgerFormat,
    path: &Path,
) -> Result<ExportSummary> {
    let gathered = read_ledger(&ctx, filter, path, None)?;
    close(ctx);
    write_ledger(&gathered.into_ledger()?, format, path, None)
}

/// The ledger of the findings matching `filter`, its rows waiting beside `path` in the order
/// read (`Gathered::into_ledger` orders them and needs no store).
fn read_ledger(
    ctx: &Ctx,
    filter: &LedgerFilter,
    path: &Path,
    cancel: Option<&Cancel>,
) -> Result<report::Gathered> {
    let inspections = ledger_inspections(ctx)?;
    let stopped = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let shelf = super::photo::shelf(ctx);
    let env = Env::of(&ctx.catalog, ctx.now)
        .with_org(&ctx.org)
        .with_photos(&shelf);
    // Each row is made as its finding is read, once, and waits beside the output file. The
    // findings are read and decoded on a second thread while this one makes the rows; they
    // cross in batches, as one hand-over per finding cost a thread wake-up each (a tenth of
    // the export's time went to waking and parking).
    let store = &ctx.store;
    std::thread::scope(|s| {
        let (decoded, batches) = std::sync::mpsc::sync_channel(DECODED_AHEAD / BATCH);
        s.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            for f in store.all_findings() {
                let f = if stopped() {
                    Err(OpsError::Cancelled("导出未写任何文件".into()))
                } else {
                    f.map_err(OpsError::from)
                };
                let last = f.is_err();
                batch.push(f);
                if batch.len() == BATCH || last {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    // A closed channel: the rows stopped at an error of their own.
                    if decoded.send(full).is_err() || last {
                        return;
                    }
                }
            }
            let _ = decoded.send(batch);
        });
        // The rows hold what they show of their inspections: the map goes with this call.
        report::gather_ledger(
            &env,
            filter,
            &inspections,
            batches.into_iter().flatten(),
            path,
        )
    })
}

/// Writes `ledger` to `path`; a set `cancel` stops it and nothing is written.
fn write_ledger(
    ledger: &report::Ledger,
    format: LedgerFormat,
    path: &Path,
    cancel: Option<&Cancel>,
) -> Result<ExportSummary> {
    let stopped = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    match report::write_ledger_unless(ledger, format, path, &stopped) {
        Ok(Some(summary)) => Ok(summary),
        Ok(None) => Err(OpsError::Cancelled("导出未写任何文件".into())),
        Err(_) if stopped() => Err(OpsError::Cancelled("导出未写任何文件".into())),
        Err(e) => Err(e.into()),
    }
}

/// How many decoded findings may wait for their rows (a few KB each): enough to keep both
/// threads busy, small enough that the wait costs no memory to speak of.
const DECODED_AHEAD: usize = 256;

/// Decoded findings handed to the row maker at a time.
const BATCH: usize = 64;

/// Every inspection's 检查方式 and 检查人员, as a ledger row shows them, read one at a time.
/// The parser reads only those fields and skips the rest (the answers make up most of an
/// inspection's view), so 12,500 inspections of 50 answers each neither sit in memory nor cost
/// their decoding during an export.
fn ledger_inspections(ctx: &Ctx) -> Result<HashMap<Uuid, InspectionBrief>> {
    let mut out = HashMap::new();
    ctx.store.for_each_inspection_json(|json| {
        let head: InspectionHead = serde_json::from_slice(json)
            .map_err(|e| crate::store::StoreError::Corrupt(format!("检查视图无法解析：{e}")))?;
        let brief = InspectionBrief {
            mode: head.mode.label(),
            inspectors: head.inspectors.join("、"),
        };
        out.insert(head.id, brief);
        Ok(())
    })?;
    Ok(out)
}

/// The fields of an inspection's view that a ledger row shows, read by name from its JSON.
#[derive(serde::Deserialize)]
struct InspectionHead {
    id: Uuid,
    mode: crate::domain::Mode,
    inspectors: Vec<String>,
}

/// Writes the 自查（督查）整改表 of one inspection (id, short id or 检查编号): ODT for a path
/// ending in `.odt`, else HTML.
///
/// # Errors
/// `NotFound` for an unknown inspection; `Report` when `path` cannot be written.
pub fn export_inspection_form(ctx: &Ctx, inspection: &str, path: &Path) -> Result<ExportSummary> {
    export_inspection_form_as(ctx, inspection, FormFormat::for_path(path), path)
}

/// As [`export_inspection_form`], in `format`.
///
/// # Errors
/// As [`export_inspection_form`].
pub fn export_inspection_form_as(
    ctx: &Ctx,
    inspection: &str,
    format: FormFormat,
    path: &Path,
) -> Result<ExportSummary> {
    let insp = ctx.inspection(inspection)?;
    let mut findings = ctx.list_findings(&FindingQuery {
        inspection: Some(insp.id),
        ..Default::default()
    })?;
    findings.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    let labels = ctx.item_labels(&findings);
    let shelf = super::photo::shelf(ctx);
    let env = Env::of(&ctx.catalog, ctx.now)
        .with_org(&ctx.org)
        .with_labels(&labels)
        .with_photos(&shelf);
    Ok(report::write_inspection_form(
        &env, &insp, &findings, format, path,
    )?)
}

/// Writes the 四书 document a finding (id, short id or 隐患编号) has reached: ODT for a path
/// ending in `.odt`, else HTML.
///
/// # Errors
/// As [`export_notice`].
pub fn export_finding_notice(ctx: &Ctx, finding: &str, path: &Path) -> Result<ExportSummary> {
    export_notice(ctx, finding, None, FormFormat::for_path(path), path)
}

/// Writes one 四书 document of a finding: the step `level`, else the last step taken, listing
/// every hazard issued under the same 文号, as the step fixed them. A finding with no such
/// step has no document.
///
/// # Errors
/// `NotFound` for an unknown finding; `Invalid` when the step was never taken; `Report` when
/// `path` cannot be written.
pub fn export_notice(
    ctx: &Ctx,
    finding: &str,
    level: Option<Escalation>,
    format: FormFormat,
    path: &Path,
) -> Result<ExportSummary> {
    let f = ctx.finding(finding)?;
    let step = match level {
        Some(l) => f.escalations.iter().find(|s| s.level == l),
        None => f.escalations.last(),
    };
    let Some(step) = step else {
        let what = level.map(|l| l.label()).unwrap_or("督办文书");
        return Err(OpsError::invalid(
            "隐患",
            format!(
                "该隐患尚未发出{what}，没有可打印的文书；文书在发出（xuncha finding escalate 或 \
                 xuncha notice）时才产生"
            ),
        ));
    };
    let level = step.level;
    let wenhao = step.issued.as_ref().map(|i| i.wenhao.clone());
    let mut listed: Vec<Finding> = Vec::new();
    if let Some(w) = &wenhao {
        for id in ctx.store.findings_by_wenhao(w)? {
            listed.push(if id == f.id {
                f.clone()
            } else {
                ctx.finding_by_id(id)?
            });
        }
    }
    if !listed.iter().any(|x| x.id == f.id) {
        listed.insert(0, f.clone());
    }
    let step_of = |x: &Finding| -> Option<EscalationStep> {
        x.escalations
            .iter()
            .find(|s| match &wenhao {
                Some(w) => s.issued.as_ref().is_some_and(|i| &i.wenhao == w),
                None => s.level == level,
            })
            .cloned()
    };
    let mut pairs: Vec<(Finding, EscalationStep)> = listed
        .into_iter()
        .filter_map(|x| step_of(&x).map(|s| (x, s)))
        .collect();
    pairs.sort_by_key(|(x, s)| {
        (
            s.issued.as_ref().map(|i| i.hazard.number.clone()),
            x.created_at,
            x.id,
        )
    });
    let insp = match f.inspection_id {
        Some(id) => ctx.store.inspection(id)?,
        None => None,
    };
    let notice = Notice {
        level,
        items: pairs.iter().map(|(x, s)| (x, s)).collect(),
        inspection: insp.as_ref(),
    };
    let labels = ctx.item_labels(pairs.iter().map(|(x, _)| x));
    let shelf = super::photo::shelf(ctx);
    let env = Env::of(&ctx.catalog, ctx.now)
        .with_org(&ctx.org)
        .with_labels(&labels)
        .with_photos(&shelf);
    Ok(report::write_notice(&env, &notice, format, path)?)
}

/// Rewrites the data dir's database without the garbage sled leaves behind (see
/// `store::compact`); returns its bytes on disk before and after. The store must be closed.
///
/// # Errors
/// `Store` when another process holds the data dir or a step fails (the old database then
/// stays, whole).
pub fn compact_data_dir(dir: &Path) -> Result<(u64, u64)> {
    Ok(crate::store::compact(dir)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::test_support;

    /// `xuncha export` closes the store before writing (`export_ledger_closing`); the TUI keeps
    /// it (`export_ledger_filtered`). The office must get the same file either way, with the
    /// inspection's 检查方式 and 检查人员 read from the inspections' views.
    #[test]
    fn closing_the_store_first_writes_the_same_ledger() {
        let (dir, mut ctx) = test_support::ctx();
        let (insp, item) = test_support::fire_inspection(&mut ctx);
        for description in ["灭火器压力不足", "安全出口堆放杂物"] {
            crate::ops::record_finding(
                &mut ctx,
                crate::ops::NewFinding {
                    inspection: Some(insp),
                    item_id: Some(item.clone()),
                    description: description.into(),
                    measures: "整改".into(),
                    responsible: "总务科".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        let filter = LedgerFilter::default();
        let formats = [LedgerFormat::Csv, LedgerFormat::Xlsx];
        let out =
            |name: &str, f: LedgerFormat| dir.path().join(format!("{name}.{}", f.extension()));
        for format in formats {
            export_ledger_filtered(&ctx, &filter, format, &out("kept", format), None).unwrap();
        }
        let now = ctx.now;
        drop(ctx);
        for format in formats {
            // A context of its own, as the command opens it; the export closes it.
            let store = crate::store::Store::open(dir.path()).unwrap();
            let again = Ctx::new(store, crate::catalog::Catalog::builtin(), now, "王检查");
            let summary =
                export_ledger_closing(again, drop, &filter, format, &out("closed", format));
            assert_eq!(summary.unwrap().rows, 2);
            let [kept, closed] = ["kept", "closed"].map(|n| std::fs::read(out(n, format)).unwrap());
            assert!(kept == closed, "{} differs", format.extension());
        }
        let csv = std::fs::read_to_string(dir.path().join("kept.csv")).unwrap();
        assert!(csv.contains(",督查,王检查,"), "{csv}");
    }
}
