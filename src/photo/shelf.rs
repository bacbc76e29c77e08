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

    /// Every file below the shelf, as a garbage collection sees it: stored copies and small
    /// copies by hash with their sizes, and anything else (temp files a killed write left,
    /// names that are not ours) by path. Links and folders are listed as other, never followed.
    pub fn inventory(&self) -> Inventory {
        let mut inv = Inventory::default();
        for (dir, small) in [(self.dir.clone(), false), (self.dir.join(SMALL_DIR), true)] {
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let Ok(meta) = e.path().symlink_metadata() else {
                    continue;
                };
                if !small && name == SMALL_DIR && meta.is_dir() {
                    continue;
                }
                let hash = name
                    .strip_suffix(".jpg")
                    .filter(|h| PhotoRef::valid_hash(h));
                match hash {
                    Some(h) if meta.is_file() => {
                        let list = if small {
                            &mut inv.small
                        } else {
                            &mut inv.stored
                        };
                        list.push((h.to_string(), meta.len()));
                    }
                    _ if meta.is_file() && name.starts_with(".tmp-") => {
                        inv.temp.push((e.path(), meta.len()));
                    }
                    _ => inv.other.push(e.path()),
                }
            }
        }
        inv.stored.sort();
        inv.small.sort();
        inv.temp.sort();
        inv.other.sort();
        inv
    }

    /// Removes the stored copy (`small` false) or the small copy of `hash`; the folder is
    /// fsynced so the removal holds after a crash. Absent already is fine.
    ///
    /// # Errors
    /// The path and the system's reason.
    pub fn remove(&self, hash: &str, small: bool) -> Result<(), String> {
        if !PhotoRef::valid_hash(hash) {
            return Err(format!("「{hash}」不是照片的哈希"));
        }
        let path = if small {
            self.small_path(hash)
        } else {
            self.path(hash)
        };
        remove_file_synced(&path)
    }

    /// Removes a temp file `inventory` listed (only `.tmp-` files of this shelf).
    ///
    /// # Errors
    /// A path that is not such a file, or the system's reason.
    pub fn remove_temp(&self, path: &Path) -> Result<(), String> {
        let ours = path
            .parent()
            .is_some_and(|p| p == self.dir || p == self.dir.join(SMALL_DIR))
            && path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".tmp-"));
        if !ours {
            return Err(format!("{} 不是照片目录中的临时文件", path.display()));
        }
        remove_file_synced(path)
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

/// The files below a shelf (see [`Shelf::inventory`]): (hash, bytes) of stored and small
/// copies, (path, bytes) of temp files, and paths of anything else.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Inventory {
    pub stored: Vec<(String, u64)>,
    pub small: Vec<(String, u64)>,
    pub temp: Vec<(PathBuf, u64)>,
    pub other: Vec<PathBuf>,
}

fn remove_file_synced(path: &Path) -> Result<(), String> {
    match fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("无法删除 {}：{e}", path.display())),
    }
    if let Some(dir) = path.parent() {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
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
