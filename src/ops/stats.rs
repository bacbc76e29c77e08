//! The figures an office sends upward, for a date range (counted by `report`).

use super::{Ctx, Result};
use crate::report::Env;
use chrono::NaiveDate;

pub use crate::report::{Stats, StatsRow, Tally};

/// Counts the findings found between `from` and `to` (inclusive, local dates).
pub fn stats(ctx: &Ctx, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Stats> {
    let env = Env::of(&ctx.catalog, ctx.now);
    let mut tally = Tally::default();
    for f in ctx.store.all_findings() {
        let f = f?;
        let found = ctx.now.local_date(f.created_at);
        if from.is_some_and(|d| found < d) || to.is_some_and(|d| found > d) {
            continue;
        }
        tally.add(&env, &f);
    }
    Ok(tally.finish(&env, from, to))
}
