use clap::Parser;
use xuncha::cli::{self, Cli};

fn main() {
    let cli = Cli::parse();
    let result = if cli.command.is_none() {
        xuncha::tui::main(&cli)
    } else {
        cli::run(&cli)
    };
    if let Err(f) = result {
        eprintln!("错误：{}", f.message);
        std::process::exit(f.code);
    }
}
