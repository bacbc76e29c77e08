//! The photo screen's work on the worker (issue 18): listing a folder, completing a typed path,
//! and attaching through `ops::attach_photos_with` (the op `xuncha finding attach` uses), with
//! progress and Esc. The folder of a successful attach is remembered in the config file.

use super::action::Action;
use super::effects::{Effect, Runner};
use crate::ops::{self, OpsError};
use std::path::Path;

/// Runs one of the photo effects; other effects are not expected here.
pub fn run(runner: &mut Runner, effect: Effect, progress: &mut dyn FnMut(Action)) -> Action {
    let offset = runner.ctx.now.0.offset().to_owned();
    match effect {
        Effect::ListPhotoFolder(dir) => {
            let dir = match dir {
                Some(typed) => ops::expand_home(typed.trim()),
                None => runner
                    .config
                    .photo_dir
                    .clone()
                    .filter(|d| d.is_dir())
                    .unwrap_or_else(ops::default_photo_dir),
            };
            if dir.is_file() {
                return Action::PhotoFileTyped(dir);
            }
            Action::PhotoFolderListed(
                ops::list_photo_folder(&dir, &offset).map_err(|e| e.to_string()),
            )
        }
        Effect::ShowPhoto { hash, cols, rows } => {
            let image = match &runner.picker {
                Some(picker) => ops::photo_for_screen(&runner.ctx, &hash)
                    .and_then(|img| super::photo_view::encode(picker, img, cols, rows)),
                None => Err("终端不显示图片".into()),
            };
            Action::PhotoShown { hash, image }
        }
        Effect::CompletePath(typed) => Action::PathCompleted {
            completed: ops::complete_path(&typed),
            typed,
        },
        Effect::AttachPhotos { id, paths, stage } => {
            let mut report = |done, total| progress(Action::AttachProgress { done, total });
            let cancel = runner.cancel.clone();
            match ops::attach_photos_with(
                &mut runner.ctx,
                id,
                &paths,
                Some(stage),
                &mut report,
                Some(&cancel),
            ) {
                Ok(added) => {
                    let what = match added.len() {
                        0 => format!("这些照片已是本隐患的{}照片，未重复添加", stage.label()),
                        n => format!("已添加 {n} 张{}照片", stage.label()),
                    };
                    if let Some(dir) = paths.first().and_then(|p| p.parent()) {
                        remember(runner, dir);
                    }
                    match runner.ctx.finding_by_id(id) {
                        Ok(finding) => Action::FindingUpdated { finding, what },
                        Err(e) => Action::Failed(e.to_string()),
                    }
                }
                Err(OpsError::Cancelled(_)) => {
                    Action::AttachRefused("已取消，未添加任何照片".into())
                }
                // The op names the file and why; the screen says what happened.
                Err(OpsError::Invalid { message, .. }) => {
                    Action::AttachRefused(format!("未添加任何照片：{message}"))
                }
                Err(e) => Action::AttachRefused(format!("未添加任何照片：{e}")),
            }
        }
        Effect::RemovePhoto { id, n, reason } => {
            match ops::remove_photo(&mut runner.ctx, id, n, &reason) {
                Ok(finding) => Action::FindingUpdated {
                    finding,
                    what: format!("已移除第 {n} 张照片"),
                },
                Err(e) => Action::Failed(e.to_string()),
            }
        }
        _ => Action::Idle,
    }
}

/// Keeps `dir` as the folder the picker opens next time; a config that cannot be written only
/// loses that convenience (the photos are attached).
fn remember(runner: &mut Runner, dir: &Path) {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if runner.config.photo_dir.as_deref() != Some(dir.as_path()) {
        runner.config.photo_dir = Some(dir);
        let _ = runner.config.save(&runner.config_dir);
    }
}
