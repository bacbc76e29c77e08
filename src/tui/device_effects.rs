//! The runner's part for the devices screen: the roster, approve and revoke through `ops`,
//! names escaped for the terminal (they come from other devices' requests and events).

use super::action::Action;
use super::effects::Effect;
use crate::domain::sanitize::escape_in_place;
use crate::ops::{self, Ctx, OpsError, Roster};

pub fn run(ctx: &mut Ctx, effect: Effect) -> Result<Action, OpsError> {
    let done = match effect {
        Effect::ApproveDevice(id) => {
            let a = ops::approve(ctx, &id.to_string())?;
            let n: u64 = a.promoted.applied.iter().map(|(_, n)| n).sum();
            Some(if n > 0 {
                format!("已批准 {}：其暂存的 {n} 条事件已导入台账", a.row.name)
            } else {
                format!("已批准 {}", a.row.name)
            })
        }
        Effect::RevokeDevice { device, reason } => {
            let r = ops::revoke(ctx, &device.to_string(), &reason)?;
            Some(format!(
                "已吊销 {}：前 {} 条事件保留，此后写的一律拒收",
                r.name,
                r.last_seq.unwrap_or(0)
            ))
        }
        _ => None,
    };
    Ok(Action::RosterLoaded {
        roster: escaped(ops::roster(ctx)?),
        done: done.map(|mut d| {
            escape_in_place(&mut d);
            d
        }),
    })
}

fn escaped(mut r: Roster) -> Roster {
    if let Some(o) = &mut r.org {
        escape_in_place(&mut o.name);
    }
    for row in &mut r.rows {
        escape_in_place(&mut row.name);
        if let Some(reason) = &mut row.reason {
            escape_in_place(reason);
        }
    }
    r
}
