//! `xuncha sync` — arrives with its own issue.

use super::{Cli, CmdResult, Failure};

pub fn run(_cli: &Cli, _args: &super::args::SyncArgs) -> CmdResult {
    Err(Failure::usage("xuncha sync 尚未实现"))
}
