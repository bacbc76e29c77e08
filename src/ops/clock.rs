//! Is this device's wall clock in line with what it holds? Checked on start (CLI and TUI),
//! before anything is written, because the dates people read come from the writer's clock
//! (issue 9 point 3).

use super::{Ctx, Result};
use crate::domain::{Now, Stamp};

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
    Ok(clock_warning_at(
        &ctx.now,
        ctx.store.own_last_wall_ms()?,
        ctx.store.last_hlc().ms,
        ctx.store.holds_events(),
    ))
}

/// [`clock_warning`] from what it reads in the store: this device's own last wall time (Unix
/// ms), the HLC's ms and whether any event is held. Also used by a search that reads these
/// from a sealed index file instead of opening the store.
pub fn clock_warning_at(
    now: &Now,
    own_last_ms: Option<i64>,
    seen_ms: i64,
    holds_events: bool,
) -> Option<String> {
    let now_ms = now.millis();
    let show = |ms: i64| {
        let at: Stamp = chrono::DateTime::from_timestamp_millis(ms)
            .unwrap_or_default()
            .into();
        at.local_or(now.0.offset())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let clock = now.0.format("%Y-%m-%d %H:%M");
    if let Some(last) = own_last_ms
        && now_ms < last - BEHIND_TOLERANCE_MS
    {
        return Some(format!(
            "本机时钟（{clock}）早于本机上一条记录的时间（{}）。新记录的日期取自本机时钟：\
             请先核对本机的日期、时间和时区；若上一条记录是在时钟出错时写下的，可忽略此提示",
            show(last)
        ));
    }
    // A store whose every event came from a clock far ahead (the HLC is not moved by
    // those) has seen no time to compare with: it would name 1970-01-01 (HLC 0).
    if holds_events && seen_ms > 0 && now_ms > seen_ms + AHEAD_LIMIT_MS {
        return Some(format!(
            "本机时钟（{clock}）比本机保存的最晚一条记录（{}）晚一天以上。新记录的日期取自本机时钟：\
             若本机只是多日未用，可忽略此提示；否则请先核对本机的日期、时间和时区",
            show(seen_ms)
        ));
    }
    None
}
