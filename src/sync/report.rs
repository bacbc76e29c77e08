//! What a sync did (or, in a dry run, would do): serialisable for `--json` and the TUI.

use super::names::Foreign;
use crate::store::{AsideRun, ForkNote, NewConflict, PeerStatus};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub dry_run: bool,
    pub folder: String,
    pub device: Uuid,
    pub at: DateTime<Utc>,
    /// This device's own events not exported before this sync.
    pub own_events_out: u64,
    /// Events in the bundles written (own and relayed).
    pub events_out: u64,
    pub bundles_written: Vec<BundleNote>,
    /// New events taken in, per origin device.
    pub events_in: Vec<DeviceCount>,
    pub bundles_read: usize,
    /// Bundles skipped because they were imported whole before.
    pub bundles_known: usize,
    pub conflicts: Vec<NewConflict>,
    pub rejected: Vec<Rejection>,
    /// Imported events stamped more than a day ahead of this clock: kept, but not trusted.
    pub far_future: Vec<EventNote>,
    /// Devices whose log here has holes (events above the gap are kept and shown).
    pub gaps: Vec<DeviceGaps>,
    /// Why this device no longer writes (a cloned or restored data dir), if so.
    pub frozen: Option<String>,
    /// Per other device: when it last synced and which of our events it lacked then.
    pub peers: Vec<PeerStatus>,
    /// Stopped by the user: what is counted here was done whole; the rest was not started.
    pub cancelled: bool,
    /// Files in the folder that are not ours (sync-engine conflict copies, temp files, system
    /// litter): never read, never a problem. Each counted once per sync.
    pub ignored: Vec<IgnoredNote>,
    /// Entries named like a bundle or device folder that are not regular files or folders
    /// (a folder, a link, a pipe): skipped, with a warning.
    pub skipped: Vec<SkippedNote>,
    /// Bundle files still being copied in (shorter than their header says, no footer yet):
    /// read at a later sync. One that stays the same size across three syncs is a rejection.
    pub arriving: Vec<ArrivingNote>,
    /// Bundle files removed by compaction (this device's own, covered by a larger file of its
    /// own that was already in the folder); in a dry run, those that would be.
    pub removed: Vec<String>,
    /// Bundle files listed that were gone when read (another device compacted them); the
    /// folder was listed again so the files that replaced them were read in the same sync.
    pub vanished: usize,
    /// Forks (two events signed under one device and seq: a copied data dir) settled in this
    /// sync by the rule in docs/clone.md; a losing run seen before is not listed again.
    pub forks: Vec<ForkNote>,
    /// The organisation's roster at work in this sync (issue 9): what was kept aside, refused
    /// or applied on approval, and what is held aside now.
    pub trust: TrustNote,
    /// Photos sent to and taken from the folder (issue 18).
    pub photos: super::photos::PhotoNote,
}

/// The roster's part of a sync report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrustNote {
    /// The organisation's name; None when this store belongs to no organisation and so
    /// accepts events of any device.
    pub org: Option<String>,
    /// Whether this store holds the organisation key (the office, which approves).
    pub office: bool,
    /// Whether the roster held here approves this device (false until the office's approval
    /// arrives: until then other members keep this device's events aside).
    pub self_approved: bool,
    /// Events this sync kept aside (device not approved, or signed with another key).
    pub aside_in: Vec<DeviceCount>,
    /// Events refused because their device was revoked before writing them (not kept).
    pub refused: Vec<RefusedNote>,
    /// Events kept aside before that were applied because their device is now approved.
    pub promoted: Vec<DeviceCount>,
    /// Everything held aside after this sync, per device and key.
    pub held_aside: Vec<AsideRun>,
    /// Runs kept aside that the normal import checks still refuse, with the reason.
    pub problems: Vec<String>,
}

/// Events of a revoked device written after its revocation.
#[derive(Debug, Clone, Serialize)]
pub struct RefusedNote {
    pub device: Uuid,
    pub first: u64,
    pub last: u64,
}

impl TrustNote {
    /// The lines a person reads, in Chinese; `name` labels a device.
    pub fn lines(&self, name: &dyn Fn(Uuid) -> String) -> Vec<String> {
        let Some(org) = &self.org else {
            return vec!["本机未加入单位，接受任何设备的事件（加入单位：xuncha org join）".into()];
        };
        let mut out = Vec::new();
        if !self.self_approved {
            out.push(format!(
                "本机尚未获单位「{org}」批准：批准之前，本机的记录在其他设备上暂存，不进台账"
            ));
        }
        for p in &self.promoted {
            out.push(format!(
                "{} 已获批准：先前暂存的 {} 条事件已导入",
                name(p.device),
                p.events
            ));
        }
        let held: u64 = self.held_aside.iter().map(|r| r.events).sum();
        if held > 0 {
            let mut devices: Vec<String> = Vec::new();
            for r in &self.held_aside {
                let n = name(r.device);
                if !devices.contains(&n) {
                    devices.push(n);
                }
            }
            let hint = if self.office {
                "（批准：xuncha device approve 设备编号）"
            } else {
                "（由办公室批准）"
            };
            out.push(format!(
                "{held} 条事件来自未批准的设备（{}），已暂存，待批准；不影响台账{hint}",
                devices.join("、")
            ));
        }
        for r in &self.refused {
            out.push(format!(
                "拒收：{} 已被吊销，其第 {}–{} 条事件写于吊销之后，未导入",
                name(r.device),
                r.first,
                r.last
            ));
        }
        for p in &self.problems {
            out.push(format!("暂存事件未能导入：{p}"));
        }
        if out.is_empty() {
            out.push(format!("单位「{org}」：所有事件都来自已批准的设备"));
        }
        out
    }

    pub(crate) fn add_aside(&mut self, device: Uuid, n: u64) {
        add_count(&mut self.aside_in, device, n);
    }
}

pub(crate) fn add_count(list: &mut Vec<DeviceCount>, device: Uuid, n: u64) {
    if n == 0 {
        return;
    }
    match list.iter_mut().find(|d| d.device == device) {
        Some(d) => d.events += n,
        None => list.push(DeviceCount { device, events: n }),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IgnoredNote {
    /// Path below `xuncha-sync/`.
    pub file: String,
    pub kind: Foreign,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkippedNote {
    pub file: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArrivingNote {
    pub file: String,
    /// Bytes present now.
    pub size: u64,
    pub reason: String,
    /// This device holds the events and rewrote the file whole.
    pub repaired: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleNote {
    pub file: String,
    pub origin: Uuid,
    pub first: u64,
    pub last: u64,
    pub events: u64,
    /// The file existed with other (damaged) bytes and was rewritten.
    pub repaired: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviceCount {
    pub device: Uuid,
    pub events: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectKind {
    /// Altered bytes, a bad signature or chain, or a transfer that stopped part way and
    /// stayed so across syncs.
    Damaged,
    /// A device id seen before, with another key.
    Forged,
    /// Same device and seq, other bytes: quarantined.
    Fork,
    /// Events of this device's own id above a hole in its log: read again at a later sync.
    Clone,
    /// Events of a demo store (`xuncha demo`), never imported into a real one.
    Demo,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rejection {
    pub file: String,
    pub kind: RejectKind,
    pub reason: String,
    /// A later export in this sync rewrote the file from events held here.
    pub repaired: bool,
    /// Damaged, but a whole verified file in the folder holds all its events: nothing is lost
    /// and nobody needs to act (the origin device removes it when it compacts).
    pub covered: bool,
}

impl Rejection {
    /// Whether a person must act: forged, forked, a clone, or damage nobody can repair here.
    pub fn needs_action(&self) -> bool {
        !self.repaired && !self.covered
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EventNote {
    pub device: Uuid,
    pub seq: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviceGaps {
    pub device: Uuid,
    pub frontier: u64,
    pub gaps: Vec<(u64, u64)>,
}

impl SyncReport {
    pub fn events_in_total(&self) -> u64 {
        self.events_in.iter().map(|d| d.events).sum()
    }

    /// 0 when all went well (foreign files, files still arriving, damage repaired or covered,
    /// events kept aside for approval included); 3 when a person must act: a forged or forked
    /// bundle, damage not repaired and not covered, a transfer stalled across syncs, events a
    /// revoked device wrote after its revocation, or this device stopped writing.
    pub fn exit_code(&self) -> i32 {
        if self.rejected.iter().any(Rejection::needs_action)
            || self.frozen.is_some()
            || !self.trust.refused.is_empty()
        {
            3
        } else {
            0
        }
    }

    pub(crate) fn add_in(&mut self, device: Uuid, n: u64) {
        add_count(&mut self.events_in, device, n);
    }
}

/// The cheap numbers a status line shows: own events not yet synced and the last sync.
#[derive(Debug, Clone, Serialize)]
pub struct SyncStatus {
    pub unsynced_events: u64,
    pub last_sync: Option<DateTime<Utc>>,
    pub last_dir: Option<String>,
    pub frozen: Option<String>,
}
