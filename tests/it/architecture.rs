//! The layers written in README.md hold: every `crate::<module>` a source file names must be
//! allowed by its module's line there, and no face reaches for the store through `raw_store`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Layers = BTreeMap<String, BTreeSet<String>>;
type Files = Vec<(PathBuf, String)>;

/// module → the modules it may name, from README.md's layers list.
fn layers(readme: &str) -> BTreeMap<String, BTreeSet<String>> {
    let begin = readme
        .find("<!-- layers:begin -->")
        .expect("layers list in README.md");
    let end = readme
        .find("<!-- layers:end -->")
        .expect("end of the layers list");
    readme[begin..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|l| {
            let (module, allowed) = l.split_once('→').expect("a line `- module → a, b`");
            let allowed = allowed
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            (module.trim().to_string(), allowed)
        })
        .collect()
}

/// The top-level modules a line of code names through `crate::`, including `use crate::{a, b}`.
fn named(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for part in inner.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// The module a source file belongs to (`src/tui/app.rs` → `tui`, `src/config.rs` → `config`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .to_string();
    let m = first.trim_end_matches(".rs").to_string();
    (m != "main" && m != "lib").then_some(m)
}

/// Every wrong arrow in `files` (path, text) against `layers`, as `file:line: a → b`.
fn violations(
    src: &Path,
    files: &[(PathBuf, String)],
    layers: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files {
        let Some(module) = module_of(src, path) else {
            continue;
        };
        let Some(allowed) = layers.get(&module) else {
            out.push(format!(
                "{}: module {module} is not in README.md's layers",
                path.display()
            ));
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            for target in named(line) {
                if target != module && layers.contains_key(&target) && !allowed.contains(&target) {
                    out.push(format!("{}:{}: {module} → {target}", path.display(), n + 1));
                }
            }
            if module != "ops" && line.contains("raw_store") && !line.trim_start().starts_with("//")
            {
                out.push(format!(
                    "{}:{}: {module} reaches the store (raw_store)",
                    path.display(),
                    n + 1
                ));
            }
        }
    }
    out
}

fn sources(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            out.push((p, text));
        }
    }
}

fn repo() -> (PathBuf, Layers, Files) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let src = root.join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    (src, layers(&readme), files)
}

#[test]
fn every_module_names_only_the_layers_readme_allows() {
    let (src, layers, files) = repo();
    assert!(
        layers.contains_key("ops") && layers.contains_key("tui"),
        "{layers:?}"
    );
    let bad = violations(&src, &files, &layers);
    assert!(
        bad.is_empty(),
        "arrows against README.md's layers:\n{}",
        bad.join("\n")
    );
}

#[test]
fn a_planted_wrong_arrow_is_caught() {
    let (src, layers, mut files) = repo();
    for (path, plant) in [
        ("tui/planted.rs", "use crate::store::Store;"),
        ("cli/planted.rs", "use crate::{ops, sync};"),
        ("report/planted.rs", "fn f(c: &crate::ops::Ctx) {}"),
        ("tui/planted2.rs", "let s = ctx.raw_store();"),
        ("tui/planted3.rs", "use crate::cli::Cli;"),
    ] {
        files.push((src.join(path), plant.to_string()));
        let bad = violations(&src, &files, &layers);
        assert_eq!(bad.len(), 1, "{plant} in {path}: {bad:?}");
        files.pop();
    }
}
