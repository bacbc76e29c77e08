//! `xuncha search` — arrives with its own issue.

use super::{Cli, CmdResult, Failure};

pub fn run(_cli: &Cli, _args: &super::args::SearchArgs) -> CmdResult {
    Err(Failure::usage("xuncha search 尚未实现"))
}
