//! Reading bundle files from the folder and checking them against the store: bounded, without
//! following links, never blocking on a pipe; a file still being copied in is told apart from
//! a damaged one.

use super::bundle::{self, Bundle, ReadFault};
use super::folder::{Listed, OpenFault, open_regular};
use super::report::{ArrivingNote, EventNote, RejectKind, Rejection, SyncReport};
use super::{GROUP_EVENTS, Pending, SyncError};
use crate::domain::Now;
use crate::store::{Arrival, ImportError, Incoming, Store, StoreError, Verified, verify_records};
use std::collections::BTreeMap;
use std::io::BufReader;

/// A file seen incomplete with the same size at this many syncs is a stalled transfer.
pub const STALLED_AFTER_SYNCS: u32 = 3;

/// Why a listed file was not loaded.
#[derive(Debug)]
pub enum LoadFault {
    /// Gone between the listing and the read.
    Vanished,
    /// Cut short with every byte so far well formed: still being copied in.
    Incomplete(String),
    Damaged(String),
}

/// A bundle file read, its bytes and names checked, and its signatures verified; or why not.
pub type Loaded = Result<(Bundle, Option<Verified>), LoadFault>;

/// Reads one bundle file and checks everything that needs no store: footer, shape, the names
/// of its folder and file, every signature against the key it carries.
pub fn load(f: &Listed) -> Loaded {
    let (file, _) = open_regular(&f.path, bundle::READ_LIMIT).map_err(|e| match e {
        OpenFault::Vanished => LoadFault::Vanished,
        OpenFault::NotRegular(why) => LoadFault::Damaged(why),
        OpenFault::TooLarge(n) => LoadFault::Damaged(format!(
            "文件有 {n} 字节，超过同步包上限 {} MB，未读取",
            bundle::READ_LIMIT >> 20
        )),
        OpenFault::Io(e) => LoadFault::Damaged(format!("无法读取：{e}")),
    })?;
    let (b, hash) = bundle::read_from(&mut BufReader::new(file)).map_err(|e| match e {
        ReadFault::Incomplete(r) => LoadFault::Incomplete(r),
        ReadFault::Damaged(r) => LoadFault::Damaged(r),
    })?;
    if f.origin != b.origin {
        return Err(LoadFault::Damaged(format!(
            "所在目录与包内设备 {} 不符",
            b.origin
        )));
    }
    if (f.first, f.last, f.hash.as_str()) != (b.first, b.last, hash.as_str()) {
        return Err(LoadFault::Damaged(
            "文件名与内容（序号范围或校验和）不符".to_string(),
        ));
    }
    let verified = verify_records(&b.key, &b.records, b.auth());
    Ok((b, verified))
}

/// What became of one listed file in this sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Imported whole before (by name and size) or now, or written by this device.
    Valid,
    Rejected(RejectKind),
    Arriving,
    Vanished,
}

pub(crate) fn reject(
    rep: &mut SyncReport,
    f: &Listed,
    kind: RejectKind,
    reason: String,
) -> Verdict {
    rep.rejected.push(Rejection {
        file: f.label(),
        kind,
        reason,
        repaired: false,
        covered: false,
    });
    Verdict::Rejected(kind)
}

/// A file cut short: "still arriving" the first times, a stalled transfer once its size has
/// stayed the same across [`STALLED_AFTER_SYNCS`] syncs.
fn arriving(
    f: &Listed,
    reason: String,
    now: &Now,
    before: &BTreeMap<String, Arrival>,
    after: &mut BTreeMap<String, Arrival>,
    rep: &mut SyncReport,
) -> Verdict {
    let label = f.label();
    let a = match before.get(&label) {
        Some(a) if a.size == f.size => Arrival {
            syncs: a.syncs + 1,
            ..a.clone()
        },
        _ => Arrival {
            size: f.size,
            since_ms: now.millis(),
            syncs: 1,
        },
    };
    let stalled = a.syncs >= STALLED_AFTER_SYNCS;
    let since = a.since_ms;
    after.insert(label.clone(), a);
    if stalled {
        let when = chrono::DateTime::from_timestamp_millis(since)
            .map(|t| {
                t.with_timezone(now.0.offset())
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        return reject(
            rep,
            f,
            RejectKind::Damaged,
            format!(
                "传输中断：{reason}；自 {when} 起连续 {STALLED_AFTER_SYNCS} 次同步都停在 {} 字节。\
                 请让写出它的设备再同步一次，或删除这个文件",
                f.size
            ),
        );
    }
    rep.arriving.push(ArrivingNote {
        file: label,
        size: f.size,
        reason,
        repaired: false,
    });
    Verdict::Arriving
}

/// Marks of files seen incomplete, before this sync and as this sync leaves them.
#[derive(Default)]
pub struct Arrivals {
    pub before: BTreeMap<String, Arrival>,
    pub after: BTreeMap<String, Arrival>,
}

/// Checks a loaded bundle against the store and stages it; says what became of the file.
#[allow(clippy::too_many_arguments)]
pub fn import_loaded(
    store: &mut Store,
    now: &Now,
    f: &Listed,
    loaded: Loaded,
    dry_run: bool,
    pending: &mut Pending,
    arrivals: &mut Arrivals,
    rep: &mut SyncReport,
) -> Result<Verdict, SyncError> {
    let label = f.label();
    let (b, verified) = match loaded {
        Ok(l) => l,
        Err(LoadFault::Vanished) => {
            rep.vanished += 1;
            return Ok(Verdict::Vanished);
        }
        Err(LoadFault::Incomplete(reason)) => {
            rep.bundles_read += 1;
            let (before, after) = (&arrivals.before, &mut arrivals.after);
            return Ok(arriving(f, reason, now, before, after, rep));
        }
        Err(LoadFault::Damaged(reason)) => {
            rep.bundles_read += 1;
            return Ok(reject(rep, f, RejectKind::Damaged, reason));
        }
    };
    rep.bundles_read += 1;
    let inc = Incoming {
        origin: b.origin,
        key: b.key,
        first: b.first,
        records: &b.records,
        auth: b.auth(),
    };
    let now_ms = now.millis();
    match store.check_incoming(&inc, verified, &pending.staged, now_ms) {
        Ok(c) => {
            rep.far_future
                .extend(c.far_future.iter().map(|r| EventNote {
                    device: r.device,
                    seq: r.seq,
                }));
            rep.add_in(c.origin, c.fresh.len() as u64);
            rep.trust.add_aside(c.origin, c.aside.len() as u64);
            if let Some((first, last)) = c.refused {
                rep.trust.refused.push(super::RefusedNote {
                    device: c.origin,
                    first,
                    last,
                });
            }
            pending.staged.add(c);
            if !dry_run {
                pending.files.push((label, f.size, f.mtime_ms));
                if pending.staged.events() >= GROUP_EVENTS {
                    pending.apply(store, now_ms, rep)?;
                }
            }
            Ok(Verdict::Valid)
        }
        Err(ImportError::Rejected(r)) => Ok(reject(rep, f, RejectKind::Damaged, r)),
        Err(ImportError::Forged(r)) => Ok(reject(rep, f, RejectKind::Forged, r)),
        Err(ImportError::Fork { reason, .. }) => {
            if dry_run {
                return Ok(reject(rep, f, RejectKind::Fork, reason));
            }
            // Settling compares with the log and rewrites views: what is checked must be in
            // it first, with its views.
            pending.finish(store, now_ms, rep)?;
            let note = store.settle_fork(b.origin, &b.records)?;
            Ok(super::forks::noted(store, rep, f, note, reason)?)
        }
        Err(ImportError::OwnAhead(r)) => Ok(reject(rep, f, RejectKind::Clone, r)),
        Err(ImportError::Store(e)) => Err(SyncError::Store(StoreError::Db(e))),
    }
}
