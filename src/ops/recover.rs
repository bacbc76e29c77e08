//! `xuncha doctor --recover --from PATH`: a data dir whose database no longer opens is rebuilt
//! from the bundles in one or more sync folders. The broken database is moved aside, never
//! deleted; every device's events that the folders hold come back, this device's own included.

use crate::domain::Now;
use crate::store::{OwnRecovered, Store, StoreError, read_device_key};
use crate::sync::{self, DeviceGaps, Rejection, bundle, folder};
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum RecoverError {
    /// Nothing to do or nothing to do it with; the data dir was not touched.
    #[error("{0}")]
    Refused(String),
    /// Recovery started and could not finish; the message says what is where.
    #[error("{0}")]
    Failed(String),
}

/// What a recovery did: where the old database went, what came back, what did not.
#[derive(Debug, Clone, Serialize)]
pub struct RecoveryReport {
    pub data_dir: PathBuf,
    /// The broken database, moved aside (not deleted).
    pub moved_to: Option<PathBuf>,
    pub device: Uuid,
    /// Own events 1..=n recovered and the identity kept; `None` when a new identity was made.
    pub kept_identity_through: Option<u64>,
    /// Why the old identity was replaced (when it was).
    pub identity_note: Option<String>,
    pub events: usize,
    pub devices: usize,
    pub findings: usize,
    pub inspections: usize,
    pub bundles_read: usize,
    /// Bundles that could not be used, with why.
    pub rejected: Vec<Rejection>,
    /// Devices whose recovered log has holes.
    pub gaps: Vec<DeviceGaps>,
}

fn failed(e: impl std::fmt::Display) -> RecoverError {
    RecoverError::Failed(e.to_string())
}

/// Rebuilds the store in `dir` from the bundles in `from`. Refuses (touching nothing) when the
/// store opens fine, is held by another process, or no folder can be read.
pub fn recover(dir: &Path, from: &[PathBuf], now: &Now) -> Result<RecoveryReport, RecoverError> {
    let db = dir.join("db");
    if db.exists() {
        match Store::open(dir) {
            Ok(_) => {
                return Err(RecoverError::Refused(format!(
                    "数据目录 {} 的数据库可以正常打开，不需要恢复；要取回同步文件夹里的数据，请运行 xuncha sync --dir 同步文件夹",
                    dir.display()
                )));
            }
            Err(e @ StoreError::Locked(_)) => return Err(RecoverError::Refused(e.to_string())),
            Err(_) => {}
        }
    }
    let mut listed = Vec::new();
    for path in from {
        let f = folder::open(path, true).map_err(RecoverError::Refused)?;
        if !f.exists {
            return Err(RecoverError::Refused(format!(
                "{} 里没有 xuncha 同步文件夹（{}），无从恢复",
                path.display(),
                folder::ROOT
            )));
        }
        let files = f.list().map_err(|e| {
            RecoverError::Refused(format!("无法读取同步文件夹 {}：{e}", path.display()))
        })?;
        listed.extend(files.bundles);
    }
    // This device's id and the highest own seq the folders hold, found by its public key.
    let own = read_device_key(dir).and_then(|key| {
        let public = *key.verifying_key().as_bytes();
        listed
            .iter()
            .filter_map(|f| own_range(&f.path, &public))
            .reduce(|a, b| if a.0 == b.0 { (a.0, a.1.max(b.1)) } else { a })
    });

    let stamp = now.utc().format("%Y%m%dT%H%M%SZ");
    let moved_to = if db.exists() {
        let mut to = dir.join(format!("db.broken-{stamp}"));
        for n in 2.. {
            if !to.exists() {
                break;
            }
            to = dir.join(format!("db.broken-{stamp}-{n}"));
        }
        std::fs::rename(&db, &to).map_err(|e| {
            RecoverError::Refused(format!("无法把损坏的数据库 {} 移开：{e}", db.display()))
        })?;
        Some(to)
    } else {
        None
    };
    let key_file = dir.join("device.key");
    if own.is_none() && key_file.exists() {
        let kept = dir.join(format!("device.key.old-{stamp}"));
        std::fs::rename(&key_file, &kept).map_err(failed)?;
    }
    let mut store = Store::open_for_recovery(dir, own).map_err(failed)?;
    let mut rep = RecoveryReport {
        data_dir: dir.to_path_buf(),
        moved_to,
        device: store.device_id(),
        kept_identity_through: None,
        identity_note: None,
        events: 0,
        devices: 0,
        findings: 0,
        inspections: 0,
        bundles_read: 0,
        rejected: vec![],
        gaps: vec![],
    };
    for f in &listed {
        match sync::import_file(&mut store, now, &f.path) {
            Ok(r) => {
                rep.bundles_read += r.bundles_read + r.bundles_known;
                rep.rejected.extend(r.rejected);
            }
            Err(e) => rep.rejected.push(Rejection {
                file: f.label(),
                kind: sync::RejectKind::Damaged,
                reason: e.to_string(),
                repaired: false,
                covered: false,
            }),
        }
    }
    match store.finish_recovery(own.is_some()).map_err(failed)? {
        OwnRecovered::Kept { last } => rep.kept_identity_through = Some(last),
        OwnRecovered::Replaced { why, .. } => rep.identity_note = Some(why),
    }
    rep.device = store.device_id();
    let vv = store.version_vector().map_err(failed)?;
    rep.devices = vv.len();
    rep.events = store.event_count();
    rep.gaps = vv
        .into_iter()
        .filter_map(|(device, held)| {
            let gaps = held.gaps();
            (!gaps.is_empty()).then(|| DeviceGaps {
                device,
                frontier: held.frontier(),
                gaps,
            })
        })
        .collect();
    rep.findings = store.finding_count();
    rep.inspections = store.all_inspections().map_err(failed)?.len();
    store.flush().map_err(failed)?;
    Ok(rep)
}

/// The origin and last seq named in a bundle's header when it carries `public` as its key.
/// Header: magic(8) | version(2) | origin(16) | public key(32) | first(8) | last(8) | ...
fn own_range(path: &Path, public: &[u8; 32]) -> Option<(Uuid, u64)> {
    let mut head = [0u8; 74];
    // Never through a link, never blocking on a pipe: the folder is hostile ground.
    let (mut file, _) = folder::open_regular(path, bundle::READ_LIMIT).ok()?;
    file.read_exact(&mut head).ok()?;
    if &head[..8] != bundle::MAGIC || head[26..58] != public[..] {
        return None;
    }
    let last = u64::from_le_bytes(head[66..74].try_into().ok()?);
    Some((Uuid::from_slice(&head[10..26]).ok()?, last))
}
