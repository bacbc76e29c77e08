//! Is this device's wall clock in line with what it holds? Checked on start (CLI and TUI),
//! before anything is written, because the dates people read come from the writer's clock
//! (issue 9 point 3).

use super::{Ctx, Result};
use crate::domain::Stamp;

/// How far before this device's own last event the clock may be without a warning: clocks
/// that NTP steps back by a few seconds are not worth naming.
pub const BEHIND_TOLERANCE_MS: i64 = 5 * 60 * 1000;

/// How far ahead of everything the device has seen (the HLC, which far-future events from
/// other devices do not move) the clock may be without a warning.
pub const AHEAD_LIMIT_MS: i64 = 24 * 60 * 60 * 1000;

/// A Chinese warning naming the clock and the time it is out of line with, or None. Rules:
/// the clock is before this device's own last event (by more than `BEHIND_TOLERANCE_MS`), or
/// more than `AHEAD_LIMIT_MS` ahead of every event the store holds. An empty store has
/// nothing to compare with. Errors are the store's (reading the last own event).
pub fn clock_warning(ctx: &Ctx) -> Result<Option<String>> {
    let now_ms = ctx.now.millis();
    let show = |ms: i64| {
        let at: Stamp = chrono::DateTime::from_timestamp_millis(ms)
            .unwrap_or_default()
            .into();
        at.local_or(ctx.now.0.offset())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let clock = ctx.now.0.format("%Y-%m-%d %H:%M");
    if let Some(last) = ctx.store.own_last_wall_ms()?
        && now_ms < last - BEHIND_TOLERANCE_MS
    {
        return Ok(Some(format!(
            "本机时钟（{clock}）早于本机上一条记录的时间（{}）。新记录的日期取自本机时钟：\
             请先核对本机的日期、时间和时区；若上一条记录是在时钟出错时写下的，可忽略此提示",
            show(last)
        )));
    }
    // A store whose every event came from a clock far ahead (the HLC is not moved by
    // those) has seen no time to compare with: it would name 1970-01-01 (HLC 0).
    let seen = ctx.store.last_hlc().ms;
    if ctx.store.holds_events() && seen > 0 && now_ms > seen + AHEAD_LIMIT_MS {
        return Ok(Some(format!(
            "本机时钟（{clock}）比本机保存的最晚一条记录（{}）晚一天以上。新记录的日期取自本机时钟：\
             若本机只是多日未用，可忽略此提示；否则请先核对本机的日期、时间和时区",
            show(seen)
        )));
    }
    Ok(None)
}
