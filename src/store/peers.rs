//! Who holds what: the newest version vector each other device reported in a sync folder
//! (see `sync::holds`), kept here so `device` and the screens can say, per device, when it last
//! synced and which of this device's events it still lacks.

use super::{Held, Result, Store};
use ed25519_dalek::Signer;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const PEERS_TREE: &str = "peer_holds";

/// What one device last reported holding of this device's log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerHolds {
    /// The reporting device's wall time (ms since the epoch, UTC) when it synced.
    pub at_ms: i64,
    /// Which of this device's seqs it held then.
    pub ours: Held,
}

/// Per device: when it last synced (as it reported), and how many of this device's exported
/// events it lacked then. `None` where the device left no report in any folder synced here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerStatus {
    pub device: Uuid,
    pub last_sync_ms: Option<i64>,
    /// This device's exported events the device did not hold at its last sync.
    pub lacks: Option<u64>,
    /// Wall time (ms, UTC) of the oldest of those events.
    pub lacks_since_ms: Option<i64>,
}

impl Store {
    /// Signs a note (the holds file) with this device's key: 64 bytes.
    pub fn sign_note(&self, bytes: &[u8]) -> [u8; 64] {
        self.key.sign(bytes).to_bytes()
    }

    /// Keeps `holds` as what `device` holds of this device, unless a newer report is kept.
    pub fn record_peer_holds(&self, device: Uuid, holds: &PeerHolds) -> Result<()> {
        let t = self.db.open_tree(PEERS_TREE)?;
        if let Some(v) = t.get(device.as_bytes())?
            && let Ok(old) = serde_json::from_slice::<PeerHolds>(&v)
            && old.at_ms >= holds.at_ms
        {
            return Ok(());
        }
        t.insert(
            device.as_bytes(),
            serde_json::to_vec(holds).expect("holds serialise"),
        )?;
        Ok(())
    }

    /// Every device whose events are held here or that reported its holdings, but this one.
    pub fn peer_statuses(&self) -> Result<Vec<PeerStatus>> {
        let t = self.db.open_tree(PEERS_TREE)?;
        let mut reported = std::collections::BTreeMap::new();
        for kv in t.iter() {
            let (k, v) = kv?;
            if let (Ok(d), Ok(h)) = (
                Uuid::from_slice(&k),
                serde_json::from_slice::<PeerHolds>(&v),
            ) {
                reported.insert(d, h);
            }
        }
        let mut devices: Vec<Uuid> = self.version_vector()?.into_keys().collect();
        devices.extend(reported.keys().copied());
        devices.sort();
        devices.dedup();
        let exported = self.sync_marks()?.exported_seq.min(self.head_seq);
        let mut out = Vec::new();
        for device in devices {
            if device == self.device || super::is_demo_device(device) {
                continue;
            }
            let Some(h) = reported.get(&device) else {
                out.push(PeerStatus {
                    device,
                    last_sync_ms: None,
                    lacks: None,
                    lacks_since_ms: None,
                });
                continue;
            };
            let held: u64 = h
                .ours
                .ranges
                .iter()
                .map(|&(a, b)| b.min(exported).saturating_sub(a.max(1) - 1))
                .sum();
            let lacks = exported.saturating_sub(held);
            let first_missing = h.ours.frontier() + 1;
            let since = if lacks > 0 && first_missing <= exported {
                self.record(self.device, first_missing)?
                    .and_then(|r| r.body().ok())
                    .map(|b| b.hlc.ms)
            } else {
                None
            };
            out.push(PeerStatus {
                device,
                last_sync_ms: Some(h.at_ms),
                lacks: Some(lacks),
                lacks_since_ms: since,
            });
        }
        Ok(out)
    }
}
