//! The terminal UI (being written).
use crate::cli::{Cli, CmdResult, Failure};
pub fn main(_cli: &Cli) -> CmdResult {
    Err(Failure::usage(
        "终端界面尚未完成；请使用子命令（xuncha --help）",
    ))
}
