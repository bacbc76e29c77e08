//! Photos drawn inside the terminal (issue 18). Terminals that can show pictures (kitty's
//! graphics, iTerm2's inline images, sixel) get the hazard's photo in its detail; every other
//! terminal keeps the numbered list and `o` for the system viewer.
//!
//! The choice is made once at start-up, from the environment first: a terminal that does not
//! claim support is never sent a graphics query or any graphics escape (`\x1b_G` and friends
//! would be printed as garbage by a plain terminal; tests/it/tui_photos_pty.rs checks this). Only
//! a terminal that claims support is then asked, with a short timeout, for its cell size and
//! capabilities. `images = "auto" | "off" | "kitty" | "iterm2" | "sixel" | "halfblocks"` in
//! config.toml turns this off or forces a protocol (for a terminal reached through tmux or ssh,
//! whose environment does not tell).
//!
//! The picture is the photo's small copy (480 px), decoded and encoded for the terminal on the
//! worker (`Effect::ShowPhoto`); the detail says 「加载照片…」 meanwhile and draws the ready
//! protocol, which costs nothing more than text at render time.

use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::Protocol;
use std::sync::Arc;
use std::time::Duration;

/// Rows the detail gives a photo (the caption line comes on top of these).
pub const IMAGE_ROWS: u16 = 10;
/// Columns a photo may take at most: a 4:3 photo in 10 rows takes about 27 (cells twice as
/// tall as wide), and the fields keep 50 columns beside it on an 80-column terminal.
pub const IMAGE_COLS: u16 = 28;
/// How long start-up waits for a terminal that claimed support to answer the query.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(300);

/// A graphics protocol the terminal speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Graphics {
    Kitty,
    Iterm2,
    Sixel,
    /// Coloured half blocks (▀): any colour terminal, coarse; only when asked for.
    Halfblocks,
}

impl Graphics {
    fn protocol(self) -> ProtocolType {
        match self {
            Graphics::Kitty => ProtocolType::Kitty,
            Graphics::Iterm2 => ProtocolType::Iterm2,
            Graphics::Sixel => ProtocolType::Sixel,
            Graphics::Halfblocks => ProtocolType::Halfblocks,
        }
    }
}

/// `images` in config.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageSetting {
    /// Inline where the environment says the terminal can, else the list (the default).
    Auto,
    /// Always the list.
    Off,
    /// This protocol, whatever the environment says.
    Force(Graphics),
}

impl ImageSetting {
    /// Reads the config value (absent: auto).
    ///
    /// # Errors
    /// A Chinese sentence naming the key and the values it takes.
    pub fn parse(value: Option<&str>) -> Result<ImageSetting, String> {
        Ok(
            match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
                None | Some("") | Some("auto") => ImageSetting::Auto,
                Some("off") | Some("none") => ImageSetting::Off,
                Some("kitty") => ImageSetting::Force(Graphics::Kitty),
                Some("iterm2") => ImageSetting::Force(Graphics::Iterm2),
                Some("sixel") => ImageSetting::Force(Graphics::Sixel),
                Some("halfblocks") => ImageSetting::Force(Graphics::Halfblocks),
                Some(_) => {
                    return Err(format!(
                        "config.toml 中 images = 「{}」无法识别：可写 auto、off、kitty、iterm2、sixel 或 halfblocks；照片按列表显示",
                        crate::domain::sanitize::escape(value.unwrap_or_default())
                    ));
                }
            },
        )
    }
}

/// What start-up does, decided before anything is written to the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The numbered list and the system viewer; why (for `--help`-level diagnostics and tests).
    List(&'static str),
    /// Ask the terminal (it claimed `expect`); with `forced`, use `expect` whatever it answers.
    Probe { expect: Graphics, forced: bool },
    /// Half blocks need no query.
    Halfblocks,
}

/// The environment decision table. `var` reads an environment variable; `tty` says whether
/// standard input and output are a terminal. Pure, so the table is a unit test.
pub fn plan(setting: ImageSetting, var: &dyn Fn(&str) -> Option<String>, tty: bool) -> Plan {
    if !tty {
        return Plan::List("不是终端");
    }
    match setting {
        ImageSetting::Off => Plan::List("config.toml 中 images = \"off\""),
        ImageSetting::Force(Graphics::Halfblocks) => Plan::Halfblocks,
        ImageSetting::Force(g) => Plan::Probe {
            expect: g,
            forced: true,
        },
        ImageSetting::Auto => match claimed(var) {
            Ok(g) => Plan::Probe {
                expect: g,
                forced: false,
            },
            Err(why) => Plan::List(why),
        },
    }
}

/// The protocol the environment says the terminal speaks, or why none is assumed.
fn claimed(var: &dyn Fn(&str) -> Option<String>) -> Result<Graphics, &'static str> {
    let get = |k: &str| var(k).filter(|v| !v.is_empty());
    let term = get("TERM").unwrap_or_default();
    let program = get("TERM_PROGRAM").unwrap_or_default();
    if term.is_empty() || term == "dumb" {
        return Err("TERM 未设置或为 dumb");
    }
    // A multiplexer passes graphics only when configured to; its TERM hides the outer one.
    if get("TMUX").is_some()
        || get("STY").is_some()
        || term.starts_with("tmux")
        || term.starts_with("screen")
    {
        return Err("在 tmux 或 screen 中（可用 images 设置强制）");
    }
    if get("KITTY_WINDOW_ID").is_some() || term == "xterm-kitty" {
        return Ok(Graphics::Kitty);
    }
    if program == "ghostty" || term == "xterm-ghostty" {
        return Ok(Graphics::Kitty);
    }
    // WezTerm speaks sixel and kitty too, but its iTerm2 images are the reliable ones.
    if program == "WezTerm"
        || program == "iTerm.app"
        || get("LC_TERMINAL").as_deref() == Some("iTerm2")
    {
        return Ok(Graphics::Iterm2);
    }
    if matches!(
        term.as_str(),
        "foot" | "foot-extra" | "mlterm" | "contour" | "yaft-256color"
    ) || term.contains("sixel")
    {
        return Ok(Graphics::Sixel);
    }
    Err("终端未声明支持图片（kitty、iTerm2、WezTerm、foot 等）")
}

/// Carries out `plan` on the real terminal (raw mode, alternate screen, before the loop reads
/// keys): None means the list.
pub fn picker(plan: &Plan) -> Option<Picker> {
    match plan {
        Plan::List(_) => None,
        Plan::Halfblocks => Some(Picker::halfblocks()),
        Plan::Probe { expect, forced } => {
            let options = ratatui_image::picker::cap_parser::QueryStdioOptions {
                timeout: PROBE_TIMEOUT,
                ..Default::default()
            };
            let mut p = Picker::from_query_stdio_with_options(options).ok()?;
            if *forced {
                p.set_protocol_type(expect.protocol());
            }
            // No answer, or an answer naming nothing better than half blocks: the list.
            (p.protocol_type() != ProtocolType::Halfblocks || *expect == Graphics::Halfblocks)
                .then_some(p)
        }
    }
}

/// Start-up on the real terminal: the config value, the environment, then (only where the
/// terminal claimed support) the query. Returns the picker (None: the list) and a warning for
/// a config value that is not understood.
pub fn start(value: Option<&str>) -> (Option<Picker>, Option<String>) {
    use std::io::IsTerminal;
    let (setting, warning) = match ImageSetting::parse(value) {
        Ok(s) => (s, None),
        Err(w) => (ImageSetting::Off, Some(w)),
    };
    let tty = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    let plan = plan(setting, &|k| std::env::var(k).ok(), tty);
    (picker(&plan), warning)
}

/// A photo encoded for the terminal, ready to draw. Shared, so state stays cheap to clone.
#[derive(Clone)]
pub struct PhotoImage(pub Arc<Protocol>);

impl std::fmt::Debug for PhotoImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0.size();
        write!(f, "PhotoImage({}x{} cells)", s.width, s.height)
    }
}

impl PartialEq for PhotoImage {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The photo the detail shows inline.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoView {
    /// Index into the hazard's photos.
    pub index: usize,
    /// The hash drawn (or asked for).
    pub hash: String,
    pub image: ViewImage,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ViewImage {
    /// Asked of the worker: 「加载照片…」.
    Loading,
    Ready(PhotoImage),
    /// Not here yet (照片未同步) or could not be decoded: why, in Chinese.
    Missing(String),
}

/// Encodes `img` for `picker` to fit `cols`×`rows` cells (kept in proportion).
///
/// # Errors
/// The encoder's reason, in Chinese.
pub fn encode(
    picker: &Picker,
    img: image::DynamicImage,
    cols: u16,
    rows: u16,
) -> Result<PhotoImage, String> {
    picker
        .new_protocol(
            img,
            ratatui::layout::Size::new(cols, rows),
            ratatui_image::Resize::Fit(None),
        )
        .map(|p| PhotoImage(Arc::new(p)))
        .map_err(|e| format!("无法在终端中显示照片：{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn auto(pairs: &'static [(&'static str, &'static str)]) -> Plan {
        plan(ImageSetting::Auto, &env(pairs), true)
    }

    fn probe(g: Graphics) -> Plan {
        Plan::Probe {
            expect: g,
            forced: false,
        }
    }

    #[test]
    fn the_environment_decides_before_any_query() {
        use Graphics::*;
        assert_eq!(auto(&[("TERM", "xterm-kitty")]), probe(Kitty));
        assert_eq!(
            auto(&[("TERM", "xterm-256color"), ("KITTY_WINDOW_ID", "3")]),
            probe(Kitty)
        );
        assert_eq!(
            auto(&[("TERM", "xterm-ghostty"), ("TERM_PROGRAM", "ghostty")]),
            probe(Kitty)
        );
        assert_eq!(
            auto(&[("TERM", "xterm-256color"), ("TERM_PROGRAM", "iTerm.app")]),
            probe(Iterm2)
        );
        assert_eq!(
            auto(&[("TERM", "xterm-256color"), ("TERM_PROGRAM", "WezTerm")]),
            probe(Iterm2)
        );
        assert_eq!(
            auto(&[("TERM", "xterm-256color"), ("LC_TERMINAL", "iTerm2")]),
            probe(Iterm2)
        );
        assert_eq!(auto(&[("TERM", "foot")]), probe(Sixel));
        assert_eq!(auto(&[("TERM", "mlterm")]), probe(Sixel));
        assert_eq!(auto(&[("TERM", "xterm-sixel")]), probe(Sixel));
        // Terminals that claim nothing get the list, and no query at all.
        for plain in [
            &[("TERM", "xterm-256color")][..],
            &[("TERM", "linux")],
            &[("TERM", "dumb"), ("KITTY_WINDOW_ID", "3")],
            &[],
            &[
                ("TERM", "xterm-256color"),
                ("TERM_PROGRAM", "Apple_Terminal"),
            ],
            &[("TERM", "xterm-256color"), ("TERM_PROGRAM", "vscode")],
            // Inside tmux or screen the outer terminal's variables do not say what passes.
            &[("TERM", "tmux-256color"), ("KITTY_WINDOW_ID", "3")],
            &[("TERM", "xterm-kitty"), ("TMUX", "/tmp/tmux-0/default,1,0")],
            &[("TERM", "screen-256color"), ("TERM_PROGRAM", "iTerm.app")],
        ] {
            let pairs: &'static [(&'static str, &'static str)] = plain;
            assert!(matches!(auto(pairs), Plan::List(_)), "{pairs:?}");
        }
    }

    #[test]
    fn the_config_turns_images_off_or_forces_a_protocol() {
        let kitty = env(&[("TERM", "xterm-kitty")]);
        let plain = env(&[("TERM", "xterm-256color")]);
        assert!(matches!(
            plan(ImageSetting::Off, &kitty, true),
            Plan::List(_)
        ));
        assert_eq!(
            plan(ImageSetting::Force(Graphics::Sixel), &plain, true),
            Plan::Probe {
                expect: Graphics::Sixel,
                forced: true
            }
        );
        assert_eq!(
            plan(ImageSetting::Force(Graphics::Halfblocks), &plain, true),
            Plan::Halfblocks
        );
        // Output that is not a terminal never gets images, forced or not.
        assert!(matches!(
            plan(ImageSetting::Force(Graphics::Kitty), &kitty, false),
            Plan::List(_)
        ));
        assert_eq!(ImageSetting::parse(None), Ok(ImageSetting::Auto));
        assert_eq!(ImageSetting::parse(Some(" OFF ")), Ok(ImageSetting::Off));
        assert_eq!(
            ImageSetting::parse(Some("sixel")),
            Ok(ImageSetting::Force(Graphics::Sixel))
        );
        let err = ImageSetting::parse(Some("jpeg\u{1b}[2J")).unwrap_err();
        assert!(err.contains("images") && err.contains("auto、off"), "{err}");
        assert!(!err.contains('\u{1b}'), "{err}");
    }
}
