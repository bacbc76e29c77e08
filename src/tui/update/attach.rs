//! The photo screen (issue 18): open it from a hazard's detail (`a`) or the hazard form
//! (Ctrl-o), move through a folder newest first, mark several photos, type or complete a path,
//! and attach on the worker with progress (Esc stops it with nothing attached).

use super::{Effect, back, edit, moved, say};
use crate::domain::{Finding, PhotoStage};
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, MessageKind, Screen};
use crate::tui::attach::{AttachFocus, AttachState, AttachTarget};

/// What the status line says while photos are attached (it ends with the attach's result).
const BUSY_PREFIX: &str = "正在添加照片";

/// The photo screen for a recorded hazard, at the stage its state calls for (整改前 while it
/// waits for rectification, 整改后 after).
pub fn open_from_detail(app: &mut App, f: &Finding) -> Vec<Effect> {
    if f.retracted {
        let why = crate::domain::LifecycleError::Retracted {
            action: "添加照片"
        };
        say(app, MessageKind::Error, why.to_string());
        return vec![];
    }
    let title = format!("{} {}", f.spoken_name(), f.description);
    let st = AttachState::new(
        AttachTarget::Finding { id: f.id, title },
        crate::ops::default_stage(f),
    );
    app.stack.push(Screen::Attach(Box::new(st)));
    vec![Effect::ListPhotoFolder(None)]
}

/// The photo screen for the hazard form on top: the photos it already holds come marked.
pub fn open_from_form(app: &mut App) -> Vec<Effect> {
    let Screen::Form(f) = app.screen() else {
        return vec![];
    };
    let mut st = AttachState::new(AttachTarget::Form, PhotoStage::Before);
    st.marked = f.photos.clone();
    app.stack.push(Screen::Attach(Box::new(st)));
    vec![Effect::ListPhotoFolder(None)]
}

fn state(app: &mut App) -> Option<&mut AttachState> {
    match app.stack.last_mut()? {
        Screen::Attach(s) => Some(s),
        _ => None,
    }
}

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let Some(st) = state(app) else {
        return vec![];
    };
    if st.running {
        // Only Esc (handled before this, it stops the run) acts while photos are attached.
        return vec![];
    }
    st.error = None;
    if st.focus == AttachFocus::Path {
        return path_input(st, a);
    }
    let Action::Cmd(cmd) = a else {
        return vec![];
    };
    match cmd {
        Command::Back => back(app),
        Command::Mark => {
            st.toggle_mark();
            if let Some(f) = &st.folder {
                st.selected = (st.selected + 1).min(f.entries.len().saturating_sub(1));
            }
            vec![]
        }
        Command::ToggleStage => {
            if st.target == AttachTarget::Form {
                say(
                    app,
                    MessageKind::Info,
                    "登记隐患时添加的是整改前照片；整改后照片在隐患详情中按 a 添加",
                );
            } else {
                st.stage = match st.stage {
                    PhotoStage::Before => PhotoStage::After,
                    PhotoStage::After => PhotoStage::Before,
                };
            }
            vec![]
        }
        Command::EditFolder => {
            st.focus = AttachFocus::Path;
            if let Some(f) = &st.folder {
                let shown = f.dir.display().to_string();
                let shown = crate::domain::sanitize::escape(&shown);
                st.path.set(&format!("{shown}/").replace("//", "/"));
            }
            vec![]
        }
        Command::Backspace => match st.folder.as_ref().and_then(|f| f.dir.parent()) {
            Some(up) => vec![Effect::ListPhotoFolder(Some(up.display().to_string()))],
            None => vec![],
        },
        Command::Open => match st.current() {
            Some(e) if e.is_dir => {
                vec![Effect::ListPhotoFolder(Some(e.path.display().to_string()))]
            }
            Some(_) => submit(app),
            None => vec![],
        },
        Command::Submit => submit(app),
        c => {
            let len = st.folder.as_ref().map_or(0, |f| f.entries.len());
            if let Some(i) = moved(st.selected, len, c) {
                st.selected = i;
            }
            vec![]
        }
    }
}

fn path_input(st: &mut AttachState, a: Action) -> Vec<Effect> {
    match a {
        Action::Cmd(Command::NextField) => vec![Effect::CompletePath(st.path.text().to_string())],
        Action::Cmd(Command::Submit) if !st.path.text().trim().is_empty() => {
            vec![Effect::ListPhotoFolder(Some(st.path.text().to_string()))]
        }
        Action::Cmd(Command::Down | Command::Back) => {
            st.focus = AttachFocus::List;
            vec![]
        }
        a => {
            edit(&mut st.path, &a);
            vec![]
        }
    }
}

/// Attaches (or hands back to the form) the marked photos, else the one under the cursor.
fn submit(app: &mut App) -> Vec<Effect> {
    let Some(st) = state(app) else {
        return vec![];
    };
    let chosen = st.chosen();
    if chosen.is_empty() {
        st.error = Some("请先选择照片：空格标记（可多选），回车添加".into());
        return vec![];
    }
    if chosen.len() > crate::ops::MAX_PHOTOS_PER_ATTACH {
        st.error = Some(format!(
            "一次最多添加 {} 张照片，已标记 {} 张：请分批添加",
            crate::ops::MAX_PHOTOS_PER_ATTACH,
            chosen.len()
        ));
        return vec![];
    }
    match st.target.clone() {
        AttachTarget::Finding { id, .. } => {
            st.running = true;
            vec![Effect::AttachPhotos {
                id,
                paths: chosen,
                stage: st.stage,
            }]
        }
        AttachTarget::Form => {
            app.stack.pop();
            let n = chosen.len();
            if let Screen::Form(f) = app.screen_mut() {
                f.photos = chosen;
                f.touched = true;
            }
            say(
                app,
                MessageKind::Info,
                format!("已选 {n} 张整改前照片，保存隐患时一并添加"),
            );
            vec![]
        }
    }
}

/// A file typed in the path field: it is chosen and submitted as if marked in the list.
pub fn file_typed(app: &mut App, path: std::path::PathBuf) -> Vec<Effect> {
    let Some(st) = state(app) else {
        return vec![];
    };
    st.focus = AttachFocus::List;
    if !st.is_marked(&path) {
        st.marked.push(path);
    }
    submit(app)
}

/// Applies the worker's answers meant for the photo screen.
pub fn apply(app: &mut App, a: Action) -> Vec<Effect> {
    match a {
        Action::PhotoFolderListed(Ok(folder)) => {
            if let Some(st) = state(app) {
                // The newest photo under the cursor (folders and `..` come first).
                st.selected = folder.entries.iter().position(|e| !e.is_dir).unwrap_or(0);
                let shown = folder.dir.display().to_string();
                st.path.set(&crate::domain::sanitize::escape(&shown));
                st.folder = Some(folder);
                st.focus = AttachFocus::List;
            }
        }
        Action::PhotoFolderListed(Err(why)) => {
            if let Some(st) = state(app) {
                st.error = Some(why);
            }
        }
        Action::PhotoFileTyped(path) => return file_typed(app, path),
        Action::PathCompleted { typed, completed } => {
            if let Some(st) = state(app)
                && st.path.text() == typed
            {
                match completed {
                    Some(c) => st.path.set(&c),
                    None => st.error = Some(format!("没有以「{typed}」开头的文件夹或照片")),
                }
            }
        }
        Action::AttachRefused(why) => match state(app) {
            Some(st) => {
                st.running = false;
                st.error = Some(why);
            }
            // Photos chosen in the hazard form, attached after it was saved.
            None => say(app, MessageKind::Error, why),
        },
        _ => {}
    }
    vec![]
}

/// The photo screen that asked is closed once its photos are attached (the detail below shows
/// them).
pub fn attached(app: &mut App) {
    if state(app).is_some_and(|st| st.running) {
        app.stack.pop();
    }
}

/// Whether `a` ends the attach the status line shows.
pub fn ends_busy(app: &App, a: &Action) -> bool {
    app.busy
        .as_ref()
        .is_some_and(|b| b.what.starts_with(BUSY_PREFIX))
        && matches!(a, Action::FindingUpdated { .. } | Action::AttachRefused(_))
}

/// Photos chosen in the hazard form being saved, to attach to the hazard just recorded.
pub fn form_photos(app: &mut App) -> Vec<std::path::PathBuf> {
    match app.stack.last_mut() {
        Some(Screen::Form(f)) => std::mem::take(&mut f.photos),
        _ => vec![],
    }
}

/// The effect attaching `paths` as 整改前 to hazard `f` (none when there are no paths).
pub fn after_save(f: &Finding, paths: Vec<std::path::PathBuf>) -> Vec<Effect> {
    if paths.is_empty() {
        return vec![];
    }
    vec![Effect::AttachPhotos {
        id: f.id,
        paths,
        stage: PhotoStage::Before,
    }]
}

/// 「2 拍错隐患」: the photo's number and the reason for taking it off (both required).
pub fn removal(typed: &str) -> Option<(usize, String)> {
    let typed = typed.trim();
    let digits: String = typed.chars().take_while(char::is_ascii_digit).collect();
    let n: usize = digits.parse().ok()?;
    let reason = typed[digits.len()..]
        .trim_start_matches([' ', '，', ',', '、', '：', ':'])
        .trim();
    (n > 0 && !reason.is_empty()).then(|| (n, reason.to_string()))
}

/// The prompt that takes a photo off hazard `f`.
pub fn open_removal(app: &mut App, f: &Finding) -> Vec<Effect> {
    if f.photos.is_empty() {
        say(app, MessageKind::Info, "该隐患没有照片");
        return vec![];
    }
    app.overlay = Some(crate::tui::app::Overlay::Prompt(crate::tui::app::Prompt {
        kind: crate::tui::app::PromptKind::RemovePhoto(f.id),
        title: format!("移除照片（共 {} 张，处理记录保留）", f.photos.len()),
        label: "照片序号和原因（必填，如：2 拍错隐患）".into(),
        input: crate::tui::widgets::text_input::TextInput::default(),
        error: None,
        overwrite: None,
        signer: None,
    }));
    vec![]
}

#[cfg(test)]
mod tests {
    #[test]
    fn removal_needs_a_number_and_a_reason() {
        use super::removal;
        assert_eq!(removal("2 拍错隐患"), Some((2, "拍错隐患".into())));
        assert_eq!(removal("3，照片模糊"), Some((3, "照片模糊".into())));
        assert_eq!(removal("拍错隐患"), None);
        assert_eq!(removal("2"), None);
        assert_eq!(removal("0 多余"), None);
    }
}
