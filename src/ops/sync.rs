//! Sync through a folder, as a use case: the faces name no store to run it.

use super::{Ctx, OpsError, Result};
use crate::sync::{self as bundles, SyncError};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

pub use crate::store::{ForkNote, ForkOutcome};
pub use crate::sync::{
    BundleNote, DeviceCount, DeviceGaps, EventNote, RejectKind, Rejection, SyncOptions, SyncReport,
    SyncStatus,
};

/// A flag another thread sets to stop a long run (sync, export) between whole steps.
pub type Cancel = Arc<AtomicBool>;

impl From<SyncError> for OpsError {
    fn from(e: SyncError) -> OpsError {
        match e {
            SyncError::Folder(m) | SyncError::Refused(m) => OpsError::Folder(m),
            SyncError::Store(s) => OpsError::Store(s),
        }
    }
}

/// Exports this device's new events to `dir` and imports everyone else's (or, with
/// `opts.dry_run`, only says what it would do). `progress(done, total)` after each bundle.
/// A cancelled run (`opts.cancel`) applies only bundles verified whole and keeps the sync marks;
/// the report says `cancelled`. A real sync drops the search index (many findings may change)
/// and adopts the checklist versions that came in for lines without a file here.
///
/// # Errors
/// `Folder` when `dir` cannot be used; `Store` when the store fails.
pub fn sync(
    ctx: &mut Ctx,
    dir: &Path,
    opts: &SyncOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SyncReport> {
    let rep = bundles::sync(&mut ctx.store, &ctx.now, dir, opts, progress)?;
    if !rep.dry_run {
        ctx.index = None;
        // Checklists other devices used arrive with their inspections.
        ctx.adopt_recorded_checklists()?;
    }
    Ok(rep)
}

/// Own events not yet exported, the last sync and its folder. Cheap: a few meta reads.
///
/// # Errors
/// `Store` when the meta tree cannot be read.
pub fn sync_status(ctx: &Ctx) -> Result<SyncStatus> {
    Ok(bundles::status(&ctx.store)?)
}
