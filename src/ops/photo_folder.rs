//! A folder of photos as the TUI's picker shows it (issue 18): a camera card's `DCIM/100CANON`
//! or a phone's import folder, newest first, with each file's name, time and size, and the
//! sub-folders to go into. Also the completion of a typed path (Tab).
//!
//! The folder is outside input: links are listed as what they point to only when that is a
//! regular file or folder, names are escaped before anyone draws them, and a folder of tens of
//! thousands of files is cut to the newest [`MAX_LISTED`] (the cut is said).

use super::{OpsError, Result};
use chrono::{DateTime, FixedOffset};
use std::path::{Path, PathBuf};

/// Files listed at most (newest first): a card holds a few thousand photos a year.
pub const MAX_LISTED: usize = 2000;

/// Entries read from one folder at most before giving up on listing it whole (bounded memory
/// and time on a share with a million files).
const MAX_SCANNED: usize = 200_000;

/// File name endings the picker lists (any case). Only a filter for the eye: what a file is,
/// is decided by its content when it is attached.
const PHOTO_ENDINGS: [&str; 5] = ["jpg", "jpeg", "png", "heic", "heif"];

/// One row of the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderEntry {
    /// The name as shown (control characters escaped).
    pub name: String,
    pub path: PathBuf,
    /// A folder to go into (listed before the files, by name).
    pub is_dir: bool,
    /// When the file was last changed (a camera writes the photo once), in the local offset.
    pub modified: Option<DateTime<FixedOffset>>,
    /// Size in bytes (0 for folders).
    pub bytes: u64,
}

/// What the picker shows of one folder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PhotoFolder {
    pub dir: PathBuf,
    /// `..` first (unless at the root), then folders by name, then photos newest first.
    pub entries: Vec<FolderEntry>,
    /// Photo files left out beyond [`MAX_LISTED`] (the oldest).
    pub left_out: usize,
}

impl PhotoFolder {
    /// Photo files listed (folders and `..` not counted).
    pub fn photo_count(&self) -> usize {
        self.entries.iter().filter(|e| !e.is_dir).count()
    }
}

/// Whether `name` ends like a photo file.
fn photo_name(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| PHOTO_ENDINGS.iter().any(|p| ext.eq_ignore_ascii_case(p)))
}

/// Lists `dir` for the picker, `offset` giving the times people read.
///
/// # Errors
/// `Invalid` naming the folder when it is missing, not a folder, or cannot be read.
pub fn list_photo_folder(dir: &Path, offset: &FixedOffset) -> Result<PhotoFolder> {
    let shown = crate::domain::sanitize::escape(&dir.display().to_string()).into_owned();
    let meta = std::fs::metadata(dir)
        .map_err(|e| OpsError::invalid("照片文件夹", format!("{shown} 无法打开：{e}")))?;
    if !meta.is_dir() {
        return Err(OpsError::invalid(
            "照片文件夹",
            format!("{shown} 不是文件夹"),
        ));
    }
    let read = std::fs::read_dir(dir)
        .map_err(|e| OpsError::invalid("照片文件夹", format!("{shown} 无法读取：{e}")))?;
    let (mut dirs, mut files) = (Vec::new(), Vec::new());
    for entry in read.flatten().take(MAX_SCANNED) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue; // hidden files, macOS litter (._IMG_0001.JPG), our own temp files
        }
        // What a link points to, if it is a plain file or folder; anything else is skipped.
        let Ok(meta) = std::fs::metadata(entry.path()) else {
            continue;
        };
        let row = FolderEntry {
            name: crate::domain::sanitize::escape(&name).into_owned(),
            path: entry.path(),
            is_dir: meta.is_dir(),
            modified: meta
                .modified()
                .ok()
                .map(|t| DateTime::<chrono::Utc>::from(t).with_timezone(offset)),
            bytes: if meta.is_file() { meta.len() } else { 0 },
        };
        if meta.is_dir() {
            dirs.push(row);
        } else if meta.is_file() && photo_name(&name) {
            files.push(row);
        }
    }
    dirs.sort_by(|a, b| a.name.cmp(&b.name));
    // Newest first; the same second by name, so a burst keeps the camera's order.
    files.sort_by(|a, b| {
        b.modified
            .cmp(&a.modified)
            .then_with(|| b.name.cmp(&a.name))
    });
    let left_out = files.len().saturating_sub(MAX_LISTED);
    files.truncate(MAX_LISTED);
    let mut entries = Vec::with_capacity(dirs.len() + files.len() + 1);
    if let Some(parent) = dir.parent() {
        entries.push(FolderEntry {
            name: "..".into(),
            path: parent.to_path_buf(),
            is_dir: true,
            modified: None,
            bytes: 0,
        });
    }
    entries.extend(dirs);
    entries.extend(files);
    Ok(PhotoFolder {
        dir: dir.to_path_buf(),
        entries,
        left_out,
    })
}

/// Completes a typed path as a shell's Tab would: the longest common start of the names in its
/// folder that begin with its last part, with `/` after a single folder. Folders and photo files
/// take part. None when nothing matches (or the folder cannot be read).
pub fn complete_path(typed: &str) -> Option<String> {
    let (dir_part, stem) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed),
    };
    let dir = if dir_part.is_empty() {
        PathBuf::from(".")
    } else {
        expand_home(dir_part)
    };
    let mut names: Vec<(String, bool)> = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .take(MAX_SCANNED)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if !name.starts_with(stem) || (name.starts_with('.') && !stem.starts_with('.')) {
                return None;
            }
            let meta = std::fs::metadata(e.path()).ok()?;
            (meta.is_dir() || (meta.is_file() && photo_name(&name)))
                .then_some((name, meta.is_dir()))
        })
        .collect();
    names.sort();
    let (first, is_dir) = names.first()?.clone();
    if names.len() == 1 {
        let slash = if is_dir { "/" } else { "" };
        return Some(format!("{dir_part}{first}{slash}"));
    }
    let mut common = first.clone();
    for (n, _) in &names[1..] {
        let keep = common
            .char_indices()
            .zip(n.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map(|((i, a), _)| i + a.len_utf8())
            .unwrap_or(0);
        common.truncate(keep);
    }
    Some(format!("{dir_part}{common}"))
}

/// `~/x` is the home folder's `x`, as a shell reads it.
pub fn expand_home(typed: &str) -> PathBuf {
    let home = || directories::UserDirs::new().map(|d| d.home_dir().to_path_buf());
    match typed.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with(['/', '\\']) => match home() {
            Some(h) => h.join(rest.trim_start_matches(['/', '\\'])),
            None => PathBuf::from(typed),
        },
        _ => PathBuf::from(typed),
    }
}

/// Where the picker opens when no folder was used before: the user's pictures folder, else
/// the home folder, else the current one.
pub fn default_photo_dir() -> PathBuf {
    directories::UserDirs::new()
        .and_then(|d| {
            d.picture_dir()
                .map(Path::to_path_buf)
                .or_else(|| Some(d.home_dir().to_path_buf()))
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offset() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    #[test]
    fn lists_folders_then_photos_newest_first_and_skips_the_rest() {
        let d = tempfile::tempdir().unwrap();
        let set = |name: &str, secs: i64| {
            let p = d.path().join(name);
            std::fs::write(&p, b"x").unwrap();
            let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs as u64);
            std::fs::File::options()
                .write(true)
                .open(&p)
                .unwrap()
                .set_modified(t)
                .unwrap();
        };
        set("IMG_0001.JPG", 1_700_000_000);
        set("IMG_0003.jpeg", 1_700_000_300);
        set("IMG_0002.png", 1_700_000_100);
        set("清单.txt", 1_700_000_400);
        set("._IMG_0001.JPG", 1_700_000_500);
        std::fs::create_dir(d.path().join("100CANON")).unwrap();
        let f = list_photo_folder(d.path(), &offset()).unwrap();
        let names: Vec<&str> = f.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "..",
                "100CANON",
                "IMG_0003.jpeg",
                "IMG_0002.png",
                "IMG_0001.JPG"
            ]
        );
        assert_eq!(f.photo_count(), 3);
        assert_eq!(f.left_out, 0);
    }

    #[test]
    fn a_missing_folder_is_named() {
        let e = list_photo_folder(Path::new("/无此文件夹/DCIM"), &offset()).unwrap_err();
        assert!(e.to_string().contains("/无此文件夹/DCIM"), "{e}");
    }

    #[test]
    fn completes_a_folder_and_a_common_start() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("DCIM")).unwrap();
        std::fs::write(d.path().join("IMG_1001.JPG"), b"x").unwrap();
        std::fs::write(d.path().join("IMG_1002.JPG"), b"x").unwrap();
        let base = format!("{}/", d.path().display());
        assert_eq!(
            complete_path(&format!("{base}DC")),
            Some(format!("{base}DCIM/"))
        );
        assert_eq!(
            complete_path(&format!("{base}IM")),
            Some(format!("{base}IMG_100"))
        );
        assert_eq!(complete_path(&format!("{base}zz")), None);
    }
}
