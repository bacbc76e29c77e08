//! The runner's part for the registry and patrol screens: each effect through `ops`, the
//! result escaped for the terminal.

use super::action::Action;
use super::effects::Effect;
use super::patrol_state::{escaped_facility, escaped_patrol, escaped_row};
use crate::domain::sanitize::escape_line;
use crate::ops::{self, Ctx, OpsError};

pub fn run(ctx: &mut Ctx, effect: Effect) -> Result<Action, OpsError> {
    Ok(match effect {
        Effect::LoadRegistry => Action::RegistryLoaded {
            facilities: ops::registry(ctx)?
                .active()
                .cloned()
                .map(escaped_facility)
                .collect(),
            unregistered: ops::unregistered_names(ctx)?
                .iter()
                .map(|n| escape_line(n).into_owned())
                .collect(),
            log: ops::patrol_log(ctx, None, None)?
                .into_iter()
                .map(escaped_row)
                .collect(),
        },
        Effect::StartPatrol { facility, night } => {
            let (patrol, f) = ops::start_patrol(ctx, &facility.simple().to_string(), night, None)?;
            Action::PatrolOpened {
                patrol: escaped_patrol(patrol),
                facility: Box::new(escaped_facility(f)),
            }
        }
        Effect::PatrolVisit { patrol, place } => {
            let out = ops::patrol_visit(
                ctx,
                &patrol.simple().to_string(),
                &place.simple().to_string(),
                true,
                "",
            )?;
            visited(ctx, out, place)
        }
        Effect::PatrolAbnormal {
            patrol,
            place,
            new,
            intent,
        } => {
            let out = ops::patrol_visit_abnormal(
                ctx,
                &patrol.simple().to_string(),
                &place.simple().to_string(),
                *new,
                intent,
            )?;
            visited(ctx, out, place)
        }
        Effect::FinishPatrol(id) => Action::PatrolFinished(escaped_patrol(ops::finish_patrol(
            ctx,
            &id.simple().to_string(),
        )?)),
        _ => Action::Idle,
    })
}

/// A visit saved: its hazard goes into the search index at once (as a hazard saved from the
/// form does), then everything is escaped for the screen.
fn visited(ctx: &mut Ctx, out: ops::VisitOutcome, place: uuid::Uuid) -> Action {
    if let Some(f) = &out.finding {
        ops::index_finding(ctx, f);
    }
    Action::PatrolVisited {
        patrol: escaped_patrol(out.patrol),
        place,
        finding: out.finding.map(|f| Box::new(f.escaped())),
    }
}
