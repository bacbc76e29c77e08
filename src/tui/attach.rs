//! The photo screen's state (issue 18): a typed path (Tab completes it) over a picker of one
//! folder, newest first, several photos marked with Space. It attaches to a recorded hazard
//! (from its detail) or hands the chosen files back to the hazard form, which attaches them as
//! 整改前 once the hazard is saved.

use super::widgets::text_input::TextInput;
use crate::domain::PhotoStage;
use crate::ops::PhotoFolder;
use std::path::PathBuf;
use uuid::Uuid;

/// Whom the chosen photos go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachTarget {
    /// A recorded hazard: attached at once through `ops::attach_photos_with`. `title` is its
    /// 隐患编号 and description, for the screen's head.
    Finding { id: Uuid, title: String },
    /// The hazard form below this screen: the paths go back to it and are attached as 整改前
    /// when it is saved.
    Form,
}

/// Which part takes the keys: the path field (text) or the folder's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachFocus {
    Path,
    List,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttachState {
    pub target: AttachTarget,
    pub stage: PhotoStage,
    pub path: TextInput,
    pub focus: AttachFocus,
    /// The folder listed (None while it is read, or when none could be).
    pub folder: Option<PhotoFolder>,
    /// Index into `folder.entries`.
    pub selected: usize,
    /// Files marked with Space, in marking order (kept across folders).
    pub marked: Vec<PathBuf>,
    /// Why the last folder, path or attach was refused (shown in the screen, in Chinese).
    pub error: Option<String>,
    /// An attach is running on the worker (Esc stops it).
    pub running: bool,
}

impl AttachState {
    pub fn new(target: AttachTarget, stage: PhotoStage) -> AttachState {
        AttachState {
            target,
            stage,
            path: TextInput::default(),
            focus: AttachFocus::List,
            folder: None,
            selected: 0,
            marked: Vec::new(),
            error: None,
            running: false,
        }
    }

    /// The entry under the cursor.
    pub fn current(&self) -> Option<&crate::ops::FolderEntry> {
        self.folder.as_ref()?.entries.get(self.selected)
    }

    /// Whether `path` is marked.
    pub fn is_marked(&self, path: &std::path::Path) -> bool {
        self.marked.iter().any(|m| m == path)
    }

    /// Marks or unmarks the file under the cursor (folders are not marked).
    pub fn toggle_mark(&mut self) {
        let Some(e) = self.current().filter(|e| !e.is_dir) else {
            return;
        };
        let path = e.path.clone();
        match self.marked.iter().position(|m| *m == path) {
            Some(i) => {
                self.marked.remove(i);
            }
            None => self.marked.push(path),
        }
    }

    /// The files an attach takes: the marked ones, else the file under the cursor.
    pub fn chosen(&self) -> Vec<PathBuf> {
        if !self.marked.is_empty() {
            return self.marked.clone();
        }
        self.current()
            .filter(|e| !e.is_dir)
            .map(|e| vec![e.path.clone()])
            .unwrap_or_default()
    }
}
