//! Demo data stays demo: a demo store (made by `xuncha demo`) never syncs, and bundles of a
//! demo device found in a folder are refused unread, named, and never imported.

use super::SyncError;
use super::folder::Listed;
use crate::store::{Store, is_demo_device};
use uuid::Uuid;

/// Refuses any sync of a demo store: its events must never leave it, and it has no use for
/// others' events.
pub(super) fn refuse_demo_store(store: &Store) -> Result<(), SyncError> {
    if store.is_demo() {
        return Err(SyncError::Refused(format!(
            "数据目录 {} 是演示数据（由 xuncha demo 生成），不能同步：演示数据不得进入办公室的台账。\
             请用真实工作的数据目录同步",
            store.dir().display()
        )));
    }
    Ok(())
}

/// Whether a listed bundle sits in the folder of a demo device.
pub(super) fn from_demo_device(f: &Listed) -> bool {
    Uuid::parse_str(&f.origin_dir).is_ok_and(is_demo_device)
}

/// The reason shown for a refused demo bundle.
pub(super) fn demo_reason(f: &Listed) -> String {
    format!(
        "演示数据（设备 {} 是 xuncha demo 生成的演示设备），不导入；请从同步文件夹删除 bundles/{}/",
        &f.origin_dir[..8.min(f.origin_dir.len())],
        f.origin_dir
    )
}
