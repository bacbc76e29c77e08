//! Who holds what. At every sync a device leaves a small signed note of its version vector:
//! `xuncha-sync/holds/<device>/<at_ms>-<hash16>.holds`, the JSON body, a newline, the hex
//! ed25519 signature of the body bytes by that device's key, a newline. A new note gets a new
//! name (files stay immutable) and the device removes its own older notes; an old note that
//! comes back is harmless, because readers keep the newest `at_ms` per device. Notes of a
//! device whose key this store does not know, or with a bad signature, are ignored.
//!
//! Bundles stay as they were (content-addressed, written alike by any relay), so older
//! versions of xuncha read the folder unchanged; they simply do not look in `holds/`.

use crate::store::{Held, PeerHolds, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use uuid::Uuid;

pub const DIR: &str = "holds";
const EXT: &str = ".holds";
/// A note lists one range set per device; anything bigger than this is not ours.
const MAX_NOTE: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldsNote {
    pub v: u32,
    pub device: Uuid,
    /// The writer's wall time at the sync, ms since the epoch (UTC).
    pub at_ms: i64,
    /// For each origin device, the seq ranges the writer held.
    pub held: BTreeMap<Uuid, Vec<(u64, u64)>>,
}

/// Writes this device's note into the sync folder `root` (the `xuncha-sync` dir) and removes
/// its own older notes.
pub fn publish(store: &Store, root: &Path, now_ms: i64) -> std::io::Result<()> {
    let device = store.device_id();
    let held = store
        .version_vector()
        .map_err(std::io::Error::other)?
        .into_iter()
        .map(|(d, h)| (d, h.ranges))
        .collect();
    let note = HoldsNote {
        v: 1,
        device,
        at_ms: now_ms,
        held,
    };
    let body = serde_json::to_vec(&note).map_err(std::io::Error::other)?;
    let sig = store.sign_note(&body);
    let mut bytes = body;
    bytes.push(b'\n');
    bytes.extend_from_slice(hex::encode(sig).as_bytes());
    bytes.push(b'\n');
    let hash = hex::encode(&Sha256::digest(&bytes)[..8]);
    let dir = root.join(DIR).join(device.to_string());
    fs::create_dir_all(&dir)?;
    let name = format!("{now_ms}-{hash}{EXT}");
    let tmp = dir.join(format!(".tmp-{}-{name}", fastrand::u64(..)));
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, dir.join(&name))
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
        return written;
    }
    for e in fs::read_dir(&dir)?.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if n != name && note_time(&n).is_some_and(|t| t <= now_ms) {
            let _ = fs::remove_file(e.path());
        }
    }
    Ok(())
}

/// `<at_ms>-<hash16>.holds` → at_ms.
fn note_time(name: &str) -> Option<i64> {
    let stem = name.strip_suffix(EXT)?;
    let (ms, hash) = stem.split_once('-')?;
    (hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| ms.parse().ok())
        .flatten()
}

/// Reads the newest valid note of every other device in `root` and keeps what each holds of
/// this device in the store. Unreadable, oversized, unsigned or foreign files are skipped.
pub fn take_in(store: &Store, root: &Path) -> crate::store::Result<()> {
    let top = root.join(DIR);
    // A link in place of the folder is not followed (the folder is hostile ground).
    if !fs::symlink_metadata(&top).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    let Ok(dirs) = fs::read_dir(&top) else {
        return Ok(());
    };
    for d in dirs.flatten() {
        let Some(device) = d.file_name().to_str().and_then(|n| Uuid::parse_str(n).ok()) else {
            continue;
        };
        if device == store.device_id() || !d.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Some(key) = store.device_key(device)? else {
            continue;
        };
        let mut names: Vec<(i64, std::path::PathBuf)> = fs::read_dir(d.path())
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| Some((note_time(e.file_name().to_str()?)?, e.path())))
            .collect();
        names.sort();
        for (_, path) in names.iter().rev() {
            if let Some(note) = read_note(path, device, &key) {
                let ours = Held {
                    ranges: note
                        .held
                        .get(&store.device_id())
                        .cloned()
                        .unwrap_or_default(),
                };
                store.record_peer_holds(
                    device,
                    &PeerHolds {
                        at_ms: note.at_ms,
                        ours,
                    },
                )?;
                break;
            }
        }
    }
    Ok(())
}

fn read_note(path: &Path, device: Uuid, key: &[u8; 32]) -> Option<HoldsNote> {
    let f = fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    f.take(MAX_NOTE).read_to_end(&mut bytes).ok()?;
    let text = bytes.strip_suffix(b"\n")?;
    let cut = text.iter().rposition(|b| *b == b'\n')?;
    let (body, sig) = (&text[..cut], &text[cut + 1..]);
    let sig: [u8; 64] = hex::decode(sig).ok()?.try_into().ok()?;
    let vkey = ed25519_dalek::VerifyingKey::from_bytes(key).ok()?;
    vkey.verify_strict(body, &ed25519_dalek::Signature::from_bytes(&sig))
        .ok()?;
    let note: HoldsNote = serde_json::from_slice(body).ok()?;
    (note.device == device && note.v == 1).then_some(note)
}
