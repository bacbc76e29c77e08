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

pub fn write_key(dir: &Path, key: &SigningKey) -> Result<(), StoreError> {
    let path = dir.join(KEY_FILE);
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
        .map_err(|e| StoreError::Io(format!("无法写入设备密钥 {}：{e}", path.display())))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| StoreError::Io(format!("无法写入设备密钥 {}：{e}", path.display())))
}

pub fn read_key(dir: &Path) -> Result<SigningKey, StoreError> {
    let path = dir.join(KEY_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        StoreError::Identity(format!(
            "设备密钥 {} 无法读取（{e}）；数据目录不完整，请从备份恢复该文件",
            path.display()
        ))
    })?;
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| StoreError::Identity(format!("设备密钥 {} 已损坏", path.display())))?;
    Ok(SigningKey::from_bytes(&bytes))
}
