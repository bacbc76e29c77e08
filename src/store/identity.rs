//! Device identity: a UUIDv7 and an ed25519 key pair, made on first open.

use super::StoreError;
use ed25519_dalek::SigningKey;
use std::path::Path;

pub const KEY_FILE: &str = "device.key";

pub fn new_key() -> Result<SigningKey, StoreError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| StoreError::Io(format!("无法取得随机数：{e}")))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The new identity's key while a data dir changes identity (`fork.rs`): renamed over
/// `device.key` once the store has switched; removed on open if the switch never committed.
pub const NEXT_KEY_FILE: &str = "device.key.next";

pub fn write_key(dir: &Path, key: &SigningKey) -> Result<(), StoreError> {
    write_key_as(dir, KEY_FILE, key)
}

/// Writes `key` to `dir/name`, mode 0600, failing if the file exists; synced to disk.
pub fn write_key_as(dir: &Path, name: &str, key: &SigningKey) -> Result<(), StoreError> {
    let path = dir.join(name);
    let text = hex::encode(key.to_bytes());
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    use std::io::Write;
    let mut f = opts
        .open(&path)
        .map_err(|e| StoreError::Io(format!("无法写入密钥文件 {}：{e}", path.display())))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| StoreError::Io(format!("无法写入密钥文件 {}：{e}", path.display())))
}

pub fn read_key(dir: &Path) -> Result<SigningKey, StoreError> {
    read_key_as(dir, KEY_FILE)
}

/// Puts the next identity's key in place once the store has switched to it (its public key
/// is `expected`), syncing the folder; a leftover next key of a switch that never committed
/// is removed. Returns whether `device.key` was replaced.
pub fn finish_key_swap(dir: &Path, expected: Option<&[u8; 32]>) -> Result<bool, StoreError> {
    let next = dir.join(NEXT_KEY_FILE);
    if !next.exists() {
        return Ok(false);
    }
    let matches = read_key_as(dir, NEXT_KEY_FILE)
        .is_ok_and(|k| Some(k.verifying_key().as_bytes()) == expected);
    let io =
        |e: std::io::Error| StoreError::Io(format!("无法更换设备密钥 {}：{e}", next.display()));
    if !matches {
        std::fs::remove_file(&next).map_err(io)?;
        return Ok(false);
    }
    std::fs::rename(&next, dir.join(KEY_FILE)).map_err(io)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(true)
}

/// Reads a private key file written by `write_key_as`.
pub fn read_key_as(dir: &Path, name: &str) -> Result<SigningKey, StoreError> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        StoreError::Identity(format!(
            "密钥文件 {} 无法读取（{e}）；数据目录不完整，请从备份恢复该文件",
            path.display()
        ))
    })?;
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| StoreError::Identity(format!("密钥文件 {} 已损坏", path.display())))?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// What to tell the user when `device.key` is not the key this data dir's device signs with
/// (the public key the store recorded at creation): the file came from another data dir.
pub fn mismatch_message(
    dir: &Path,
    device: uuid::Uuid,
    known: &[u8; 32],
    found: &[u8; 32],
) -> String {
    format!(
        "设备密钥 {} 不属于本数据目录的设备 {device}（本设备公钥 {}…，密钥文件对应 {}…），\
         很可能是从另一个数据目录复制来的；用它写入的记录别人无法验证，所以拒绝打开。\
         修复：把本数据目录原来的 device.key 放回（从备份恢复）；找不回时，把本数据目录移走保存，\
         用新的数据目录同步取回全部数据后继续工作",
        dir.join(KEY_FILE).display(),
        &hex::encode(known)[..16],
        &hex::encode(found)[..16],
    )
}

/// Sets `device.key` to 0600 when others may read it; returns the warning to show, if it did.
pub fn tighten_mode(dir: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(KEY_FILE);
        let mode = std::fs::metadata(&path).ok()?.permissions().mode();
        if mode & 0o077 == 0 {
            return None;
        }
        let fixed = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        Some(match fixed {
            Ok(()) => format!(
                "设备密钥 {} 的权限为 {:o}，其他用户可以读取；已改为 600（仅本用户可读写）",
                path.display(),
                mode & 0o777
            ),
            Err(e) => format!(
                "设备密钥 {} 的权限为 {:o}，其他用户可以读取，且无法改为 600（{e}）；请手动执行 chmod 600",
                path.display(),
                mode & 0o777
            ),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// What to tell the user when `device.key` exists but the database holds no device identity
/// (its `db/` was deleted or lost): nothing is replaced; recovery finds the device's synced
/// events by this key.
pub fn orphan_key_message(dir: &Path) -> String {
    format!(
        "数据目录 {} 里有设备密钥 {KEY_FILE}，但数据库里没有设备身份（数据库被删除或丢失，\
         或首次启动时中断）。为免丢掉这台设备原来的身份，没有新建身份。\
         修复：运行 xuncha doctor --recover --from 同步文件夹，按这把密钥找回本设备同步过的全部事件\
         （找不到时会把密钥改名保存并生成新的设备身份）；若确定要作为新设备重新开始，\
         先把 {KEY_FILE} 移到别处保存",
        dir.display()
    )
}
