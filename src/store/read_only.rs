//! A data dir this user cannot write (a read-only mount, a colleague's folder, a copy from a
//! CD): sled cannot open a database without writing to it, so the database files are copied to
//! a private temporary folder and that copy is opened. Every read works on it; every write is
//! refused through `Store::frozen` ("本设备已停止写入：数据目录只读…"), and the copy is removed
//! when the store is dropped. Cost: one copy of `db/` per command (about the size of the store).

use super::{Result, StoreError};
use std::path::{Path, PathBuf};

/// Whether sled's open failed because the data dir cannot be written (EACCES, EPERM, EROFS).
pub(super) fn is_read_only_error(e: &std::io::Error) -> bool {
    const EROFS: i32 = 30;
    e.kind() == std::io::ErrorKind::PermissionDenied
        || e.kind() == std::io::ErrorKind::ReadOnlyFilesystem
        || e.raw_os_error() == Some(EROFS)
}

/// Whether sled's open failed because the disk is full (ENOSPC, EDQUOT): every read must
/// still work (issue 9 point 5), so the store is opened from a copy as for a read-only dir.
pub(super) fn is_disk_full_error(e: &std::io::Error) -> bool {
    const ENOSPC: i32 = 28;
    const EDQUOT: i32 = 122;
    e.kind() == std::io::ErrorKind::StorageFull
        || e.kind() == std::io::ErrorKind::QuotaExceeded
        || matches!(e.raw_os_error(), Some(ENOSPC | EDQUOT))
}

/// The temporary copy of a read-only data dir's database; removed on drop.
#[derive(Debug)]
pub(super) struct ReadOnlyCopy {
    /// The folder that holds the copy (`<tmp>/xuncha-read-only-<pid>-<n>`).
    root: PathBuf,
    /// The data dir the copy was taken from, named in the refusal of every write.
    pub(super) source: PathBuf,
    /// Taken because the disk is full, not because the dir is read-only.
    full: bool,
}

impl ReadOnlyCopy {
    /// Copies `dir/db` (flat: sled keeps its files in one folder plus `blobs/`) into a new
    /// private temporary folder. Errors name the file that could not be read.
    /// `full`: the reason is a full disk (the refusal says to free space).
    pub(super) fn take(dir: &Path, full: bool) -> Result<ReadOnlyCopy> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let root = std::env::temp_dir().join(format!(
            "xuncha-read-only-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let copy = ReadOnlyCopy {
            root,
            source: dir.to_path_buf(),
            full,
        };
        copy_tree(&dir.join("db"), &copy.db_dir())?;
        Ok(copy)
    }

    /// The path of the copied database, to hand to sled.
    pub(super) fn db_dir(&self) -> PathBuf {
        self.root.join("db")
    }

    /// Why nothing can be written, in Chinese, with what to do.
    pub(super) fn reason(&self) -> String {
        if self.full {
            return format!(
                "数据目录 {} 所在的磁盘已满，只能查看、搜索、导出和生成报表；\
                 要登记或同步，请先删除不需要的文件腾出空间",
                self.source.display()
            );
        }
        format!(
            "数据目录 {} 只读（没有写入权限，或在只读磁盘上），只能查看、搜索、导出和生成报表；\
             要登记或同步，请修改该目录的权限或把它复制到可写的位置",
            self.source.display()
        )
    }
}

impl Drop for ReadOnlyCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let io = |what: &Path, e: std::io::Error| {
        StoreError::Io(format!("只读数据目录：无法读取 {}：{e}", what.display()))
    };
    std::fs::create_dir_all(to).map_err(|e| io(to, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700));
    }
    for entry in std::fs::read_dir(from).map_err(|e| io(from, e))? {
        let entry = entry.map_err(|e| io(from, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| io(&path, e))?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&path, &target)?;
        } else if kind.is_file() {
            std::fs::copy(&path, &target).map_err(|e| io(&path, e))?;
            // The copy must be writable by us: sled opens its files for writing.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    Ok(())
}
