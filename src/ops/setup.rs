//! The one start-up path both faces take: clock, config, checklists, store.

use super::{Ctx, OpsError, Result};
use crate::catalog::Catalog;
use crate::config::{self, Config};
use crate::store::{CacheUse, Store};
use std::path::{Path, PathBuf};

/// An open context and what start-up learned on the way.
pub struct Opened {
    pub ctx: Ctx,
    /// The user's config as read (a missing file reads as the default).
    pub config: Config,
    /// Where the config file, user checklists, keymap and themes live.
    pub config_dir: PathBuf,
    /// Problems worth telling the user that did not stop start-up (a bad user checklist), in
    /// Chinese, one per line.
    pub warnings: Vec<String>,
}

/// Opens `data_dir` with the platform config dir (`XUNCHA_CONFIG_DIR` overrides it).
///
/// # Errors
/// `Setup` when `XUNCHA_NOW` or the config file cannot be read (naming the file); `Store` when
/// the data dir cannot be opened (`Locked` while another xuncha holds it).
pub fn open(data_dir: &Path) -> Result<Opened> {
    open_at(data_dir, &config::config_dir())
}

/// As [`open`], for a command that reads each view at most once and exits (`finding list`,
/// `report`, `device`, `doctor`): sled keeps 2 MB of pages instead of 32 MB, so such a command
/// stays within 80 MB resident at 100,000 hazards (issue 14). Reading the same views again
/// (the TUI's register) would be slower with it.
///
/// # Errors
/// As [`open`].
pub fn open_one_pass(data_dir: &Path) -> Result<Opened> {
    open_with(data_dir, &config::config_dir(), CacheUse::OnePass)
}

/// As [`open`], for `xuncha sync`: sled keeps 8 MB of pages (`CacheUse::Import`), as an
/// import reads each event it wrote back about once; at 100,000 events 32 MB held 116–126 MB
/// resident, 8 MB 80–95 MB, in the same time.
///
/// # Errors
/// As [`open`].
pub fn open_import(data_dir: &Path) -> Result<Opened> {
    open_with(data_dir, &config::config_dir(), CacheUse::Import)
}

/// As [`open`], for the TUI: sled keeps 2 MB of pages (`CacheUse::Held`), as the TUI holds
/// what it reads whole (the register's rows, read once per change of the log; the search
/// index) rather than reading the same pages again.
///
/// # Errors
/// As [`open`].
pub fn open_tui(data_dir: &Path) -> Result<Opened> {
    open_tui_at(data_dir, &config::config_dir())
}

/// As [`open_tui`], with the config dir given.
///
/// # Errors
/// As [`open`].
pub fn open_tui_at(data_dir: &Path, config_dir: &Path) -> Result<Opened> {
    open_with(data_dir, config_dir, CacheUse::Held)
}

/// As [`open`], with the config dir given.
///
/// # Errors
/// As [`open`].
pub fn open_at(data_dir: &Path, config_dir: &Path) -> Result<Opened> {
    open_with(data_dir, config_dir, CacheUse::Warm)
}

fn open_with(data_dir: &Path, config_dir: &Path, cache: CacheUse) -> Result<Opened> {
    let now = config::now().map_err(OpsError::Setup)?;
    let cfg = Config::load(config_dir).map_err(OpsError::Setup)?;
    let (catalog, problems) = Catalog::load(Some(&config_dir.join("checklists")));
    let mut warnings: Vec<String> = problems
        .iter()
        .map(crate::catalog::skipped_message)
        .collect();
    let store = Store::open_with(data_dir, cache)?;
    warnings.extend(store.open_warnings().iter().cloned());
    let author = checked_settings(&cfg, config_dir)?;
    let mut ctx = Ctx::new(store, catalog, now, author);
    ctx.org = cfg.org.clone();
    if let Some(n) = cfg.review_days.filter(|n| *n >= 0) {
        ctx.review_days = n;
    }
    if let Some(mb) = cfg.photo_max_mb.filter(|mb| *mb > 0) {
        ctx.photo_max_bytes = mb.saturating_mul(1024 * 1024);
    }
    let (rules, rules_error) = super::load_rules(config_dir);
    ctx.rules = rules;
    if let Some(e) = rules_error {
        warnings.push(format!("{e}；使用内置频次规则"));
    }
    // Named first, before anything is written: the dates people read come from this clock.
    if let Some(w) = super::clock_warning(&ctx)? {
        warnings.insert(0, w);
    }
    // Written before this device's next own event, and only if a name changed.
    let author = ctx.author.clone();
    super::describe_self(&mut ctx.store, &author);
    ctx.adopt_recorded_checklists()?;
    Ok(Opened {
        ctx,
        config: cfg,
        config_dir: config_dir.to_path_buf(),
        warnings,
    })
}

/// The checklist versions recorded in the store in `data_dir` (oldest first), for listing
/// checklists without a whole context: none when the store does not exist yet or cannot be
/// opened (listing checklists needs no data).
pub fn recorded_checklists(data_dir: &Path) -> Vec<crate::domain::Checklist> {
    if !data_dir.join("db").exists() {
        return Vec::new();
    }
    Store::open(data_dir)
        .and_then(|s| s.checklist_versions())
        .map(|v| v.into_iter().map(|(_, c)| c).collect())
        .unwrap_or_default()
}

/// The inspector name to sign with and the organisation profile, as read from the config file
/// (or `XUNCHA_USER`), checked like typed input: text from outside is hostile. Returns the
/// cleaned name.
///
/// # Errors
/// `Setup` naming the config file and the field that is too long.
pub(super) fn checked_settings(cfg: &Config, config_dir: &Path) -> Result<String> {
    let file = Config::path(config_dir);
    let bad = |e: OpsError| {
        OpsError::Setup(format!(
            "配置文件 {}（或环境变量 XUNCHA_USER）：{e}；请改短后再试",
            file.display()
        ))
    };
    for (id, _) in crate::domain::Org::FIELDS {
        super::org_field(id, cfg.org.get(id).unwrap_or_default()).map_err(bad)?;
    }
    super::inspector_name(&cfg.author()).map_err(bad)
}
