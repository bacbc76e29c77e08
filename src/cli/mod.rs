//! The command line: one small file per subcommand, all over the same `ops` as the TUI.

mod args;
mod checklist;
mod chem;
pub mod clap_zh;
mod device;
mod doctor;
mod equipment;
mod export;
mod facility;
mod finding;
pub mod flags;
mod inspection;
mod notice;
mod org;
mod output;
mod patrol;
mod photo;
mod photo_gc;
mod plan;
mod recover;
mod report;
mod search;
mod session;
mod sync;

pub use args::{Cli, Command};
pub use session::Session;

use crate::catalog::Catalog;
use crate::config::{self, Config};
use crate::ops::{self, Ctx, OpsError};
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
    /// A refused input is named by its flag here (`整改时限（--due）：…`); ops names it by meaning.
    fn from(e: OpsError) -> Failure {
        let code = if e.is_user_error() { 2 } else { 1 };
        let message = match &e {
            OpsError::Invalid { field, message } => {
                flags::named(field, flags::flag(field).as_deref(), message)
            }
            // Ops says the inspection must be joined; here that is the --join flag.
            OpsError::NotOwner { .. } => format!("{e}（命令行加 --join）"),
            _ => e.to_string(),
        };
        Failure { code, message }
    }
}

pub type CmdResult = Result<(), Failure>;

pub fn data_dir(cli: &Cli) -> PathBuf {
    cli.data_dir
        .clone()
        .unwrap_or_else(config::default_data_dir)
}

/// Opens the context through the one start-up path (`ops::open`); warnings go to stderr. Its
/// close seals the search index file when the command changed nothing ([`Session`]).
pub fn context(cli: &Cli) -> Result<Session, Failure> {
    warned(ops::open(&data_dir(cli))?)
}

/// As [`context`], for a command that reads each view at most once and exits
/// (`ops::open_one_pass`: a small page cache, so it stays within 80 MB at 100,000 hazards).
pub fn context_one_pass(cli: &Cli) -> Result<Session, Failure> {
    warned(ops::open_one_pass(&data_dir(cli))?)
}

/// As [`context`], for `xuncha sync` (`ops::open_import`: a smaller page cache).
pub fn context_import(cli: &Cli) -> Result<Session, Failure> {
    warned(ops::open_import(&data_dir(cli))?)
}

fn warned(opened: ops::Opened) -> Result<Session, Failure> {
    for w in &opened.warnings {
        eprintln!("警告：{w}");
    }
    Ok(Session::new(opened.ctx))
}

/// The checklists for `checklist list|show`, which open no store for writing: built in, the
/// user's folder (every problem in a user file reported on stderr with its file and line, the
/// file not loaded), and the versions an existing store records for lines without a file here.
/// An existing store is opened as every command opens it, so its close seals the search
/// index file ([`Session`]); when that open fails (a config it cannot read), the store alone.
pub fn load_catalog(cli: &Cli) -> Catalog {
    let config_dir = config::config_dir();
    let (mut catalog, problems) = Catalog::load(Some(&config_dir.join("checklists")));
    for p in problems {
        eprintln!("警告：{}", crate::catalog::skipped_message(&p));
    }
    let dir = data_dir(cli);
    if !dir.join("db").exists() {
        return catalog;
    }
    // Start-up's own warnings are not this command's to print: it never printed them.
    match ops::open_one_pass(&dir) {
        // The same files loaded, the same recorded versions adopted.
        Ok(opened) => {
            let session = Session::new(opened.ctx);
            let catalog = session.catalog.clone();
            // Nothing was written: the close seals a current index file.
            drop(session);
            catalog
        }
        Err(_) => {
            catalog.adopt_recorded(ops::recorded_checklists(&dir));
            catalog
        }
    }
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
        // Checked again, with the flag named, when the inspection is started.
        ctx.author = ops::clean(first);
    }
}

pub fn run(cli: &Cli) -> CmdResult {
    let Some(cmd) = &cli.command else {
        return Err(Failure::usage("run the TUI through main"));
    };
    // Two heaps, before the store starts its threads (`ops::lean_heap`): what sled's threads
    // and the import's planners free is reused by the others. At 100,000 hazards: `sync`
    // importing 106,824 events 81–89 → 59–61 MB (≈ 5 % more CPU), `report` and `finding add`
    // 3–5 MB less. The ledger export asks for one heap itself.
    ops::lean_heap(2);
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
        Command::Device(a) => device::run(cli, a),
        Command::Notice(a) => notice::run(cli, a),
        Command::Org(a) => match &a.cmd {
            Some(c) => org::run(cli, c),
            None => notice::org(cli, a),
        },
        Command::Chem(c) => chem::run(cli, c),
        Command::Equipment(c) => equipment::run(cli, c),
        Command::Facility(c) => facility::run(cli, c),
        Command::Patrol(c) => patrol::run(cli, c),
        Command::Plan(c) => plan::run(cli, c),
    }
}
