//! Who holds what, in words a person reads: per other device, by the person's name, when it
//! last synced and whether it holds this device's events ("王芳 尚未收到本机 3 天以来的 12 条
//! 事件"). The figures come from the notes devices leave in the sync folder (`sync::holds`).

use super::Ctx;
use crate::domain::Now;
use crate::store::{PeerStatus, Store};
use uuid::Uuid;

const DAY_MS: i64 = 86_400_000;

/// A device as a person names it: its self-description ("王芳（laptop-3）"), else the
/// inspector who signed its newest event held here with the end of its id ("王芳（设备
/// 1a2b3c4d）"), else the id alone.
pub fn device_name(ctx: &Ctx, device: Uuid) -> String {
    name_in(&ctx.store, device)
}

/// The device's own description ("王芳（laptop-3）", see `device_label_in`) when it gave one;
/// else the inspector who signed its newest event held here, with the end of its id.
fn name_in(store: &Store, device: Uuid) -> String {
    let label = super::device_label_in(store, device);
    if !label.starts_with("设备 ") {
        return label;
    }
    signed_by(store, device)
}

fn signed_by(store: &Store, device: Uuid) -> String {
    let s = device.simple().to_string();
    let short = &s[s.len() - 8..];
    let author = store
        .held(device)
        .ok()
        .map(|h| h.max())
        .filter(|m| *m > 0)
        .and_then(|m| store.record(device, m).ok().flatten())
        .and_then(|r| r.body().ok())
        .map(|b| b.author.trim().to_string())
        .filter(|a| !a.is_empty());
    match author {
        Some(a) => format!("{a}（设备 {short}）"),
        None => format!("设备 {short}"),
    }
}

/// One line per other device, e.g. "王芳（设备 1a2b3c4d） 尚未收到本机 3 天以来的 12 条事件
/// （上次同步 2026-12-01 17:00）". Times are shown in `now`'s offset.
pub fn peer_lines(ctx: &Ctx, peers: &[PeerStatus]) -> Vec<String> {
    peers
        .iter()
        .map(|p| peer_line(&name_in(&ctx.store, p.device), p, &ctx.now))
        .collect()
}

/// The sentence for one device under `label`.
pub fn peer_line(label: &str, p: &PeerStatus, now: &Now) -> String {
    let Some(at) = p.last_sync_ms else {
        return format!("{label}：没有留下同步记录（旧版 xuncha，或从未同步到这里的文件夹）");
    };
    let when = chrono::DateTime::from_timestamp_millis(at)
        .map(|t| {
            t.with_timezone(now.0.offset())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    match (p.lacks, p.lacks_since_ms) {
        (Some(n), Some(since)) if n > 0 => {
            let days = (now.millis() - since).max(0) / DAY_MS;
            let span = if days >= 1 {
                format!(" {days} 天以来的 ")
            } else {
                "今天的 ".to_string()
            };
            format!("{label} 尚未收到本机{span}{n} 条事件（上次同步 {when}）")
        }
        (Some(n), None) if n > 0 => format!("{label} 尚未收到本机 {n} 条事件（上次同步 {when}）"),
        _ => format!("{label}：已收到本机全部事件（上次同步 {when}）"),
    }
}

/// What each other device held at its last reported sync, from the store (no folder needed).
///
/// # Errors
/// `Store` when the store cannot be read.
pub fn peers(ctx: &Ctx) -> super::Result<Vec<PeerStatus>> {
    Ok(ctx.store.peer_statuses()?)
}
