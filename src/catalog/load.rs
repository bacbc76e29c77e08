//! The catalog: builtin checklists plus the user's folder, with an id index.

use super::model::{Checklist, Item, Problem};
use super::validate::{check, cross_duplicates};
use std::collections::HashMap;
use std::path::Path;

/// The embedded checklist files, `(file name, text)`.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    (
        "epidemic.toml",
        include_str!("../../data/checklists/epidemic.toml"),
    ),
    (
        "hazchem.toml",
        include_str!("../../data/checklists/hazchem.toml"),
    ),
    (
        "energy.toml",
        include_str!("../../data/checklists/energy.toml"),
    ),
    ("fire.toml", include_str!("../../data/checklists/fire.toml")),
    (
        "construction.toml",
        include_str!("../../data/checklists/construction.toml"),
    ),
    (
        "contractor.toml",
        include_str!("../../data/checklists/contractor.toml"),
    ),
    (
        "key_site.toml",
        include_str!("../../data/checklists/key_site.toml"),
    ),
    (
        "special_equipment.toml",
        include_str!("../../data/checklists/special_equipment.toml"),
    ),
    (
        "hazwaste.toml",
        include_str!("../../data/checklists/hazwaste.toml"),
    ),
    (
        "medical_waste.toml",
        include_str!("../../data/checklists/medical_waste.toml"),
    ),
    (
        "narcotics.toml",
        include_str!("../../data/checklists/narcotics.toml"),
    ),
    (
        "biosafety.toml",
        include_str!("../../data/checklists/biosafety.toml"),
    ),
    (
        "radiation.toml",
        include_str!("../../data/checklists/radiation.toml"),
    ),
    (
        "utility_site.toml",
        include_str!("../../data/checklists/utility_site.toml"),
    ),
];

/// The source label of the embedded checklists.
pub const BUILTIN_SOURCE: &str = "内置";

/// The source label of a checklist known only from the log: an inspection synced from another
/// device used it, and this device has no file for it.
pub const RECORDED_SOURCE: &str = "检查记录（本机无此检查表文件）";

/// All checklists, sorted by `(order, line)`, with an item index.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub lines: Vec<Checklist>,
    /// item id → (line index, section index, item index)
    index: HashMap<String, (usize, usize, usize)>,
    /// line id → content hash of the loaded version (`Checklist::content_hash`)
    hashes: HashMap<String, String>,
}

impl Catalog {
    /// Builds a catalog from checklists: sorts them, indexes the items and hashes each line.
    pub fn from_lines(mut lines: Vec<Checklist>) -> Catalog {
        lines.sort_by(|a, b| (a.order, &a.line).cmp(&(b.order, &b.line)));
        let mut index = HashMap::new();
        let mut hashes = HashMap::new();
        for (li, cl) in lines.iter().enumerate() {
            hashes.insert(cl.line.clone(), cl.content_hash());
            for (si, s) in cl.sections.iter().enumerate() {
                for (ii, it) in s.items.iter().enumerate() {
                    index.entry(it.id.clone()).or_insert((li, si, ii));
                }
            }
        }
        Catalog {
            lines,
            index,
            hashes,
        }
    }

    /// The content hash of the loaded version of a line.
    pub fn hash_of(&self, line: &str) -> Option<&str> {
        self.hashes.get(line).map(String::as_str)
    }

    /// Adds the checklist versions recorded in the log (oldest first) for lines this device has
    /// no file for, so their names and items show everywhere; a later version of such a line
    /// replaces an earlier one. Lines loaded from a file are never touched, and a version whose
    /// items are inconsistent or whose ids belong to another loaded line is left out.
    pub fn adopt_recorded(&mut self, versions: Vec<Checklist>) {
        let mut lines = std::mem::take(&mut self.lines);
        let mut changed = false;
        for mut v in versions {
            // Consistent items carry their own line's prefix, and line ids have no '.', so
            // they cannot clash with another line's ids.
            if !v.is_consistent() {
                continue;
            }
            match lines.iter().position(|l| l.line == v.line) {
                Some(i) if lines[i].source != RECORDED_SOURCE => continue,
                Some(i) => {
                    lines.remove(i);
                }
                None => {}
            }
            v.source = RECORDED_SOURCE.to_string();
            lines.push(v);
            changed = true;
        }
        if changed {
            *self = Catalog::from_lines(lines);
        } else {
            self.lines = lines;
        }
    }

    fn builtin_with_problems() -> (Vec<Checklist>, Vec<Problem>) {
        let mut lines = Vec::new();
        let mut problems = Vec::new();
        let mut ids = Vec::new();
        for (name, text) in BUILTIN_FILES {
            let file = format!("data/checklists/{name}");
            let c = check(&file, text);
            problems.extend(c.problems);
            ids.push((file, c.ids));
            if let Some(mut cl) = c.checklist {
                cl.source = BUILTIN_SOURCE.to_string();
                lines.push(cl);
            }
        }
        problems.extend(cross_duplicates(&ids));
        (lines, problems)
    }

    /// Problems in the embedded files (empty; a unit test proves it).
    pub fn builtin_problems() -> Vec<Problem> {
        Self::builtin_with_problems().1
    }

    /// The embedded checklists. A builtin file with problems is left out
    /// rather than panicking; the tests keep them clean.
    pub fn builtin() -> Catalog {
        Catalog::from_lines(Self::builtin_with_problems().0)
    }

    /// Builtin checklists plus every `*.toml` in `user_dir`. A user file with
    /// the same line id replaces the builtin one; a user file with problems
    /// (including item ids that clash with another line) is skipped and its
    /// problems are returned. A missing folder is not a problem.
    pub fn load(user_dir: Option<&Path>) -> (Catalog, Vec<Problem>) {
        let (builtin, mut problems) = Self::builtin_with_problems();
        let mut lines: Vec<Checklist> = builtin;
        let Some(dir) = user_dir else {
            return (Catalog::from_lines(lines), problems);
        };
        let mut paths = match std::fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("toml") && p.is_file())
                .collect::<Vec<_>>(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                problems.push(Problem {
                    file: dir.display().to_string(),
                    line: 1,
                    message: format!("无法读取清单目录：{e}"),
                });
                Vec::new()
            }
        };
        paths.sort();
        let mut user_lines: HashMap<String, String> = HashMap::new();
        for p in paths {
            let file = p.display().to_string();
            let text = match std::fs::read_to_string(&p) {
                Ok(t) => t,
                Err(e) => {
                    problems.push(Problem {
                        file,
                        line: 1,
                        message: format!("无法读取文件：{e}"),
                    });
                    continue;
                }
            };
            let c = check(&file, &text);
            if !c.problems.is_empty() {
                problems.extend(c.problems);
                continue;
            }
            let Some(mut cl) = c.checklist else { continue };
            if let Some(prev) = user_lines.get(&cl.line) {
                problems.push(Problem {
                    file,
                    line: 1,
                    message: format!("清单 {} 已由 {prev} 提供，本文件被跳过", cl.line),
                });
                continue;
            }
            // Item ids must stay unique against the other lines.
            let others: Vec<(String, Vec<(String, usize)>)> = lines
                .iter()
                .filter(|o| o.line != cl.line)
                .map(|o| {
                    let src = if o.source == BUILTIN_SOURCE {
                        format!("内置清单 {}", o.line)
                    } else {
                        o.source.clone()
                    };
                    (src, o.items().map(|i| (i.id.clone(), 0)).collect())
                })
                .chain(std::iter::once((file.clone(), c.ids.clone())))
                .collect();
            let dup: Vec<Problem> = cross_duplicates(&others)
                .into_iter()
                .filter(|p| p.file == file)
                .map(|mut p| {
                    p.message = p.message.replace(" 第 0 行", "");
                    p
                })
                .collect();
            if !dup.is_empty() {
                problems.extend(dup);
                continue;
            }
            cl.source = file.clone();
            user_lines.insert(cl.line.clone(), file);
            lines.retain(|o| o.line != cl.line);
            lines.push(cl);
        }
        (Catalog::from_lines(lines), problems)
    }

    /// The checklist of a line id.
    pub fn line(&self, id: &str) -> Option<&Checklist> {
        self.lines.iter().find(|c| c.line == id)
    }

    /// The Chinese name of a line, or the id itself if unknown.
    pub fn line_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.line(id).map(|c| c.name.as_str()).unwrap_or(id)
    }

    /// An item by its id, in O(1).
    pub fn item(&self, id: &str) -> Option<&Item> {
        let &(l, s, i) = self.index.get(id)?;
        Some(&self.lines[l].sections[s].items[i])
    }

    /// The items of the given lines, in catalog (checklist) order.
    pub fn items_of<'a>(&'a self, lines: &'a [String]) -> impl Iterator<Item = &'a Item> + 'a {
        self.lines
            .iter()
            .filter(move |c| lines.contains(&c.line))
            .flat_map(|c| c.items())
    }

    /// Every item of every line, in catalog order.
    pub fn all_items(&self) -> impl Iterator<Item = &Item> {
        self.lines.iter().flat_map(|c| c.items())
    }
}

/// How a problem in a user checklist file is reported on start (CLI stderr, TUI message line):
/// the file and line, what is wrong, and that the file was not loaded.
pub fn skipped_message(p: &Problem) -> String {
    format!(
        "自定义检查表 {} 第 {} 行有误，该文件未加载：{}",
        p.file, p.line, p.message
    )
}
