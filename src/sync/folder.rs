//! The sync folder on a stick or share: `xuncha-sync/FORMAT` and
//! `xuncha-sync/bundles/<origin>/<first>-<last>-<hash16>.bundle`. Files are written under a temp
//! name, fsynced, renamed, and the folder fsynced; but readers never trust that to be atomic.
//!
//! The folder is hostile ground: anyone with the stick can put anything in it. Below
//! `xuncha-sync/` nothing is followed through a link, only regular files are opened (a FIFO or a
//! device is never opened for reading), and no file is read past [`super::bundle::READ_LIMIT`].

use super::names::{self, Foreign, Name};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use uuid::Uuid;

pub const ROOT: &str = "xuncha-sync";
pub const FORMAT_FILE: &str = "FORMAT";
pub const FORMAT_TEXT: &str = "xuncha-sync 1\n";
const TMP_PREFIX: &str = ".tmp-";
/// Age after which a temp file of ours is taken as left behind, not being written.
pub const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(3600);
const BUNDLES: &str = "bundles";

pub struct SyncFolder {
    pub root: PathBuf,
    /// False when the folder has never been used (a dry run leaves it so).
    pub exists: bool,
    /// `xuncha-sync/` is there but its FORMAT is missing or cut short (a first sync that ran
    /// out of space): the next writing sync completes it.
    pub unfinished: bool,
}

/// One bundle file found in the folder.
#[derive(Debug, Clone)]
pub struct Listed {
    pub origin_dir: String,
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
    /// Modification time (ms since the epoch; 0 if the file system keeps none).
    pub mtime_ms: i64,
    /// The origin named by the folder (upper-case hex reads as the same device).
    pub origin: Uuid,
    pub first: u64,
    pub last: u64,
    /// The name's 16 hex digits, in lower case.
    pub hash: String,
}

impl Listed {
    /// `<origin>/<name>`: how reports name a bundle.
    pub fn label(&self) -> String {
        format!("{}/{}", self.origin_dir, self.name)
    }
}

/// A file or folder in the sync folder that is not ours: ignored, never read.
#[derive(Debug, Clone)]
pub struct Ignored {
    /// Path below `xuncha-sync/`.
    pub file: String,
    pub kind: Foreign,
}

/// Something named like ours that is not a regular file (a folder, a link, a pipe): skipped
/// with a warning.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

/// What a listing of the folder found.
#[derive(Debug, Default)]
pub struct Listing {
    /// Our bundle files, by origin then range.
    pub bundles: Vec<Listed>,
    pub ignored: Vec<Ignored>,
    pub skipped: Vec<Skipped>,
}

/// Why a file in the folder could not be opened for reading.
#[derive(Debug)]
pub enum OpenFault {
    /// Gone between the listing and the read (another device removed or replaced it).
    Vanished,
    /// Not a regular file, or a link: never opened.
    NotRegular(String),
    /// Larger than anything a writer makes; not read at all.
    TooLarge(u64),
    Io(std::io::Error),
}

/// What kind of entry, without following a link.
fn kind_of(t: fs::FileType) -> &'static str {
    if t.is_dir() {
        "是文件夹，不是同步包"
    } else if t.is_symlink() {
        "是符号链接，出于安全不跟随"
    } else {
        "不是普通文件（可能是管道或设备），不读取"
    }
}

/// Opens a regular file for reading without following a link and without blocking on a FIFO;
/// refuses anything larger than `limit` bytes before reading any of it.
pub fn open_regular(path: &Path, limit: u64) -> Result<(File, u64), OpenFault> {
    let file = open_nofollow(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => OpenFault::Vanished,
        _ if is_loop(&e) => OpenFault::NotRegular(kind_of_path(path)),
        _ => OpenFault::Io(e),
    })?;
    let meta = file.metadata().map_err(OpenFault::Io)?;
    if !meta.is_file() {
        return Err(OpenFault::NotRegular(kind_of(meta.file_type()).into()));
    }
    if meta.len() > limit {
        return Err(OpenFault::TooLarge(meta.len()));
    }
    Ok((file, meta.len()))
}

fn kind_of_path(path: &Path) -> String {
    fs::symlink_metadata(path)
        .map(|m| kind_of(m.file_type()))
        .unwrap_or("无法打开")
        .to_string()
}

#[cfg(unix)]
fn open_nofollow(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nofollow(path: &Path) -> std::io::Result<File> {
    let m = fs::symlink_metadata(path)?;
    if !m.is_file() {
        return Err(std::io::Error::other(kind_of(m.file_type())));
    }
    File::open(path)
}

#[cfg(unix)]
fn is_loop(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP) || e.raw_os_error() == Some(libc::EMLINK)
}

#[cfg(not(unix))]
fn is_loop(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Other
}

/// What FORMAT says, read safely (a FIFO or link named FORMAT is refused, not read).
enum FormatState {
    Ok,
    /// Missing, empty or cut short: a first sync that did not finish.
    Unfinished,
    Newer(String),
    Foreign(String),
}

fn read_format(path: &Path) -> FormatState {
    let (file, _) = match open_regular(path, 4096) {
        Ok(f) => f,
        Err(OpenFault::Vanished) => return FormatState::Unfinished,
        Err(OpenFault::NotRegular(why)) => {
            return FormatState::Foreign(format!("{FORMAT_FILE} {why}"));
        }
        Err(OpenFault::TooLarge(n)) => {
            return FormatState::Foreign(format!("{FORMAT_FILE} 有 {n} 字节，不是格式说明"));
        }
        Err(OpenFault::Io(e)) => {
            return FormatState::Foreign(format!("无法读取 {FORMAT_FILE}：{e}"));
        }
    };
    let mut raw = Vec::new();
    if let Err(e) = file.take(4096).read_to_end(&mut raw) {
        return FormatState::Foreign(format!("无法读取 {FORMAT_FILE}：{e}"));
    }
    let text = String::from_utf8_lossy(&raw);
    // Editors and file managers on Windows add a BOM and CRLF line ends.
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let line = text.trim_end_matches(['\n', '\r', ' ', '\t']);
    if line == FORMAT_TEXT.trim_end() {
        FormatState::Ok
    } else if FORMAT_TEXT.starts_with(&text) {
        FormatState::Unfinished
    } else if line.starts_with("xuncha-sync ") {
        FormatState::Newer(line.to_string())
    } else {
        FormatState::Foreign(format!("缺少或无法识别 {FORMAT_FILE} 文件"))
    }
}

/// Whether `xuncha-sync/` holds nothing but what a first sync cut short leaves: part of
/// FORMAT, `bundles/`, temp files (ours or an engine's) and system litter.
fn only_ours(root: &Path) -> bool {
    let Ok(entries) = fs::read_dir(root) else {
        return false;
    };
    entries.flatten().all(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name == FORMAT_FILE
            || name == BUNDLES
            || name == super::holds::DIR
            || name == super::org::ORG_FILE
            || name == super::org::ENROLL_DIR
            || name == super::photos::DIR
            || name.starts_with('.')
            || matches!(names::foreign_kind(&name), Foreign::Temp | Foreign::OsFile)
    })
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
    let mut unfinished = false;
    let exists = match fs::symlink_metadata(&root) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(format!(
                "{} 是符号链接：同步文件夹里的链接一律不跟随，请换成真正的文件夹",
                root.display()
            ));
        }
        Ok(m) if !m.is_dir() => {
            return Err(format!(
                "{} 不是 xuncha 同步文件夹（{ROOT} 是文件而不是文件夹）",
                root.display()
            ));
        }
        Ok(_) => {
            match read_format(&root.join(FORMAT_FILE)) {
                FormatState::Ok => {}
                FormatState::Unfinished if only_ours(&root) => unfinished = true,
                FormatState::Unfinished => {
                    return Err(format!(
                        "{} 不是 xuncha 同步文件夹（缺少 {FORMAT_FILE} 文件，且里面有别的文件）",
                        root.display()
                    ));
                }
                FormatState::Newer(t) => {
                    return Err(format!(
                        "同步文件夹的格式「{t}」比本程序新或不受支持（本程序为「{}」），请升级 xuncha",
                        FORMAT_TEXT.trim()
                    ));
                }
                FormatState::Foreign(why) => {
                    return Err(format!(
                        "{} 不是 xuncha 同步文件夹（{why}）",
                        root.display()
                    ));
                }
            }
            true
        }
        Err(_) => false,
    };
    let folder = SyncFolder {
        root,
        exists,
        unfinished,
    };
    if !read_only {
        folder
            .prepare()
            .map_err(|e| format!("同步文件夹 {shown} 不可写：{}", io_text(&e)))?;
        return Ok(SyncFolder {
            exists: true,
            unfinished: false,
            ..folder
        });
    }
    Ok(folder)
}

/// An I/O error in words a person acts on (a full stick says so).
pub fn io_text(e: &std::io::Error) -> String {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ENOSPC) {
        return format!("盘已满，请腾出空间后再同步一次（已写入的部分下次会补全）（{e}）");
    }
    e.to_string()
}

impl SyncFolder {
    fn bundles(&self) -> PathBuf {
        self.root.join(BUNDLES)
    }

    /// Creates the layout on first use (or completes one a full disk cut short) and proves the
    /// folder is writable.
    fn prepare(&self) -> std::io::Result<()> {
        fs::create_dir_all(&self.root)?;
        if !self.exists || self.unfinished {
            write_atomic(&self.root, FORMAT_FILE, FORMAT_TEXT.as_bytes())?;
        }
        match fs::symlink_metadata(self.bundles()) {
            Ok(m) if m.is_dir() => {}
            Ok(m) => {
                return Err(std::io::Error::other(format!(
                    "{ROOT}/{BUNDLES} {}",
                    kind_of(m.file_type())
                )));
            }
            Err(_) => fs::create_dir(self.bundles())?,
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

    /// Every bundle file, by origin then range; foreign names counted, odd entries skipped.
    /// Nothing is followed through a link.
    pub fn list(&self) -> std::io::Result<Listing> {
        let mut out = Listing::default();
        match fs::symlink_metadata(&self.root) {
            Ok(m) if m.is_dir() => {}
            _ => return Ok(out),
        }
        for e in fs::read_dir(&self.root)? {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            let ours = [
                FORMAT_FILE,
                BUNDLES,
                super::holds::DIR,
                super::org::ORG_FILE,
                super::org::ENROLL_DIR,
                super::photos::DIR,
            ];
            if !ours.contains(&name.as_str()) {
                let t = e.file_type()?;
                let kind = if t.is_dir() {
                    Foreign::Folder
                } else {
                    names::foreign_kind(&name)
                };
                out.ignored.push(Ignored { file: name, kind });
            }
        }
        let dir = self.bundles();
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            _ => return Ok(out),
        }
        for origin in fs::read_dir(&dir)? {
            let origin = origin?;
            let origin_dir = origin.file_name().to_string_lossy().into_owned();
            let t = origin.file_type()?;
            let id = Uuid::try_parse(&origin_dir)
                .ok()
                .filter(|_| !origin_dir.starts_with('.'));
            let Some(id) = id else {
                let kind = if t.is_dir() {
                    Foreign::Folder
                } else {
                    names::foreign_kind(&origin_dir)
                };
                out.ignored.push(Ignored {
                    file: format!("{BUNDLES}/{origin_dir}"),
                    kind,
                });
                continue;
            };
            if !t.is_dir() {
                out.skipped.push(Skipped {
                    file: format!("{BUNDLES}/{origin_dir}"),
                    reason: if t.is_file() {
                        "是文件，不是设备文件夹".into()
                    } else {
                        kind_of(t).into()
                    },
                });
                continue;
            }
            self.list_origin(&origin.path(), &origin_dir, id, &mut out)?;
        }
        out.bundles.sort_by(|a, b| {
            (&a.origin_dir, a.first, a.last, &a.name).cmp(&(
                &b.origin_dir,
                b.first,
                b.last,
                &b.name,
            ))
        });
        Ok(out)
    }

    fn list_origin(
        &self,
        path: &Path,
        origin_dir: &str,
        origin: Uuid,
        out: &mut Listing,
    ) -> std::io::Result<()> {
        for f in fs::read_dir(path)? {
            let f = f?;
            let name = f.file_name().to_string_lossy().into_owned();
            let label = format!("{origin_dir}/{name}");
            let t = f.file_type()?;
            match names::classify(&name) {
                Name::Foreign(kind) => {
                    let kind = if t.is_dir() { Foreign::Folder } else { kind };
                    out.ignored.push(Ignored { file: label, kind });
                }
                Name::Bundle { .. } if !t.is_file() => out.skipped.push(Skipped {
                    file: label,
                    reason: kind_of(t).into(),
                }),
                Name::Bundle { first, last, hash } => {
                    // Gone since the listing: the reader notices and looks again.
                    let Ok(meta) = fs::symlink_metadata(f.path()) else {
                        continue;
                    };
                    out.bundles.push(Listed {
                        origin_dir: origin_dir.to_string(),
                        path: f.path(),
                        size: meta.len(),
                        mtime_ms: mtime_ms(&meta),
                        name,
                        origin,
                        first,
                        last,
                        hash,
                    });
                }
            }
        }
        Ok(())
    }

    /// Writes one bundle (replacing a damaged file of the same name) and returns its
    /// modification time. `Ok(None)` when the name is taken by something that is not a file
    /// (a folder, a link): nothing is written.
    pub fn write_bundle(
        &self,
        origin_dir: &str,
        name: &str,
        bytes: &[u8],
    ) -> std::io::Result<Option<i64>> {
        let dir = self.bundles().join(origin_dir);
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Ok(None),
            Err(_) => fs::create_dir(&dir)?,
        }
        match fs::symlink_metadata(dir.join(name)) {
            Ok(m) if !m.is_file() => return Ok(None),
            _ => {}
        }
        write_atomic(&dir, name, bytes)?;
        Ok(Some(
            fs::symlink_metadata(dir.join(name)).map_or(0, |m| mtime_ms(&m)),
        ))
    }

    /// Removes temp files of ours (`.tmp-*`) older than [`STALE_TEMP`]: what a writer killed
    /// mid-write or stopped by a full disk left behind. A younger one may be another device's
    /// write in progress and is left alone. Returns how many were removed.
    pub fn clean_stale_temps(&self) -> usize {
        let now = std::time::SystemTime::now();
        let mut dirs = vec![self.root.clone()];
        if let Ok(origins) = fs::read_dir(self.bundles()) {
            for o in origins.flatten() {
                if o.file_type().is_ok_and(|t| t.is_dir()) {
                    dirs.push(o.path());
                }
            }
        }
        let mut removed = 0;
        for d in dirs {
            let Ok(entries) = fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let stale = e.file_name().to_string_lossy().starts_with(TMP_PREFIX)
                    && e.file_type().is_ok_and(|t| t.is_file())
                    && e.metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > STALE_TEMP));
                if stale && fs::remove_file(e.path()).is_ok() {
                    removed += 1;
                }
            }
        }
        removed
    }

    /// Removes one bundle file (compaction); one already gone is fine.
    pub fn remove_bundle(&self, origin_dir: &str, name: &str) -> std::io::Result<()> {
        match fs::remove_file(self.bundle_path(origin_dir, name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// A file's modification time in ms since the epoch (0 if unknown).
pub fn mtime_ms(meta: &fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_millis() as i64)
}

/// Temp name in the same folder, write, fsync, rename, fsync the folder.
pub(crate) fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
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
