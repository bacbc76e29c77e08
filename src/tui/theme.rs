//! Colour themes: semantic roles read from `themes/*.toml` (built in), optionally overridden by
//! a file of the same name in the user's config dir (`themes/<name>.toml`).

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

/// What a style means; screens ask for a role, never for a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Base,
    Muted,
    Title,
    Border,
    BorderFocus,
    Selection,
    Header,
    Pass,
    Fail,
    Na,
    Major,
    Overdue,
    Warning,
    Error,
    Ok,
    Key,
    Input,
    Conflict,
    StatusBar,
    /// 风险等级 重大 (red), 较大 (orange), 一般 (yellow), 低 (blue); the grade is always shown in
    /// words too, so the mono theme loses nothing.
    RiskMajor,
    RiskLarge,
    RiskGeneral,
    RiskLow,
}

impl Role {
    pub const ALL: [Role; 23] = [
        Role::Base,
        Role::Muted,
        Role::Title,
        Role::Border,
        Role::BorderFocus,
        Role::Selection,
        Role::Header,
        Role::Pass,
        Role::Fail,
        Role::Na,
        Role::Major,
        Role::Overdue,
        Role::Warning,
        Role::Error,
        Role::Ok,
        Role::Key,
        Role::Input,
        Role::Conflict,
        Role::StatusBar,
        Role::RiskMajor,
        Role::RiskLarge,
        Role::RiskGeneral,
        Role::RiskLow,
    ];
}

pub const BUILTIN: [(&str, &str); 4] = [
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    reversed: bool,
    #[serde(default)]
    underlined: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    #[allow(dead_code)]
    name: String,
    styles: BTreeMap<Role, StyleSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: BTreeMap<Role, Style>,
}

fn color(v: &Option<String>, role: Role) -> Result<Option<Color>, String> {
    v.as_ref()
        .map(|c| Color::from_str(c).map_err(|_| format!("{role:?} 的颜色「{c}」无法识别")))
        .transpose()
}

fn parse(file: &str, text: &str) -> Result<BTreeMap<Role, Style>, String> {
    let t: ThemeFile = toml::from_str(text).map_err(|e| format!("主题文件 {file}：{e}"))?;
    let mut out = BTreeMap::new();
    for (role, s) in t.styles {
        let mut st = Style::default();
        if let Some(c) = color(&s.fg, role).map_err(|e| format!("主题文件 {file}：{e}"))? {
            st = st.fg(c);
        }
        if let Some(c) = color(&s.bg, role).map_err(|e| format!("主题文件 {file}：{e}"))? {
            st = st.bg(c);
        }
        for (on, m) in [
            (s.bold, Modifier::BOLD),
            (s.dim, Modifier::DIM),
            (s.reversed, Modifier::REVERSED),
            (s.underlined, Modifier::UNDERLINED),
        ] {
            if on {
                st = st.add_modifier(m);
            }
        }
        out.insert(role, st);
    }
    Ok(out)
}

impl Theme {
    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Option<Theme> {
        let (n, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        let styles = parse(&format!("themes/{n}.toml"), text).ok()?;
        Some(Theme {
            name: n.to_string(),
            styles,
        })
    }

    /// The theme to use: `NO_COLOR` forces mono; else `--theme`, else the config, else default.
    /// A user file `<config>/themes/<name>.toml` overrides the roles it names (or defines a new
    /// theme on top of default). Problems are returned as warnings with the default kept.
    pub fn choose(
        cli: Option<&str>,
        config: Option<&str>,
        no_color: bool,
        config_dir: &Path,
    ) -> (Theme, Vec<String>) {
        let mut warnings = Vec::new();
        let name = if no_color {
            "mono"
        } else {
            cli.or(config).unwrap_or("default")
        };
        let user = config_dir.join("themes").join(format!("{name}.toml"));
        let mut theme = Theme::builtin(name).unwrap_or_else(|| {
            if !user.exists() {
                let known: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                warnings.push(format!(
                    "未知主题「{name}」，已使用 default；可选：{}",
                    known.join("|")
                ));
            }
            Theme::builtin("default").expect("the default theme is valid")
        });
        if !no_color && let Ok(text) = std::fs::read_to_string(&user) {
            match parse(&user.display().to_string(), &text) {
                Ok(over) => {
                    theme.name = name.to_string();
                    theme.styles.extend(over);
                }
                Err(e) => warnings.push(e),
            }
        }
        (theme, warnings)
    }

    pub fn get(&self, role: Role) -> Style {
        self.styles.get(&role).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_parses_and_defines_every_role() {
        for (name, text) in BUILTIN {
            let styles = parse(name, text).unwrap_or_else(|e| panic!("{e}"));
            for r in Role::ALL {
                assert!(styles.contains_key(&r), "{name} lacks {r:?}");
            }
        }
    }

    #[test]
    fn no_color_gives_mono_and_unknown_names_warn() {
        let dir = tempfile::tempdir().unwrap();
        let (t, w) = Theme::choose(Some("light"), None, true, dir.path());
        assert_eq!(t.name, "mono");
        assert!(w.is_empty());
        assert_eq!(t.get(Role::Overdue).fg, None);
        let (t, w) = Theme::choose(Some("purple"), None, false, dir.path());
        assert_eq!(t.name, "default");
        assert!(w[0].contains("purple"));
    }

    #[test]
    fn a_user_file_overrides_roles_and_bad_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("themes")).unwrap();
        let f = dir.path().join("themes/default.toml");
        std::fs::write(&f, "[styles]\noverdue = { fg = \"#ff00ff\" }\n").unwrap();
        let (t, w) = Theme::choose(None, None, false, dir.path());
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(t.get(Role::Overdue).fg, Some(Color::Rgb(255, 0, 255)));
        std::fs::write(&f, "[styles]\noverdue = { fg = \"nocolour\" }\n").unwrap();
        let (t, w) = Theme::choose(None, None, false, dir.path());
        assert!(w[0].contains("default.toml") && w[0].contains("nocolour"));
        assert_eq!(t.get(Role::Overdue).bg, Some(Color::Red));
    }
}
