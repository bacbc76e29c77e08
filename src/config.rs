//! Paths, the clock and the user's config file (inspector name, theme, sync folder).

use crate::domain::{Now, Org};
use chrono::{DateTime, Local};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("cn", "xuncha", "xuncha")
}

/// `--data-dir`, else `XUNCHA_DATA_DIR` (clap reads it), else the platform data dir.
pub fn default_data_dir() -> PathBuf {
    project_dirs()
        .map(|p| p.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".xuncha"))
}

pub fn config_dir() -> PathBuf {
    if let Ok(d) = std::env::var("XUNCHA_CONFIG_DIR") {
        return PathBuf::from(d);
    }
    project_dirs()
        .map(|p| p.config_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".xuncha-config"))
}

/// `XUNCHA_NOW` (RFC 3339) pins the clock for tests and demos.
pub fn now() -> Result<Now, String> {
    match std::env::var("XUNCHA_NOW") {
        Ok(s) if !s.trim().is_empty() => {
            DateTime::parse_from_rfc3339(s.trim())
                .map(Now)
                .map_err(|e| {
                    format!(
                        "XUNCHA_NOW「{s}」不是 RFC 3339 时间（如 2026-11-22T09:00:00+08:00）：{e}"
                    )
                })
        }
        _ => Ok(Now(Local::now().fixed_offset())),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// The inspector's name, asked on first run; signs every event this user makes.
    pub inspector: String,
    pub theme: Option<String>,
    pub sync_dir: Option<PathBuf>,
    pub export_dir: Option<PathBuf>,
    /// The organisation profile printed on the forms (`[org]` in config.toml).
    pub org: Org,
    /// N of the office's queue 待复查超过N天 (days a rectified finding may wait for 复查);
    /// default 7.
    pub review_days: Option<i64>,
    /// Cap on one photo file as attached, in MB (default 20; issue 18).
    pub photo_max_mb: Option<u64>,
    /// The folder the TUI's photo picker showed last (a camera card, the phone import
    /// folder); it opens there next time (issue 18).
    pub photo_dir: Option<PathBuf>,
    /// Photos drawn in the terminal: "auto" (where the terminal says it can; the default),
    /// "off", or a protocol forced: "kitty", "iterm2", "sixel", "halfblocks" (issue 18; see
    /// docs/photos.md).
    pub images: Option<String>,
}

impl Config {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join("config.toml")
    }

    /// Reads the config; a missing file is the default, a broken one is an error naming it.
    pub fn load(dir: &Path) -> Result<Config, String> {
        let path = Config::path(dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}：{e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(format!("{}：{e}", path.display())),
        }
    }

    pub fn save(&self, dir: &Path) -> Result<(), String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}：{e}", dir.display()))?;
        let path = Config::path(dir);
        let text = toml::to_string_pretty(self).map_err(|e| e.to_string())?;
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, &path))
            .map_err(|e| format!("{}：{e}", path.display()))
    }

    /// The name this user chose: the configured inspector, else `XUNCHA_USER`.
    pub fn chosen_author(&self) -> Option<String> {
        if !self.inspector.trim().is_empty() {
            return Some(self.inspector.trim().to_string());
        }
        std::env::var("XUNCHA_USER")
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// Who signs events: the chosen name, else the login name.
    pub fn author(&self) -> String {
        if let Some(name) = self.chosen_author() {
            return name;
        }
        for var in ["USER", "USERNAME"] {
            if let Ok(v) = std::env::var(var)
                && !v.trim().is_empty()
            {
                return v.trim().to_string();
            }
        }
        "未署名".to_string()
    }
}
