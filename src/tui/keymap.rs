//! Keys → commands, from `keymap.toml` (built in) plus the user's `<config>/keymap.toml`.
//! Each binding has a description; the help overlay is generated from them.

use super::action::{Action, Command};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

pub const BUILTIN: &str = include_str!("keymap.toml");

/// Where the keyboard focus is; picks the tables a key is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Home,
    Checklist,
    Register,
    Detail,
    Chooser,
    Help,
    Search,
    Confirm,
    FirstRun,
    NewInspection,
    Form,
    Prompt,
    /// The sync screen's preview and result.
    Sync,
    /// The sync screen's folder field.
    SyncFolder,
    /// The figures of an inspection being (or just) finished.
    Summary,
    /// The 危险化学品 / 特种设备 registers.
    Registers,
    /// A form of the 台账 screen.
    EntryForm,
    /// The inspection browser.
    Inspections,
    /// The facility browser (hazard counts per facility).
    FacilityList,
    /// The facility registry.
    Facilities,
    /// A patrol under way.
    Patrol,
    /// The devices screen (the organisation's roster).
    Devices,
    /// The photo screen's path field (typing; Tab completes).
    AttachPath,
    /// The photo screen's folder list.
    AttachList,
}

impl Context {
    /// The tables searched, most specific first.
    fn tables(self) -> &'static [&'static str] {
        match self {
            Context::Home => &["home", "nav", "global"],
            Context::Checklist => &["checklist", "nav", "global"],
            Context::Register => &["register", "nav", "global"],
            Context::Detail => &["detail", "nav", "global"],
            Context::Chooser => &["nav", "global"],
            Context::Help => &["help", "global"],
            Context::Search => &["search", "text", "global"],
            Context::Confirm => &["confirm", "global"],
            Context::FirstRun => &["first_run", "text", "global"],
            Context::NewInspection => &["new_inspection", "text", "global"],
            Context::Form => &["form", "text", "global"],
            Context::Prompt => &["prompt", "text", "global"],
            Context::Sync => &["sync", "nav", "global"],
            Context::SyncFolder => &["sync_folder", "text", "global"],
            Context::Summary => &["summary", "global"],
            Context::Registers => &["registers", "nav", "global"],
            Context::EntryForm => &["entry_form", "text", "global"],
            Context::Inspections => &["inspections", "nav", "global"],
            Context::FacilityList => &["facility_list", "nav", "global"],
            Context::Facilities => &["facilities", "nav", "global"],
            Context::Patrol => &["patrol", "nav", "global"],
            Context::Devices => &["devices", "nav", "global"],
            Context::AttachPath => &["attach_path", "text", "global"],
            Context::AttachList => &["attach_list", "nav", "global"],
        }
    }

    /// Text contexts: unbound printable keys type text.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Context::FirstRun
                | Context::NewInspection
                | Context::Form
                | Context::EntryForm
                | Context::Prompt
                | Context::SyncFolder
                | Context::Search
                | Context::AttachPath
        )
    }
}

const TEXT_TABLES: [&str; 9] = [
    "text",
    "attach_path",
    "first_run",
    "new_inspection",
    "form",
    "entry_form",
    "prompt",
    "sync_folder",
    "search",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut rest = s;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            f if f.starts_with('f') && f.len() > 1 && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            _ => return Err(format!("无法识别的按键「{s}」")),
        };
        Ok(Key { code, ctrl, alt })
    }

    pub fn from_event(e: &KeyEvent) -> Key {
        Key {
            code: e.code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// A key that would type a character into a text field.
    pub fn is_printable(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.ctrl && !self.alt
    }

    /// How help shows the key.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "空格".into(),
            KeyCode::Char(c) => c.to_string(),
            _ => "?".into(),
        };
        let mut s = String::new();
        if self.ctrl {
            s.push_str("Ctrl-");
        }
        if self.alt {
            s.push_str("Alt-");
        }
        s + &base
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BindingSpec {
    keys: Vec<String>,
    action: Command,
    #[serde(default)]
    desc: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub command: Command,
    pub desc: String,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    tables: BTreeMap<String, Vec<Binding>>,
}

fn parse_file(file: &str, text: &str) -> Result<BTreeMap<String, Vec<Binding>>, String> {
    let raw: BTreeMap<String, Vec<BindingSpec>> =
        toml::from_str(text).map_err(|e| format!("按键文件 {file}：{e}"))?;
    let mut out = BTreeMap::new();
    for (table, specs) in raw {
        if !KNOWN_TABLES.contains(&table.as_str()) {
            return Err(format!(
                "按键文件 {file}：未知的表「{table}」，可选：{}",
                KNOWN_TABLES.join("|")
            ));
        }
        let mut list = Vec::new();
        for s in specs {
            let keys = s
                .keys
                .iter()
                .map(|k| Key::parse(k).map_err(|e| format!("按键文件 {file}：[{table}] {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            if TEXT_TABLES.contains(&table.as_str())
                && let Some(k) = keys.iter().find(|k| k.is_printable())
            {
                return Err(format!(
                    "按键文件 {file}：[{table}] 是输入框，不能绑定可打字的键「{}」，请用 Ctrl 组合键",
                    k.label()
                ));
            }
            list.push(Binding {
                keys,
                command: s.action,
                desc: s.desc,
            });
        }
        out.insert(table, list);
    }
    Ok(out)
}

const KNOWN_TABLES: [&str; 26] = [
    "global",
    "nav",
    "home",
    "checklist",
    "register",
    "detail",
    "help",
    "search",
    "confirm",
    "text",
    "first_run",
    "new_inspection",
    "form",
    "prompt",
    "sync",
    "sync_folder",
    "summary",
    "registers",
    "entry_form",
    "inspections",
    "facility_list",
    "facilities",
    "patrol",
    "devices",
    "attach_list",
    "attach_path",
];

impl Keymap {
    pub fn builtin() -> Keymap {
        Keymap {
            tables: parse_file("keymap.toml（内置）", BUILTIN)
                .expect("the built-in keymap is valid"),
        }
    }

    /// The built-in keymap with the user's file over it; a bad file is a warning, not a stop.
    pub fn load(config_dir: &Path) -> (Keymap, Vec<String>) {
        let mut km = Keymap::builtin();
        let path = config_dir.join("keymap.toml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return (km, vec![]);
        };
        match parse_file(&path.display().to_string(), &text) {
            Ok(user) => {
                km.merge(user);
                (km, vec![])
            }
            Err(e) => (km, vec![e]),
        }
    }

    fn merge(&mut self, user: BTreeMap<String, Vec<Binding>>) {
        for (table, bindings) in user {
            let list = self.tables.entry(table).or_default();
            for b in bindings {
                for old in list.iter_mut() {
                    old.keys.retain(|k| !b.keys.contains(k));
                }
                list.retain(|o| !o.keys.is_empty());
                list.push(b);
            }
        }
    }

    pub fn command(&self, ctx: Context, key: Key) -> Option<Command> {
        ctx.tables().iter().find_map(|t| {
            self.tables
                .get(*t)?
                .iter()
                .find(|b| b.keys.contains(&key))
                .map(|b| b.command)
        })
    }

    /// The action for a key press in this context, if any.
    pub fn resolve(&self, ctx: Context, ev: &KeyEvent) -> Option<Action> {
        if ev.kind != KeyEventKind::Press {
            return None;
        }
        let key = Key::from_event(ev);
        if let Some(c) = self.command(ctx, key) {
            return Some(Action::Cmd(c));
        }
        match key.code {
            KeyCode::Char(c) if ctx.is_text() && key.is_printable() => Some(Action::Char(c)),
            // A numbered list (the conflict chooser): the option's number picks it.
            KeyCode::Char(c @ '1'..='9') if ctx == Context::Chooser && key.is_printable() => {
                Some(Action::Char(c))
            }
            _ => None,
        }
    }

    /// The action for a key press where `app` stands: as [`Keymap::resolve`], and the help key
    /// says how many entries the help of this screen lists (so its cursor stops at the last).
    pub fn action(&self, app: &super::app::App, ev: &KeyEvent) -> Option<Action> {
        match self.resolve(app.context(), ev)? {
            Action::Cmd(Command::Help) => Some(Action::OpenHelp {
                entries: self.describe(app.screen_context()).len(),
            }),
            a => Some(a),
        }
    }

    /// (keys, description) for every binding reachable in this context, for the help overlay.
    pub fn describe(&self, ctx: Context) -> Vec<(String, String)> {
        let mut seen: Vec<Key> = Vec::new();
        let mut out = Vec::new();
        for t in ctx.tables() {
            for b in self.tables.get(*t).into_iter().flatten() {
                let keys: Vec<&Key> = b.keys.iter().filter(|k| !seen.contains(k)).collect();
                if keys.is_empty() {
                    continue;
                }
                seen.extend(keys.iter().copied());
                let label: Vec<String> = keys.iter().map(|k| k.label()).collect();
                out.push((label.join(" "), b.desc.clone()));
            }
        }
        out
    }

    /// The first key bound to a command here, for hints in the status line.
    pub fn key_for(&self, ctx: Context, cmd: Command) -> Option<String> {
        ctx.tables().iter().find_map(|t| {
            self.tables
                .get(*t)?
                .iter()
                .find(|b| b.command == cmd)
                .and_then(|b| b.keys.first())
                .map(|k| k.label())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    /// The command or typed char a key resolves to, for comparing.
    fn r(km: &Keymap, ctx: Context, ev: &KeyEvent) -> Option<Result<Command, char>> {
        match km.resolve(ctx, ev)? {
            Action::Cmd(c) => Some(Ok(c)),
            Action::Char(c) => Some(Err(c)),
            _ => None,
        }
    }

    #[test]
    fn resolves_by_context_and_types_text_in_fields() {
        let km = Keymap::builtin();
        let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(r(&km, Context::Register, &j), Some(Ok(Command::Down)));
        assert_eq!(r(&km, Context::Form, &j), Some(Err('j')));
        let f = press(KeyCode::Char('f'), KeyModifiers::NONE);
        assert_eq!(r(&km, Context::Checklist, &f), Some(Ok(Command::Fail)));
        let big_g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(r(&km, Context::Home, &big_g), Some(Ok(Command::Bottom)));
        let cc = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for ctx in [Context::Form, Context::Checklist, Context::Help] {
            assert_eq!(r(&km, ctx, &cc), Some(Ok(Command::Quit)));
        }
        let han = press(KeyCode::Char('消'), KeyModifiers::NONE);
        assert_eq!(r(&km, Context::Prompt, &han), Some(Err('消')));
        assert!(km.resolve(Context::Register, &han).is_none());
    }

    #[test]
    fn user_file_rebinds_and_rejects_letters_in_text_tables() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("keymap.toml");
        std::fs::write(
            &f,
            "[[checklist]]\nkeys = [\"p\"]\naction = \"fail\"\ndesc = \"x\"\n",
        )
        .unwrap();
        let (km, w) = Keymap::load(dir.path());
        assert!(w.is_empty(), "{w:?}");
        let p = press(KeyCode::Char('p'), KeyModifiers::NONE);
        assert_eq!(r(&km, Context::Checklist, &p), Some(Ok(Command::Fail)));
        let y = press(KeyCode::Char('y'), KeyModifiers::NONE);
        assert_eq!(r(&km, Context::Checklist, &y), Some(Ok(Command::Pass)));
        std::fs::write(&f, "[[form]]\nkeys = [\"s\"]\naction = \"submit\"\n").unwrap();
        let (km, w) = Keymap::load(dir.path());
        assert!(w[0].contains("[form]") && w[0].contains("Ctrl"), "{w:?}");
        assert_eq!(
            r(
                &km,
                Context::Form,
                &press(KeyCode::Char('s'), KeyModifiers::NONE)
            ),
            Some(Err('s'))
        );
    }

    #[test]
    fn help_lists_each_key_once_with_its_description() {
        let km = Keymap::builtin();
        let d = km.describe(Context::Checklist);
        assert!(d.iter().any(|(k, v)| k == "f x" && v.contains("不合格")));
        assert!(d.iter().any(|(k, _)| k == "Ctrl-c"));
        // "n" is bound by nav? no: only by checklist, and shown once.
        assert_eq!(
            d.iter()
                .filter(|(k, _)| k.split(' ').any(|x| x == "n"))
                .count(),
            1
        );
    }
}
