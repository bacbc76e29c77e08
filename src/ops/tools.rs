//! Exports, the store check and this device's identity, as use cases.

use super::{Cancel, Ctx, OpsError, Result};
use crate::domain::{FindingQuery, Inspection};
use crate::report::{self, Env, ExportSummary, LedgerFormat};
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
        events: s.event_count() as u64,
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
    let rep = ctx.store.rebuild(rebuild)?;
    if rebuild {
        ctx.index = None;
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
    let inspections: HashMap<Uuid, Inspection> = ctx
        .store
        .all_inspections()?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let stopped = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let env = Env::of(&ctx.catalog, ctx.now);
    let findings = ctx.store.all_findings().map(|f| {
        if stopped() {
            Err(OpsError::Cancelled("导出未写任何文件".into()))
        } else {
            f.map_err(OpsError::from)
        }
    });
    let ledger = report::ledger(&env, q, &inspections, findings)?;
    Ok(report::write_ledger(&ledger, format, path)?)
}

/// Writes the 自查（督查）整改表 of one inspection (id or a short id) as printable HTML.
///
/// # Errors
/// `NotFound` for an unknown inspection; `Report` when `path` cannot be written.
pub fn export_inspection_form(ctx: &Ctx, inspection: &str, path: &Path) -> Result<ExportSummary> {
    let insp = ctx.inspection(inspection)?;
    let findings = ctx.list_findings(&FindingQuery {
        inspection: Some(insp.id),
        ..Default::default()
    })?;
    let env = Env::of(&ctx.catalog, ctx.now);
    Ok(report::write_inspection_form(&env, &insp, &findings, path)?)
}

/// Writes the 四书 document a finding (id or a short id) has reached as printable HTML.
///
/// # Errors
/// `NotFound` for an unknown finding; `Report` when `path` cannot be written.
pub fn export_finding_notice(ctx: &Ctx, finding: &str, path: &Path) -> Result<ExportSummary> {
    let f = ctx.finding(finding)?;
    let insp = match f.inspection_id {
        Some(id) => ctx.store.inspection(id)?,
        None => None,
    };
    let env = Env::of(&ctx.catalog, ctx.now);
    Ok(report::write_finding_notice(&env, &f, insp.as_ref(), path)?)
}
