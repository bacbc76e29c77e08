//! What a sync reports of the forks it settled (see `store::fork` for the rule).

use super::folder::Listed;
use super::load::{Verdict, reject};
use super::report::{RejectKind, SyncReport};
use crate::store::{ForkNote, ForkOutcome, Store, StoreError};

/// Records what settling a fork in file `f` did and says what became of the file: the
/// winning run's file is held (valid); the losing run's stays out of the folder's coverage
/// (never counted as holding the device's events); a fork that cannot be compared yet is a
/// rejection a person sees (`reason`), settled by a later sync.
pub(crate) fn noted(
    store: &Store,
    rep: &mut SyncReport,
    f: &Listed,
    note: Option<ForkNote>,
    reason: String,
) -> Result<Verdict, StoreError> {
    let Some(note) = note else {
        // A losing run seen before: nothing new, nothing to say.
        return Ok(Verdict::Rejected(RejectKind::Fork));
    };
    let outcome = note.outcome;
    if outcome == ForkOutcome::Undecided {
        return Ok(reject(
            rep,
            f,
            RejectKind::Fork,
            format!(
                "{reason}；这个包从分叉点之后开始，暂时无法按规则判定哪一支保留，已隔离，等包含分叉点的同步包到达后自动处理"
            ),
        ));
    }
    if let Some(new) = note.new_device {
        rep.device = new;
    }
    rep.forks.push(note);
    Ok(match outcome {
        ForkOutcome::Replaced | ForkOutcome::Reissued => {
            store.mark_bundle_seen(&f.label(), f.size, f.mtime_ms)?;
            Verdict::Valid
        }
        _ => Verdict::Rejected(RejectKind::Fork),
    })
}
