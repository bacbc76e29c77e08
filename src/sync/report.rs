//! What a sync did (or, in a dry run, would do): serialisable for `--json` and the TUI.

use super::names::Foreign;
use crate::store::{ForkNote, NewConflict, PeerStatus};
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

    /// 0 when all went well (foreign files, files still arriving, damage repaired or covered
    /// included); 3 when a person must act: a forged or forked bundle, damage not repaired
    /// and not covered, a transfer stalled across syncs, or this device stopped writing.
    pub fn exit_code(&self) -> i32 {
        if self.rejected.iter().any(Rejection::needs_action) || self.frozen.is_some() {
            3
        } else {
            0
        }
    }

    pub(crate) fn add_in(&mut self, device: Uuid, n: u64) {
        if n == 0 {
            return;
        }
        match self.events_in.iter_mut().find(|d| d.device == device) {
            Some(d) => d.events += n,
            None => self.events_in.push(DeviceCount { device, events: n }),
        }
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
