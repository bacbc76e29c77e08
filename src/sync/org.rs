//! The organisation's files in the sync folder (issue 9): `xuncha-sync/org.json`, the public
//! card the office publishes at every sync, and `xuncha-sync/enroll/<device>.json`, the
//! requests laptops leave when they join. Hostile ground like every file there: regular files
//! only, no links followed, at most [`MAX_FILE`] bytes, every fault named in Chinese with the
//! file, nothing trusted that the organisation did not sign (a request is only a request).

use super::folder::{self, OpenFault, open_regular};
use crate::domain::sanitize::strip;
use crate::domain::{EnrollRequest, OrgCard, fingerprint};
use std::io::Read;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The card's file name inside `xuncha-sync/`.
pub const ORG_FILE: &str = "org.json";
/// The requests' folder inside `xuncha-sync/`.
pub const ENROLL_DIR: &str = "enroll";
/// The largest card or request read, in bytes (a real one is under 1 KB).
pub const MAX_FILE: u64 = 16 * 1024;
/// The longest name accepted on a card or a request, in characters.
const MAX_NAME: usize = 100;

/// Reads a small JSON file without following links; errors name the file.
fn read_small(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let (f, _) = open_regular(path, MAX_FILE).map_err(|e| match e {
        OpenFault::Vanished => format!("{shown} 不存在"),
        OpenFault::NotRegular(why) => format!("{shown} {why}"),
        OpenFault::TooLarge(n) => {
            format!("{shown} 有 {n} 字节，超过上限 {MAX_FILE} 字节，不是 xuncha 写的，未读取")
        }
        OpenFault::Io(e) => format!("无法读取 {shown}：{e}"),
    })?;
    let mut bytes = Vec::new();
    f.take(MAX_FILE)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("无法读取 {shown}：{e}"))?;
    Ok(bytes)
}

fn parse_err(path: &Path, e: serde_json::Error) -> String {
    format!(
        "{} 第 {} 行：内容无法解析（{e}），不是有效的单位文件",
        path.display(),
        e.line()
    )
}

/// A name from another device: control characters removed, length bounded.
fn clean_name(path: &Path, field: &str, s: &str) -> Result<String, String> {
    let s = strip(s).trim().to_string();
    if s.chars().count() > MAX_NAME {
        return Err(format!(
            "{} 的「{field}」超过 {MAX_NAME} 个字，不是有效的单位文件",
            path.display()
        ));
    }
    Ok(s)
}

fn valid_key(k: &str) -> bool {
    hex::decode(k)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .is_some_and(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).is_ok())
}

/// Reads the organisation's card from the sync folder `dir` (the folder that holds
/// `xuncha-sync/`). The fingerprint is recomputed from the key; a card whose stated
/// fingerprint differs is refused.
pub fn read_card(dir: &Path) -> Result<OrgCard, String> {
    let root = dir.join(folder::ROOT);
    let path = root.join(ORG_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(format!(
            "同步文件夹里没有单位信息（{}）：请先在办公室电脑上运行 xuncha org init，再同步到这个文件夹",
            path.display()
        ));
    }
    let bytes = read_small(&path)?;
    let card: OrgCard = serde_json::from_slice(&bytes).map_err(|e| parse_err(&path, e))?;
    if card.v != 1 {
        return Err(format!(
            "{} 的格式版本 {} 不受支持，请升级 xuncha",
            path.display(),
            card.v
        ));
    }
    if !valid_key(&card.key) {
        return Err(format!("{} 的「key」不是有效的公钥", path.display()));
    }
    let fp = fingerprint(&card.key).unwrap_or_default();
    if fp != card.fingerprint {
        return Err(format!(
            "{} 写的指纹与其公钥不符：文件被改动过，不要加入",
            path.display()
        ));
    }
    Ok(OrgCard {
        name: clean_name(&path, "name", &card.name)?,
        ..card
    })
}

/// Writes the card into `root` (`xuncha-sync/`) unless the same bytes are there.
pub fn publish_card(root: &Path, card: &OrgCard) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(card).map_err(std::io::Error::other)?;
    let path = root.join(ORG_FILE);
    if read_small(&path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    folder::write_atomic(root, ORG_FILE, &bytes)
}

/// Leaves an enrollment request in `root` (`xuncha-sync/`); returns its path.
pub fn write_request(root: &Path, req: &EnrollRequest) -> std::io::Result<PathBuf> {
    let dir = root.join(ENROLL_DIR);
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(std::io::Error::other(format!(
                "{} 不是文件夹",
                dir.display()
            )));
        }
        Err(_) => std::fs::create_dir_all(&dir)?,
    }
    let name = format!("{}.json", req.device);
    let bytes = serde_json::to_vec_pretty(req).map_err(std::io::Error::other)?;
    folder::write_atomic(&dir, &name, &bytes)?;
    Ok(dir.join(name))
}

/// Every well-formed request in `root` (`xuncha-sync/`) for the organisation `org` (hex),
/// and one line per file refused (named, with the reason). Other names are ignored.
pub fn read_requests(root: &Path, org: &str) -> (Vec<EnrollRequest>, Vec<String>) {
    let dir = root.join(ENROLL_DIR);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    if !std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
        return (out, problems);
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (out, problems);
    };
    for e in entries.flatten().take(10_000) {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(device) = name
            .strip_suffix(".json")
            .and_then(|s| Uuid::try_parse(s).ok())
        else {
            continue;
        };
        let path = e.path();
        match read_request(&path, device, org) {
            Ok(Some(r)) => out.push(r),
            Ok(None) => {}
            Err(why) => problems.push(why),
        }
    }
    out.sort_by_key(|r| r.device);
    (out, problems)
}

fn read_request(path: &Path, device: Uuid, org: &str) -> Result<Option<EnrollRequest>, String> {
    let bytes = read_small(path)?;
    let r: EnrollRequest = serde_json::from_slice(&bytes).map_err(|e| parse_err(path, e))?;
    if r.v != 1 || r.device != device || !valid_key(&r.key) {
        return Err(format!(
            "{}：设备编号、公钥或格式版本无效，不是有效的入网申请",
            path.display()
        ));
    }
    if r.org != org {
        // A request to another organisation sharing the folder: not ours to judge.
        return Ok(None);
    }
    Ok(Some(EnrollRequest {
        inspector: clean_name(path, "inspector", &r.inspector)?,
        host: clean_name(path, "host", &r.host)?,
        ..r
    }))
}
