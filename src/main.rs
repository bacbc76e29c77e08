use clap::Parser as _;
use xuncha::cli::{self, Cli};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match cli::clap_zh::message(&e) {
            Some(msg) => {
                eprintln!("错误：{msg}");
                std::process::exit(2);
            }
            None => e.exit(),
        },
    };
    let result = if cli.command.is_none() {
        xuncha::tui::main(&cli::data_dir(&cli), cli.theme.as_deref()).map_err(|f| cli::Failure {
            code: f.code,
            message: f.message,
        })
    } else {
        restore_sigpipe();
        cli::run(&cli)
    };
    if let Err(f) = result {
        eprintln!("错误：{}", xuncha::domain::sanitize::escape(&f.message));
        std::process::exit(f.code);
    }
}

/// Rust ignores SIGPIPE, so `xuncha finding list | head` would panic on the closed pipe; a
/// command-line tool should just stop quietly, as other Unix tools do.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once at start-up, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
