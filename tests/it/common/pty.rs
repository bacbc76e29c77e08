//! The real binary in a pseudo-terminal: its screen as text and its keyboard.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_xuncha");
const NOW: &str = super::NOW;

/// What the program wrote to the terminal so far.
pub struct Screen {
    pub out: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.out.lock().unwrap()).into_owned()
    }
    /// The output without escape sequences: ratatui moves the cursor after each wide glyph, so
    /// only the stripped text has Chinese words in one piece.
    pub fn plain(&self) -> String {
        let raw = self.text();
        let mut out = String::new();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    // CSI: parameters, then one final byte in @..~
                    for d in chars.by_ref() {
                        if ('@'..='~').contains(&d) {
                            break;
                        }
                    }
                } else {
                    chars.next();
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Waits until the program has written `needle` after what was already seen.
    pub fn wait_for(&self, needle: &str, seen: &mut usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let all = self.plain();
            // A glyph cut in half at the end of a read decodes differently later: then
            // search everything again rather than slice inside a char.
            let fresh = all.get(*seen..).unwrap_or(&all).to_string();
            if let Some(i) = fresh.find(needle) {
                *seen += fresh[..i].len() + needle.len();
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for「{needle}」; screen output so far:\n{}",
                self.plain()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The binary in a fresh pseudo-terminal over `data`: the child, its screen, its keyboard and
/// the terminal's master side (dropping it hangs the terminal up).
pub type Spawned = (
    Box<dyn portable_pty::Child + Send + Sync>,
    Screen,
    Box<dyn Write + Send>,
    Box<dyn portable_pty::MasterPty + Send>,
);

pub fn spawn(data: &Path, config: &Path) -> Spawned {
    spawn_with(data, config, &[])
}

/// As [`spawn`], with more environment variables (`TERM`, `XUNCHA_OPENER`...).
pub fn spawn_with(data: &Path, config: &Path, env: &[(&str, &str)]) -> Spawned {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(BIN);
    cmd.env("XUNCHA_DATA_DIR", data);
    cmd.env("XUNCHA_CONFIG_DIR", config);
    cmd.env("XUNCHA_NOW", NOW);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    // The terminal the tests run in must not leak in: a kitty or iTerm2 variable would make
    // the app ask this pty (which answers nothing) about pictures.
    for k in [
        "KITTY_WINDOW_ID",
        "TERM_PROGRAM",
        "LC_TERMINAL",
        "TMUX",
        "STY",
        "WEZTERM_EXECUTABLE",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let keys = pty.master.take_writer().unwrap();
    let screen = Screen {
        out: Arc::new(Mutex::new(Vec::new())),
    };
    let sink = screen.out.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    (child, screen, keys, pty.master)
}
