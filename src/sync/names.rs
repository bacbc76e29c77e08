//! What a name in the sync folder is: one of our bundles, or someone else's file. Sync engines,
//! file managers and operating systems leave their own files next to ours (conflict copies,
//! temp files, desktop litter); those are ignored and counted, never read, never "damaged".

use super::bundle;
use serde::Serialize;

/// The kinds of foreign files a sync report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Foreign {
    /// A sync engine's or file manager's copy of one of our files: Syncthing
    /// `*.sync-conflict-*`, Dropbox/Nextcloud "conflicted copy", Windows "- 副本" / "- Copy",
    /// "(1)" copies, OneDrive host-suffixed names.
    ConflictCopy,
    /// A file being written or left behind by a writer: `.syncthing.*.tmp`, `~syncthing~*`,
    /// rclone `*.partial`, `~$*`, `*.tmp`, our own `.tmp-*`.
    Temp,
    /// Operating-system litter: `Thumbs.db`, `desktop.ini`, `.DS_Store`, `._*`.
    OsFile,
    /// A folder that is not a device's bundle folder (`.stversions`, `.stfolder`, anything else).
    Folder,
    /// Any other name.
    Other,
}

impl Foreign {
    /// The Chinese words a report uses for this kind.
    pub fn label(self) -> &'static str {
        match self {
            Foreign::ConflictCopy => "同步软件的冲突副本",
            Foreign::Temp => "临时文件",
            Foreign::OsFile => "系统文件",
            Foreign::Folder => "其他文件夹",
            Foreign::Other => "其他文件",
        }
    }
}

/// A file name inside `bundles/<origin>/`, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    /// `<first>-<last>-<hash16>.bundle`, hash in lower case.
    Bundle {
        first: u64,
        last: u64,
        hash: String,
    },
    Foreign(Foreign),
}

/// Classifies a file name found in an origin's folder.
pub fn classify(name: &str) -> Name {
    if let Some((first, last, hash)) = bundle::parse_name(name) {
        return Name::Bundle { first, last, hash };
    }
    Name::Foreign(foreign_kind(name))
}

/// Which kind of foreign file a name looks like (for the count in the report only).
pub fn foreign_kind(name: &str) -> Foreign {
    let lower = name.to_lowercase();
    if lower == "thumbs.db"
        || lower == "desktop.ini"
        || lower == ".ds_store"
        || lower.starts_with("._")
        || lower == ".directory"
    {
        return Foreign::OsFile;
    }
    if lower.starts_with(".syncthing.")
        || lower.starts_with("~syncthing~")
        || lower.starts_with(".tmp-")
        || lower.starts_with("~$")
        || lower.ends_with(".tmp")
        || lower.ends_with(".partial")
        || lower.contains(".partial.")
        || lower.ends_with(".part")
        || lower.ends_with(".crdownload")
        || lower.starts_with(".~")
        || lower.starts_with(".goutputstream")
    {
        return Foreign::Temp;
    }
    if lower.contains(".sync-conflict-")
        || lower.contains("conflicted copy")
        || lower.contains("conflict")
        || name.contains("副本")
        || lower.contains(" - copy")
        || name.contains("冲突")
        || lower.contains("(1)")
        || lower.contains(" (")
        || (lower.ends_with(bundle::EXTENSION) && lower.splitn(4, '-').count() == 4)
    {
        return Foreign::ConflictCopy;
    }
    Foreign::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_names_are_foreign_and_never_bundles() {
        let h = "1-16-b15b6bccf936c1f8";
        for (name, kind) in [
            (
                format!("{h}.sync-conflict-20261129-184536-GPVCES7.bundle"),
                Foreign::ConflictCopy,
            ),
            (
                format!("{h} (王芳's conflicted copy 2026-12-01).bundle"),
                Foreign::ConflictCopy,
            ),
            (format!("{h} - 副本.bundle"), Foreign::ConflictCopy),
            (format!("{h} - Copy.bundle"), Foreign::ConflictCopy),
            (format!("{h} (1).bundle"), Foreign::ConflictCopy),
            (format!("{h}-LAPTOP-01.bundle"), Foreign::ConflictCopy),
            (format!(".syncthing.{h}.bundle.tmp"), Foreign::Temp),
            (format!("~syncthing~{h}.bundle.tmp"), Foreign::Temp),
            (format!("{h}.bundle.partial"), Foreign::Temp),
            (format!("{h}.bundle.a1b2c3d4.partial"), Foreign::Temp),
            (format!("~${h}.bundle"), Foreign::Temp),
            (format!(".tmp-123-{h}.bundle"), Foreign::Temp),
            ("Thumbs.db".into(), Foreign::OsFile),
            (format!("._{h}.bundle"), Foreign::OsFile),
            (".DS_Store".into(), Foreign::OsFile),
            ("notes.txt".into(), Foreign::Other),
        ] {
            assert_eq!(classify(&name), Name::Foreign(kind), "{name}");
        }
    }

    #[test]
    fn upper_case_hex_reads_as_the_same_name() {
        let Name::Bundle { first, last, hash } = classify("1-16-B15B6BCCF936C1F8.bundle") else {
            panic!("not read as a bundle");
        };
        assert_eq!((first, last, hash.as_str()), (1, 16, "b15b6bccf936c1f8"));
        assert!(!bundle::is_canonical_name("1-16-B15B6BCCF936C1F8.bundle"));
        assert!(bundle::is_canonical_name("1-16-b15b6bccf936c1f8.bundle"));
    }
}
