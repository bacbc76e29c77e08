//! The photos of a data dir: `<data dir>/photos/<hash>.jpg` (the stored copy) and
//! `<data dir>/photos/small/<hash>.jpg` (the copy forms embed). Files are written under a temp
//! name, fsynced and renamed, so a photo is whole or absent; one present is never rewritten.

use super::{Kind, Prepared, hash_hex, sniff};
use crate::domain::PhotoRef;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder below the data dir.
pub const SHELF_DIR: &str = "photos";
const SMALL_DIR: &str = "small";

/// The photo folder of one data dir.
#[derive(Debug, Clone)]
pub struct Shelf {
    dir: PathBuf,
}

impl Shelf {
    /// The shelf of the data dir `data_dir` (nothing is created until a photo is kept).
    pub fn of(data_dir: &Path) -> Shelf {
        Shelf {
            dir: data_dir.join(SHELF_DIR),
        }
    }

    /// Where the stored copy of `hash` is (or would be). `hash` must be a valid photo hash.
    pub fn path(&self, hash: &str) -> PathBuf {
        debug_assert!(PhotoRef::valid_hash(hash));
        self.dir.join(format!("{hash}.jpg"))
    }

    fn small_path(&self, hash: &str) -> PathBuf {
        self.dir.join(SMALL_DIR).join(format!("{hash}.jpg"))
    }

    /// Whether the stored copy of `hash` is here.
    pub fn has(&self, hash: &str) -> bool {
        PhotoRef::valid_hash(hash) && self.path(hash).is_file()
    }

    /// Keeps a prepared photo (both copies), flushed to disk before it returns.
    ///
    /// # Errors
    /// The path and the system's reason.
    pub fn keep(&self, p: &Prepared) -> Result<(), String> {
        self.put(&self.path(&p.photo.hash), &p.full)?;
        self.put(&self.small_path(&p.photo.hash), &p.small)
    }

    /// Keeps bytes that arrived from elsewhere after checking they are the photo `hash`: the
    /// SHA-256 matches and the content is a JPEG. The small copy is not made here: a sync
    /// brings whole days of photos and decoding each one made taking them in about ten times
    /// slower than hashing them (issue 18's 300-photo run); `small` makes it the first time a
    /// form or the TUI asks.
    ///
    /// # Errors
    /// Why the bytes are refused (a Chinese phrase), or the write failure.
    pub fn keep_arrived(&self, hash: &str, bytes: &[u8]) -> Result<(), String> {
        if !PhotoRef::valid_hash(hash) {
            return Err("名字不是照片的哈希".into());
        }
        if hash_hex(bytes) != hash {
            return Err("内容与名字中的哈希不符（文件损坏或被改动）".into());
        }
        if sniff(bytes) != Kind::Jpeg {
            return Err("不是 JPEG 图片".into());
        }
        self.put(&self.path(hash), bytes)
    }

    /// The stored copy's bytes, if here.
    pub fn read(&self, hash: &str) -> Option<Vec<u8>> {
        PhotoRef::valid_hash(hash)
            .then(|| fs::read(self.path(hash)).ok())
            .flatten()
    }

    /// The small copy's bytes (made from the stored copy if missing), if the photo is here.
    pub fn small(&self, hash: &str) -> Option<Vec<u8>> {
        if !PhotoRef::valid_hash(hash) {
            return None;
        }
        if let Ok(b) = fs::read(self.small_path(hash)) {
            return Some(b);
        }
        let small = small_of(&self.read(hash)?).ok()?;
        let _ = self.put(&self.small_path(hash), &small);
        Some(small)
    }

    /// Every stored copy here, by hash (names that are not photo hashes are left alone).
    pub fn hashes(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut out: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let hash = name.strip_suffix(".jpg")?.to_string();
                PhotoRef::valid_hash(&hash).then_some(hash)
            })
            .collect();
        out.sort();
        out
    }

    fn put(&self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        if path.is_file() {
            return Ok(()); // content-addressed: the same name holds the same bytes
        }
        let dir = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(dir).map_err(|e| format!("无法创建照片目录 {}：{e}", dir.display()))?;
        let tmp = dir.join(format!(".tmp-{}", fastrand::u64(..)));
        let result = (|| {
            let mut f = File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            fs::rename(&tmp, path)?;
            File::open(dir)?.sync_all()
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result.map_err(|e| format!("无法保存照片 {}：{e}", path.display()))
    }
}

/// The small copy of stored JPEG bytes.
fn small_of(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let img = std::panic::catch_unwind(|| super::decode(bytes, image::ImageFormat::Jpeg))
        .map_err(|_| "无法解码".to_string())??;
    super::encode_jpeg(
        &img.thumbnail(super::SMALL_EDGE, super::SMALL_EDGE),
        super::SMALL_QUALITY,
    )
}
