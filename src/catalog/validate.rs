//! Checklist validation: every problem, each with its file and 1-based line.
//!
//! The TOML is parsed with `toml::de::DeTable`, which keeps the byte span of
//! every key and value; nothing here parses TOML by hand.

use super::model::{Checklist, Item, Problem, Section};
use crate::domain::Severity;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::DeTable;
use unicode_normalization::UnicodeNormalization;

const TOP_KEYS: &[&str] = &["line", "name", "order", "core", "description", "sections"];
const TOP_REQUIRED: &[&str] = &["line", "name", "order", "sections"];
const SECTION_KEYS: &[&str] = &["id", "name", "items"];
const ITEM_KEYS: &[&str] = &[
    "id", "check", "how", "basis", "severity", "keywords", "hazard", "measures",
];
const ITEM_REQUIRED: &[&str] = &[
    "id", "check", "how", "basis", "severity", "hazard", "measures",
];
/// Text keys that may not be empty (whitespace-only counts as empty).
const NON_EMPTY: &[&str] = &["id", "name", "line", "check", "hazard", "measures"];

/// Trim and normalise to NFC.
pub(crate) fn norm(s: &str) -> String {
    s.trim().nfc().collect()
}

/// Maps byte offsets to 1-based line numbers.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }
    fn of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// The result of checking one file: the checklist (if clean), its problems,
/// and every item id with its line (also when the file has other problems),
/// so that duplicates across files can be found.
pub(crate) struct Checked {
    pub checklist: Option<Checklist>,
    pub problems: Vec<Problem>,
    pub ids: Vec<(String, usize)>,
}

struct Ctx<'a> {
    file: &'a str,
    lines: Lines,
    problems: Vec<Problem>,
}

impl Ctx<'_> {
    fn at(&mut self, span: Range<usize>, message: impl Into<String>) {
        let line = self.lines.of(span.start);
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            message: message.into(),
        });
    }

    fn line(&self, span: &Range<usize>) -> usize {
        self.lines.of(span.start)
    }

    /// Reports unknown and missing keys of one table.
    fn keys(
        &mut self,
        table: &DeTable<'_>,
        table_span: Range<usize>,
        allowed: &[&str],
        required: &[&str],
        what: &str,
    ) {
        for (k, _) in table.iter() {
            if !allowed.contains(&k.get_ref().as_ref()) {
                self.at(
                    k.span(),
                    format!(
                        "{what}中有未知的键 {}（允许的键：{}）",
                        k.get_ref(),
                        allowed.join(", ")
                    ),
                );
            }
        }
        for r in required {
            if table.get(*r).is_none() {
                self.at(table_span.clone(), format!("{what}缺少必填的键 {r}"));
            }
        }
    }

    /// A string value: normalised, with type and emptiness checked.
    fn string(&mut self, table: &DeTable<'_>, key: &str, what: &str) -> Option<(String, usize)> {
        let v = table.get(key)?;
        match v.get_ref().as_str() {
            Some(s) => {
                let s = norm(s);
                if s.is_empty() && NON_EMPTY.contains(&key) {
                    self.at(v.span(), format!("{what}的 {key} 不能为空"));
                }
                Some((s, self.line(&v.span())))
            }
            None => {
                self.at(
                    v.span(),
                    format!("{what}的 {key} 应为字符串，实为 {}", v.get_ref().type_str()),
                );
                None
            }
        }
    }

    fn tables<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        key: &str,
        what: &str,
    ) -> Vec<(&'t DeTable<'i>, Range<usize>)> {
        let Some(v) = table.get(key) else {
            return Vec::new();
        };
        let Some(arr) = v.get_ref().as_array() else {
            self.at(
                v.span(),
                format!(
                    "{what}的 {key} 应为表数组（[[{key}]]），实为 {}",
                    v.get_ref().type_str()
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for el in arr.iter() {
            match el.get_ref().as_table() {
                Some(t) => out.push((t, el.span())),
                None => self.at(
                    el.span(),
                    format!(
                        "{what}的 {key} 的元素应为表，实为 {}",
                        el.get_ref().type_str()
                    ),
                ),
            }
        }
        out
    }
}

fn stem_of(file: &str) -> Option<String> {
    let p = Path::new(file);
    if p.extension().and_then(|e| e.to_str()) != Some("toml") {
        return None;
    }
    p.file_stem()
        .and_then(|s| s.to_str())
        .map(|s| s.to_string())
}

/// Checks one file's text; the core of [`validate_str`].
pub(crate) fn check(file: &str, text: &str) -> Checked {
    let mut cx = Ctx {
        file,
        lines: Lines::new(text),
        problems: Vec::new(),
    };
    let mut ids: Vec<(String, usize)> = Vec::new();

    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().to_string();
            cx.at(span, format!("TOML 语法错误：{msg}"));
        }
        cx.problems.sort_by_key(|p| p.line);
        return Checked {
            checklist: None,
            problems: cx.problems,
            ids,
        };
    }
    let top = doc.get_ref();
    let top_span = 0..0;
    cx.keys(top, top_span, TOP_KEYS, TOP_REQUIRED, "清单");

    let line_id = cx.string(top, "line", "清单").map(|(s, _)| s);
    if let (Some(id), Some(stem)) = (&line_id, stem_of(file))
        && *id != stem
    {
        let span = top.get("line").map(|v| v.span()).unwrap_or(0..0);
        cx.at(
            span,
            format!("清单的 line「{id}」与文件名「{stem}.toml」不一致，应为 {stem}"),
        );
    }
    if let Some(id) = &line_id
        && !id.is_empty()
        && !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        let span = top.get("line").map(|v| v.span()).unwrap_or(0..0);
        cx.at(
            span,
            format!("清单的 line「{id}」只能用 ASCII 字母、数字、_ 和 -"),
        );
    }
    let name = cx.string(top, "name", "清单").map(|(s, _)| s);
    let description = cx
        .string(top, "description", "清单")
        .map(|(s, _)| s)
        .unwrap_or_default();
    let order = match top.get("order") {
        None => None,
        Some(v) => match v
            .get_ref()
            .as_integer()
            .and_then(|i| i.as_str().parse::<u32>().ok().filter(|_| i.radix() == 10))
        {
            Some(n) => Some(n),
            None => {
                cx.at(v.span(), "清单的 order 应为非负整数");
                None
            }
        },
    };
    let core = match top.get("core") {
        None => Some(false),
        Some(v) => match v.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                cx.at(
                    v.span(),
                    format!(
                        "清单的 core 应为 true 或 false，实为 {}",
                        v.get_ref().type_str()
                    ),
                );
                None
            }
        },
    };

    let prefix = line_id.as_ref().map(|l| format!("{l}."));
    let mut sections = Vec::new();
    let mut section_ids: HashMap<String, usize> = HashMap::new();
    let mut item_ids: HashMap<String, usize> = HashMap::new();
    for (st, st_span) in cx.tables(top, "sections", "清单") {
        cx.keys(st, st_span.clone(), SECTION_KEYS, SECTION_KEYS, "分组");
        let sid = cx.string(st, "id", "分组");
        let sname = cx.string(st, "name", "分组").map(|(s, _)| s);
        if let Some((sid, l)) = &sid
            && !sid.is_empty()
        {
            if let Some(first) = section_ids.get(sid) {
                let span = st.get("id").map(|v| v.span()).unwrap_or(st_span.clone());
                cx.at(span, format!("分组 {sid} 重复（首次出现在第 {first} 行）"));
            } else {
                section_ids.insert(sid.clone(), *l);
            }
        }
        let what_section = sid
            .as_ref()
            .map(|(s, _)| format!("分组 {s} "))
            .unwrap_or_else(|| "分组".to_string());
        let mut items = Vec::new();
        for (it, it_span) in cx.tables(st, "items", &what_section) {
            let iid = cx.string(it, "id", "检查项");
            let what = iid
                .as_ref()
                .filter(|(s, _)| !s.is_empty())
                .map(|(s, _)| format!("检查项 {s} "))
                .unwrap_or_else(|| "检查项".to_string());
            cx.keys(it, it_span.clone(), ITEM_KEYS, ITEM_REQUIRED, &what);
            if let Some((id, l)) = &iid
                && !id.is_empty()
            {
                ids.push((id.clone(), *l));
                let span = it.get("id").map(|v| v.span()).unwrap_or(it_span.clone());
                if let Some(first) = item_ids.get(id) {
                    cx.at(
                        span.clone(),
                        format!("检查项 {id} 重复（首次出现在第 {first} 行）"),
                    );
                } else {
                    item_ids.insert(id.clone(), *l);
                }
                if let Some(p) = &prefix
                    && (!id.starts_with(p.as_str()) || id.len() == p.len())
                {
                    cx.at(span.clone(), format!("检查项 id「{id}」应以「{p}」开头"));
                }
                if !id.is_ascii() || id.chars().any(char::is_whitespace) {
                    cx.at(
                        span,
                        format!("检查项 id「{id}」只能用 ASCII 字符，且不含空格"),
                    );
                }
            }
            let check = cx.string(it, "check", &what).map(|(s, _)| s);
            let how = cx.string(it, "how", &what).map(|(s, _)| s);
            let basis = cx.string(it, "basis", &what).map(|(s, _)| s);
            let hazard = cx.string(it, "hazard", &what).map(|(s, _)| s);
            let measures = cx.string(it, "measures", &what).map(|(s, _)| s);
            let severity = match cx.string(it, "severity", &what) {
                Some((s, _)) => match s.parse::<Severity>() {
                    Ok(sev) => Some(sev),
                    Err(_) => {
                        let span = it.get("severity").map(|v| v.span()).unwrap_or(0..0);
                        cx.at(
                            span,
                            format!("{what}的 severity「{s}」无效（允许：general|major）"),
                        );
                        None
                    }
                },
                None => None,
            };
            let keywords = keywords(&mut cx, it, &what);
            if let (
                Some((id, _)),
                Some(check),
                Some(how),
                Some(basis),
                Some(severity),
                Some(keywords),
                Some(hazard),
                Some(measures),
                Some(line),
                Some(section),
            ) = (
                iid, check, how, basis, severity, keywords, hazard, measures, &line_id, &sname,
            ) {
                items.push(Item {
                    id,
                    line: line.clone(),
                    section: section.clone(),
                    check,
                    how,
                    basis,
                    severity,
                    keywords,
                    hazard,
                    measures,
                });
            }
        }
        if let (Some((id, _)), Some(name)) = (sid, sname) {
            sections.push(Section { id, name, items });
        }
    }

    cx.problems.sort_by_key(|p| p.line);
    let checklist = match (cx.problems.is_empty(), line_id, name, order, core) {
        (true, Some(line), Some(name), Some(order), Some(core)) => Some(Checklist {
            line,
            name,
            order,
            core,
            description,
            sections,
            source: String::new(),
        }),
        _ => None,
    };
    Checked {
        checklist,
        problems: cx.problems,
        ids,
    }
}

fn keywords(cx: &mut Ctx<'_>, it: &DeTable<'_>, what: &str) -> Option<Vec<String>> {
    let Some(v) = it.get("keywords") else {
        return Some(Vec::new());
    };
    let Some(arr) = v.get_ref().as_array() else {
        cx.at(
            v.span(),
            format!(
                "{what}的 keywords 应为字符串数组，实为 {}",
                v.get_ref().type_str()
            ),
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for el in arr.iter() {
        match el.get_ref().as_str().map(norm) {
            Some(s) if !s.is_empty() => out.push(s),
            Some(_) => {
                cx.at(el.span(), format!("{what}的 keywords 中有空字符串"));
                ok = false;
            }
            None => {
                cx.at(
                    el.span(),
                    format!(
                        "{what}的 keywords 只能是字符串，实为 {}",
                        el.get_ref().type_str()
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Validates one checklist file's text. `file` names it in problems; when it
/// ends in `.toml`, its stem must equal the `line` id.
pub fn validate_str(file: &str, text: &str) -> Result<Checklist, Vec<Problem>> {
    let c = check(file, text);
    match c.checklist {
        Some(cl) if c.problems.is_empty() => Ok(cl),
        _ => Err(c.problems),
    }
}

/// Reports duplicate item ids across files: each `(file, ids)` in turn; the
/// second occurrence is reported, naming the first.
pub(crate) fn cross_duplicates(files: &[(String, Vec<(String, usize)>)]) -> Vec<Problem> {
    let mut first: HashMap<&str, (&str, usize)> = HashMap::new();
    let mut out = Vec::new();
    for (file, ids) in files {
        let mut own: HashMap<&str, usize> = HashMap::new();
        for (id, line) in ids {
            if own.insert(id, *line).is_some() {
                continue; // already reported inside the file
            }
            match first.get(id.as_str()) {
                Some((f, l)) => out.push(Problem {
                    file: file.clone(),
                    line: *line,
                    message: format!("检查项 {id} 与其他文件重复（首次出现在 {f} 第 {l} 行）"),
                }),
                None => {
                    first.insert(id, (file, *line));
                }
            }
        }
    }
    out
}

/// Validates files: each one's problems, unreadable files, and duplicate
/// item ids across the given files.
pub fn validate_files(paths: &[PathBuf]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut all_ids = Vec::new();
    for p in paths {
        let file = p.display().to_string();
        match std::fs::read_to_string(p) {
            Ok(text) => {
                let c = check(&file, &text);
                problems.extend(c.problems);
                all_ids.push((file, c.ids));
            }
            Err(e) => problems.push(Problem {
                file,
                line: 1,
                message: format!("无法读取文件：{e}"),
            }),
        }
    }
    problems.extend(cross_duplicates(&all_ids));
    problems
}
