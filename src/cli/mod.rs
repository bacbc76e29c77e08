//! The command line: one small file per subcommand, all over the same `ops` as the TUI.

mod args;
mod checklist;
pub mod clap_zh;
mod device;
mod doctor;
mod export;
mod finding;
mod inspection;
mod notice;
mod output;
mod recover;
mod report;
mod search;
mod sync;

pub use args::{Cli, Command};

use crate::catalog::Catalog;
use crate::config::{self, Config};
use crate::ops::{Ctx, OpsError};
use crate::store::Store;
use std::path::PathBuf;

/// A failed command: the message for stderr and the exit status.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<OpsError> for Failure {
    fn from(e: OpsError) -> Failure {
        Failure {
            code: if e.is_user_error() { 2 } else { 1 },
            message: e.to_string(),
        }
    }
}

impl From<crate::store::StoreError> for Failure {
    fn from(e: crate::store::StoreError) -> Failure {
        OpsError::from(e).into()
    }
}

pub type CmdResult = Result<(), Failure>;

pub fn data_dir(cli: &Cli) -> PathBuf {
    cli.data_dir
        .clone()
        .unwrap_or_else(config::default_data_dir)
}

/// Opens the store and loads the checklists (built in, plus the user's own folder).
pub fn context(cli: &Cli) -> Result<Ctx, Failure> {
    let now = config::now().map_err(Failure::usage)?;
    let cfg = Config::load(&config::config_dir()).map_err(Failure::usage)?;
    let user_lists = config::config_dir().join("checklists");
    let (catalog, problems) = Catalog::load(Some(&user_lists));
    for p in problems {
        eprintln!("警告：自定义检查表有误，已跳过：{p}");
    }
    let store = Store::open(&data_dir(cli))?;
    Ok(Ctx {
        store,
        catalog,
        now,
        author: cfg.author(),
        org: cfg.org,
    })
}

/// With no inspector name configured, the CLI signs as the inspection's first inspector rather
/// than as the login account: the ledger must say which inspector acted.
pub fn sign_as_inspector(ctx: &mut Ctx, inspectors: &[String]) {
    let chosen = Config::load(&config::config_dir())
        .ok()
        .and_then(|c| c.chosen_author());
    if chosen.is_none()
        && let Some(first) = inspectors.first()
    {
        ctx.author = first.clone();
    }
}

pub fn run(cli: &Cli) -> CmdResult {
    let Some(cmd) = &cli.command else {
        return Err(Failure::usage("run the TUI through main"));
    };
    match cmd {
        Command::Checklist(c) => checklist::run(cli, c),
        Command::Inspection(c) => inspection::run(cli, c),
        Command::Finding(c) => finding::run(cli, c),
        Command::Search(c) => search::run(cli, c),
        Command::Sync(c) => sync::run(cli, c),
        Command::Export(c) => export::run(cli, c),
        Command::Report(c) => report::run(cli, c),
        Command::Doctor(c) => doctor::run(cli, c),
        Command::Demo(c) => doctor::demo(cli, c),
        Command::Device => device::run(cli),
        Command::Notice(a) => notice::run(cli, a),
        Command::Org(a) => notice::org(cli, a),
    }
}
