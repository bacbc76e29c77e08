//! The sync folder on a stick or share: `xuncha-sync/FORMAT` and
//! `xuncha-sync/bundles/<origin>/<first>-<last>-<hash16>.bundle`. Files are written under a temp
//! name, fsynced, renamed, and the folder fsynced; but readers never trust that to be atomic.

use super::bundle;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const ROOT: &str = "xuncha-sync";
pub const FORMAT_FILE: &str = "FORMAT";
pub const FORMAT_TEXT: &str = "xuncha-sync 1\n";
const TMP_PREFIX: &str = ".tmp-";

pub struct SyncFolder {
    pub root: PathBuf,
    /// False when the folder has never been used (a dry run leaves it so).
    pub exists: bool,
}

/// One bundle file found in the folder.
#[derive(Debug, Clone)]
pub struct Listed {
    pub origin_dir: String,
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
}

impl Listed {
    /// `<origin>/<name>`: how reports name a bundle.
    pub fn label(&self) -> String {
        format!("{}/{}", self.origin_dir, self.name)
    }
}

/// Opens (and unless `read_only`, prepares) the sync folder; every error says why it cannot
/// be used.
pub fn open(path: &Path, read_only: bool) -> Result<SyncFolder, String> {
    let shown = path.display();
    match fs::metadata(path) {
        Err(_) => {
            return Err(format!(
                "同步文件夹 {shown} 不存在（U 盘或共享盘是否已连接？）"
            ));
        }
        Ok(m) if !m.is_dir() => return Err(format!("{shown} 不是文件夹")),
        Ok(_) => {}
    }
    let root = path.join(ROOT);
    let format = root.join(FORMAT_FILE);
    let exists = match fs::metadata(&root) {
        Ok(m) if !m.is_dir() => {
            return Err(format!(
                "{} 不是 xuncha 同步文件夹（{ROOT} 是文件而不是文件夹）",
                root.display()
            ));
        }
        Ok(_) => {
            match fs::read_to_string(&format) {
                Ok(t) if t == FORMAT_TEXT => {}
                Ok(t) if t.starts_with("xuncha-sync ") => {
                    return Err(format!(
                        "同步文件夹的格式「{}」比本程序新或不受支持（本程序为「{}」），请升级 xuncha",
                        t.trim(),
                        FORMAT_TEXT.trim()
                    ));
                }
                _ => {
                    return Err(format!(
                        "{} 不是 xuncha 同步文件夹（缺少或无法识别 {FORMAT_FILE} 文件）",
                        root.display()
                    ));
                }
            }
            true
        }
        Err(_) => false,
    };
    let folder = SyncFolder { root, exists };
    if !read_only {
        folder
            .prepare()
            .map_err(|e| format!("同步文件夹 {shown} 不可写：{e}"))?;
        return Ok(SyncFolder {
            exists: true,
            ..folder
        });
    }
    Ok(folder)
}

impl SyncFolder {
    fn bundles(&self) -> PathBuf {
        self.root.join("bundles")
    }

    /// Creates the layout on first use and proves the folder is writable.
    fn prepare(&self) -> std::io::Result<()> {
        fs::create_dir_all(self.bundles())?;
        if !self.exists {
            write_atomic(&self.root, FORMAT_FILE, FORMAT_TEXT.as_bytes())?;
        }
        let probe = self
            .root
            .join(format!("{TMP_PREFIX}probe-{}", fastrand::u64(..)));
        File::create(&probe)?.write_all(b"ok")?;
        fs::remove_file(&probe)
    }

    pub fn bundle_path(&self, origin_dir: &str, name: &str) -> PathBuf {
        self.bundles().join(origin_dir).join(name)
    }

    /// Every bundle file, by origin then first seq. Temp files and other files are skipped.
    pub fn list(&self) -> std::io::Result<Vec<Listed>> {
        let mut out = Vec::new();
        let dir = self.bundles();
        if !dir.is_dir() {
            return Ok(out);
        }
        for origin in fs::read_dir(&dir)? {
            let origin = origin?;
            if !origin.file_type()?.is_dir() {
                continue;
            }
            let origin_dir = origin.file_name().to_string_lossy().into_owned();
            if origin_dir.starts_with('.') {
                continue;
            }
            for f in fs::read_dir(origin.path())? {
                let f = f?;
                let name = f.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') || !name.ends_with(bundle::EXTENSION) {
                    continue;
                }
                let meta = f.metadata()?;
                if !meta.is_file() {
                    continue;
                }
                out.push(Listed {
                    origin_dir: origin_dir.clone(),
                    path: f.path(),
                    size: meta.len(),
                    name,
                });
            }
        }
        out.sort_by_key(|l| {
            let range = bundle::parse_name(&l.name).map(|(a, b, _)| (a, b));
            (l.origin_dir.clone(), range, l.name.clone())
        });
        Ok(out)
    }

    /// Writes one bundle (replacing a damaged file of the same name).
    pub fn write_bundle(&self, origin_dir: &str, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let dir = self.bundles().join(origin_dir);
        fs::create_dir_all(&dir)?;
        write_atomic(&dir, name, bytes)
    }
}

/// Temp name in the same folder, write, fsync, rename, fsync the folder.
fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!("{TMP_PREFIX}{}-{name}", fastrand::u64(..)));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, dir.join(name))?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    match File::open(dir)?.sync_all() {
        // Some network and FAT mounts refuse to fsync a directory; the data itself was synced.
        Err(e) if e.raw_os_error() == Some(22) || e.kind() == std::io::ErrorKind::Unsupported => {
            Ok(())
        }
        r => r,
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    // Windows cannot open a directory as a file; the rename is flushed with the volume.
    Ok(())
}
