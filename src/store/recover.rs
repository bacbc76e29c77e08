//! Rebuilding a data dir whose database no longer opens, from the bundles in a sync folder.
//! The store is made fresh; this device keeps its identity only when its key file is intact
//! and the folder holds its own events from seq 1 without a hole, so that its next event
//! follows the last one others already hold.

use super::{
    META_DEVICE, Result, Store, StoreError, codec::ZERO_HASH, identity, open_db, vv::decode_held,
};
use ed25519_dalek::SigningKey;
use std::path::Path;
use uuid::Uuid;

/// The device key of the data dir `dir`, if its key file is intact.
pub fn read_device_key(dir: &Path) -> Option<SigningKey> {
    identity::read_key(dir).ok()
}

/// What a finished recovery made of this device's identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnRecovered {
    /// The identity was kept; own events 1..=`last` were recovered.
    Kept { last: u64 },
    /// A new identity was made; the old one's events (if any) stay as another device's.
    Replaced {
        old: Option<Uuid>,
        /// Why the old identity could not be kept.
        why: String,
    },
}

impl Store {
    /// Opens a new, empty store in `dir` (whose `db` must be gone) for recovery. With
    /// `own = (device, last)`, the store takes that device id and the key file already in
    /// `dir`, and accepts that device's own events up to seq `last` from a folder until
    /// `finish_recovery`; without, it makes a new identity as on first use (a key file left
    /// in `dir` must have been moved away).
    pub fn open_for_recovery(dir: &Path, own: Option<(Uuid, u64)>) -> Result<Store> {
        if let Some((device, _)) = own {
            let key = identity::read_key(dir)?;
            let db = open_db(dir, super::CacheUse::Warm)?;
            db.open_tree("meta")?
                .insert(META_DEVICE, device.as_bytes().as_slice())?;
            db.open_tree("keys")?
                .insert(device.as_bytes(), key.verifying_key().as_bytes().as_slice())?;
            db.flush()?;
        }
        let mut s = Store::open(dir)?;
        if let Some((_, last)) = own {
            // Own events come in as imports: none of them is "ahead" of a log being rebuilt.
            s.head_seq = last;
        }
        Ok(s)
    }

    /// Ends a recovery: keeps this identity when its own events were recovered from seq 1
    /// without a hole (writing continues after the last), otherwise makes a new identity and
    /// keeps the recovered own events as another device's.
    /// `own` is whether `open_for_recovery` was given this device's identity.
    pub fn finish_recovery(&mut self, own: bool) -> Result<OwnRecovered> {
        if !own {
            return Ok(OwnRecovered::Replaced {
                old: None,
                why: "本机密钥无法读取，或同步文件夹里没有本机的事件".into(),
            });
        }
        let held = match self.vv_tree()?.get(self.device.as_bytes())? {
            Some(v) => decode_held(&v)?,
            None => Default::default(),
        };
        let last = held.frontier();
        if last > 0 && held.gaps().is_empty() {
            let rec = self
                .record(self.device, last)?
                .ok_or_else(|| StoreError::Corrupt(format!("本机第 {last} 条事件不在日志中")))?;
            self.vv_tree()?.remove(self.device.as_bytes())?;
            self.head_seq = last;
            self.head_hash = rec.hash();
            self.flush()?;
            return Ok(OwnRecovered::Kept { last });
        }
        let why = if last == 0 && held.ranges.is_empty() {
            "同步文件夹里本机的同步包都无法读取".to_string()
        } else {
            format!(
                "同步文件夹里本机的事件不完整（缺第 {} 条起的事件），接着写会与别处的副本冲突",
                held.frontier() + 1
            )
        };
        let old = self.device;
        self.new_identity()?;
        Ok(OwnRecovered::Replaced {
            old: Some(old),
            why,
        })
    }

    /// A new device id and key; the old key file is kept beside as `device.key.replaced-<id>`.
    fn new_identity(&mut self) -> Result<()> {
        let old_key = self.dir.join(identity::KEY_FILE);
        if old_key.exists() {
            let kept = self
                .dir
                .join(format!("{}.replaced-{}", identity::KEY_FILE, self.device));
            std::fs::rename(&old_key, &kept)
                .map_err(|e| StoreError::Io(format!("无法移走旧的设备密钥：{e}")))?;
        }
        let key = identity::new_key()?;
        identity::write_key(&self.dir, &key)?;
        let device = Uuid::now_v7();
        self.keys
            .insert(device.as_bytes(), key.verifying_key().as_bytes().as_slice())?;
        self.meta
            .insert(META_DEVICE, device.as_bytes().as_slice())?;
        self.flush()?;
        self.device = device;
        self.key = key;
        self.head_seq = 0;
        self.head_hash = ZERO_HASH;
        Ok(())
    }
}
