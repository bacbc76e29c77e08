//! `xuncha export` — arrives with its own issue.

use super::{Cli, CmdResult, Failure};

pub fn run(_cli: &Cli, _args: &super::args::ExportArgs) -> CmdResult {
    Err(Failure::usage("xuncha export 尚未实现"))
}
