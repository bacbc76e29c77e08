//! The organisation and its roster of devices, as use cases (issue 9 point 1): make the
//! organisation (office), join it (laptop), list, approve and revoke devices (office).
//! The organisation's private key stays in the office's data dir: nothing here returns it.

use super::{Ctx, OpsError, Result};
use crate::domain::{
    EnrollRequest, OrgCard, RosterChange, RosterStatus, device_label, fingerprint,
};
use crate::store::Promoted;
use crate::sync::{folder, org as files};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use uuid::Uuid;

pub use crate::store::{AsideRun, OrgInfo};

/// One device as the roster shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterRow {
    pub device: Uuid,
    /// "approved", "pending" or "revoked".
    pub status: &'static str,
    /// 已批准 / 待批准 / 已吊销.
    pub label: &'static str,
    /// How people name it: "王芳（laptop-3）".
    pub name: String,
    /// Fingerprint of the device key the roster names (approved, revoked) or the request
    /// asks for (pending); empty when neither is known.
    pub key_fingerprint: String,
    /// Events of this device kept aside (any key).
    pub aside_events: u64,
    /// Whether an enrollment request from this device was read from a sync folder.
    pub requested: bool,
    /// For a revoked device: its events after this seq are refused.
    pub last_seq: Option<u64>,
    pub reason: Option<String>,
    /// This machine.
    pub this_device: bool,
}

/// The roster as this store holds it.
#[derive(Debug, Clone, Serialize)]
pub struct Roster {
    /// None when the store belongs to no organisation.
    pub org: Option<OrgInfo>,
    /// Approved first, then pending, then revoked; by name within each.
    pub rows: Vec<RosterRow>,
}

/// Makes the organisation on the office machine: its key (private part `org.key` in the data
/// dir, mode 0600), and a roster statement approving this device. Returns the organisation.
///
/// # Errors
/// `Invalid` for an empty or over-long name; `Store` when the store already belongs to an
/// organisation or cannot be written.
pub fn org_init(ctx: &mut Ctx, name: &str) -> Result<OrgInfo> {
    let name = super::clean(name);
    if name.is_empty() {
        return Err(OpsError::invalid("单位名称", "不能为空"));
    }
    if name.chars().count() > 100 {
        return Err(OpsError::invalid("单位名称", "不能超过 100 个字"));
    }
    let info = ctx.store.create_org(&name)?;
    let me = ctx.store.device_id();
    let key = ctx.store.public_key_hex();
    let (inspector, host) = self_names(ctx);
    let now = ctx.now;
    ctx.store.append_roster(
        &ctx.author,
        &now,
        me,
        RosterChange::Approved {
            key,
            inspector,
            host,
        },
    )?;
    Ok(info)
}

fn self_names(ctx: &Ctx) -> (String, String) {
    let p = ctx
        .store
        .device_profile(ctx.store.device_id())
        .ok()
        .flatten();
    let inspector = p
        .as_ref()
        .map(|p| p.inspector.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| ctx.author.clone());
    (inspector, super::host_name())
}

/// The organisation this store belongs to, if any.
///
/// # Errors
/// `Store` when the meta tree cannot be read.
pub fn org_info(ctx: &Ctx) -> Result<Option<OrgInfo>> {
    Ok(ctx.store.org()?)
}

/// Reads the organisation's card from the sync folder `dir` (hostile: size cap, no links).
///
/// # Errors
/// `Folder` naming the file when it is missing, too large, malformed or altered.
pub fn org_card(dir: &Path) -> Result<OrgCard> {
    files::read_card(dir).map_err(OpsError::Folder)
}

/// Joins the organisation of `card` (read from `dir` and confirmed by the person): records its
/// key, counts the roster statements already held, and leaves an enrollment request in the
/// folder. `inspector` names the person (empty: the configured author). Returns the request's
/// path. Events held before joining stay as they are (README「加入单位」).
///
/// # Errors
/// `Store` when this store belongs to another organisation; `Folder` when the request cannot
/// be written.
pub fn org_join(ctx: &mut Ctx, dir: &Path, card: &OrgCard, inspector: &str) -> Result<PathBuf> {
    let key: [u8; 32] = hex::decode(&card.key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| OpsError::Folder("单位公钥无效".into()))?;
    ctx.store.set_org(&key, &card.name)?;
    ctx.store.collect_roster_from_log()?;
    let inspector = match super::clean(inspector) {
        s if s.is_empty() => self_names(ctx).0,
        s => s.chars().take(64).collect(),
    };
    let req = EnrollRequest {
        v: 1,
        device: ctx.store.device_id(),
        key: ctx.store.public_key_hex(),
        inspector,
        host: super::host_name(),
        org: card.key.clone(),
    };
    let root = dir.join(folder::ROOT);
    files::write_request(&root, &req)
        .map_err(|e| OpsError::Folder(format!("无法写入入网申请：{}", folder::io_text(&e))))
}

/// The roster: approved, pending (requests read from sync folders, devices with events kept
/// aside) and revoked devices, with names.
///
/// # Errors
/// `Store` when the store cannot be read.
pub fn roster(ctx: &Ctx) -> Result<Roster> {
    let s = &ctx.store;
    let Some(org) = s.org()? else {
        return Ok(Roster {
            org: None,
            rows: vec![],
        });
    };
    let statements = s.roster_statements()?;
    let requests: BTreeMap<Uuid, EnrollRequest> =
        s.requests()?.into_iter().map(|r| (r.device, r)).collect();
    let mut aside: BTreeMap<Uuid, u64> = BTreeMap::new();
    for r in s.aside_runs()? {
        *aside.entry(r.device).or_default() += r.events;
    }
    let mut devices: Vec<Uuid> = statements.keys().copied().collect();
    devices.extend(requests.keys());
    devices.extend(aside.keys());
    devices.sort();
    devices.dedup();
    let mut rows = Vec::new();
    for d in devices {
        let status = RosterStatus::fold(statements.get(&d).into_iter().flatten());
        let req = requests.get(&d);
        let named = statements
            .get(&d)
            .into_iter()
            .flatten()
            .find_map(|st| match &st.change {
                RosterChange::Approved {
                    inspector, host, ..
                } => Some((inspector.clone(), host.clone())),
                _ => None,
            });
        let profile = s.device_profile(d).ok().flatten().or_else(|| {
            named
                .or_else(|| req.map(|r| (r.inspector.clone(), r.host.clone())))
                .map(|(inspector, host)| crate::domain::DeviceProfile { inspector, host })
        });
        let (code, key, last_seq, reason) = match &status {
            RosterStatus::Unknown => ("pending", req.map(|r| r.key.clone()), None, None),
            RosterStatus::Approved { key } => ("approved", Some(key.clone()), None, None),
            RosterStatus::Revoked {
                key,
                last_seq,
                reason,
            } => (
                "revoked",
                key.clone(),
                Some(*last_seq),
                Some(reason.clone()),
            ),
        };
        rows.push(RosterRow {
            device: d,
            status: code,
            label: status.label(),
            name: device_label(d, profile.as_ref()),
            key_fingerprint: key.as_deref().and_then(fingerprint).unwrap_or_default(),
            aside_events: aside.get(&d).copied().unwrap_or(0),
            requested: req.is_some(),
            last_seq,
            reason,
            this_device: d == s.device_id(),
        });
    }
    let rank = |r: &RosterRow| match r.status {
        "approved" => 0,
        "pending" => 1,
        _ => 2,
    };
    rows.sort_by(|a, b| (rank(a), &a.name, a.device).cmp(&(rank(b), &b.name, b.device)));
    Ok(Roster {
        org: Some(org),
        rows,
    })
}

/// The one device `text` names: a full id or a unique prefix of one the roster lists.
fn resolve(roster: &Roster, text: &str) -> Result<RosterRow> {
    let t = text.trim().to_ascii_lowercase();
    let hits: Vec<&RosterRow> = roster
        .rows
        .iter()
        .filter(|r| !t.is_empty() && r.device.to_string().starts_with(&t))
        .collect();
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(OpsError::NotFound {
            what: "设备",
            id: text.to_string(),
        }),
        many => Err(OpsError::invalid(
            "设备编号",
            format!("「{text}」对应 {} 台设备，请多写几位", many.len()),
        )),
    }
}

fn office_only(roster: &Roster) -> Result<()> {
    match &roster.org {
        None => Err(OpsError::invalid(
            "设备编号",
            "本机未加入单位：先在办公室电脑上运行 xuncha org init",
        )),
        Some(o) if !o.office => Err(OpsError::invalid(
            "设备编号",
            "只有持有单位密钥的办公室电脑能批准或吊销设备",
        )),
        Some(_) => Ok(()),
    }
}

/// What approving a device did.
#[derive(Debug, Clone, Serialize)]
pub struct Approved {
    pub row: RosterRow,
    /// Events kept aside that were applied at once.
    pub promoted: Promoted,
}

/// Approves a device (full id or unique prefix) with the key its enrollment request names, or
/// the one key its events kept aside are signed with; applies those events at once.
///
/// # Errors
/// `NotFound`/`Invalid` when `text` names no device or several, when no key is known or
/// several are and no request says which, when it is already approved or was revoked, or when
/// this is not the office; `Store` when writing fails.
pub fn approve(ctx: &mut Ctx, text: &str) -> Result<Approved> {
    let r = roster(ctx)?;
    office_only(&r)?;
    let row = resolve(&r, text)?;
    match row.status {
        "approved" => {
            return Err(OpsError::invalid(
                "设备编号",
                format!("{} 已批准", row.name),
            ));
        }
        "revoked" => {
            return Err(OpsError::invalid(
                "设备编号",
                format!(
                    "{} 已被吊销，不能再批准；请让它用新的数据目录重新申请",
                    row.name
                ),
            ));
        }
        _ => {}
    }
    let req = ctx
        .store
        .requests()?
        .into_iter()
        .find(|q| q.device == row.device);
    let key = match &req {
        Some(q) => q.key.clone(),
        None => {
            let mut keys: Vec<String> = ctx
                .store
                .aside_runs()?
                .into_iter()
                .filter(|a| a.device == row.device)
                .map(|a| a.key)
                .collect();
            keys.dedup();
            match keys.as_slice() {
                [one] => one.clone(),
                _ => {
                    return Err(OpsError::invalid(
                        "设备编号",
                        format!(
                            "{} 的暂存事件用了 {} 个不同的公钥，又没有入网申请说明哪个是真的：\
                             请让该设备运行 xuncha org join 并同步后再批准",
                            row.name,
                            keys.len()
                        ),
                    ));
                }
            }
        }
    };
    let (inspector, host) = req.map(|q| (q.inspector, q.host)).unwrap_or_default();
    let now = ctx.now;
    ctx.store.append_roster(
        &ctx.author,
        &now,
        row.device,
        RosterChange::Approved {
            key,
            inspector,
            host,
        },
    )?;
    let promoted = ctx.store.promote_aside(now.millis())?;
    ctx.index = None;
    let after = roster(ctx)?;
    let row = after
        .rows
        .into_iter()
        .find(|x| x.device == row.device)
        .unwrap_or(row);
    Ok(Approved { row, promoted })
}

/// Revokes a device (full id or unique prefix): its events up to the highest seq this store
/// holds stay; any it wrote later are refused everywhere the revocation arrives.
///
/// # Errors
/// `Invalid` for an empty reason, this device itself, or one already revoked; as `approve`
/// otherwise.
pub fn revoke(ctx: &mut Ctx, text: &str, reason: &str) -> Result<RosterRow> {
    let reason = super::clean(reason);
    if reason.is_empty() {
        return Err(OpsError::invalid(
            "吊销原因",
            "不能为空（例如：笔记本丢失）",
        ));
    }
    if reason.chars().count() > super::MAX_NAME_CHARS {
        return Err(OpsError::invalid(
            "吊销原因",
            format!("不能超过 {} 个字", super::MAX_NAME_CHARS),
        ));
    }
    let r = roster(ctx)?;
    office_only(&r)?;
    let row = resolve(&r, text)?;
    if row.this_device {
        return Err(OpsError::invalid("设备编号", "不能吊销本机"));
    }
    if row.status == "revoked" {
        return Err(OpsError::invalid(
            "设备编号",
            format!("{} 已被吊销", row.name),
        ));
    }
    let last_seq = ctx.store.held(row.device)?.max();
    let now = ctx.now;
    ctx.store.append_roster(
        &ctx.author,
        &now,
        row.device,
        RosterChange::Revoked { last_seq, reason },
    )?;
    // Events kept aside beyond `last_seq` are refused now.
    ctx.store.promote_aside(now.millis())?;
    let after = roster(ctx)?;
    Ok(after
        .rows
        .into_iter()
        .find(|x| x.device == row.device)
        .unwrap_or(row))
}

/// A closure naming devices as the roster does (an enrollment request or approval names a
/// device whose own description is still aside), falling back to `device_name`.
pub fn roster_namer(ctx: &Ctx) -> impl Fn(Uuid) -> String + '_ {
    let names: BTreeMap<Uuid, String> = roster(ctx)
        .map(|r| r.rows.into_iter().map(|x| (x.device, x.name)).collect())
        .unwrap_or_default();
    move |d| {
        names
            .get(&d)
            .cloned()
            .unwrap_or_else(|| super::device_name(ctx, d))
    }
}

/// What `doctor` says about trust: the organisation, and the events held aside now.
///
/// # Errors
/// `Store` when the store cannot be read.
pub fn trust_lines(ctx: &Ctx) -> Result<Vec<String>> {
    let note = crate::sync::TrustNote {
        held_aside: ctx.store.aside_runs()?,
        ..crate::sync::trust_note(&ctx.store)
    };
    Ok(note.lines(&roster_namer(ctx)))
}
