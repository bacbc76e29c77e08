//! Ops names a refused input by meaning; the CLI adds its flag and the TUI highlights its form
//! field (issue 11, point 1). This test reads every string literal under src/ops and fails on a
//! command-line flag (`--due`, `（--note）`) in one, unless the literal spells out a whole
//! `xuncha …` command for the user to run.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ops is readable") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals of one line of code (comments skipped), roughly: the text between
/// pairs of unescaped double quotes.
fn literals(line: &str) -> Vec<String> {
    let code = line.trim_start();
    if code.starts_with("//") {
        return vec![];
    }
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    let mut escaped = false;
    for c in code.chars() {
        match (&mut current, c) {
            (Some(s), _) if escaped => {
                s.push(c);
                escaped = false;
            }
            (Some(_), '\\') => escaped = true,
            (Some(_), '"') => found.push(current.take().unwrap_or_default()),
            (Some(s), _) => s.push(c),
            (None, '"') => current = Some(String::new()),
            (None, _) => {}
        }
    }
    found
}

/// Whether `text` names a flag: two hyphens followed by a letter, or by a `{}` that a
/// format fills with one (`"{}（--{}）"`).
fn names_a_flag(text: &str) -> bool {
    text.match_indices("--").any(|(i, _)| {
        text[i + 2..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '{')
    })
}

#[test]
fn no_ops_message_names_a_command_line_flag() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ops");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 20, "src/ops has its files: {}", files.len());
    let mut offenders = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            for lit in literals(line) {
                if names_a_flag(&lit) && !lit.contains("xuncha ") {
                    offenders.push(format!("{}:{}: {lit}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "ops messages name CLI flags (name the field by meaning, the CLI adds its flag in \
         cli::flags):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_scan_sees_a_flag_in_a_literal_and_not_in_a_comment() {
    assert!(names_a_flag(
        &literals(r#"limited("备注（--note）", note)"#)[0]
    ));
    assert!(literals(r#"// "备注（--note）""#).is_empty());
    assert!(!names_a_flag(&literals(r#"limited("备注", note)"#)[0]));
    assert!(names_a_flag(&literals(r#"format!("{}（--{}）", a, b)"#)[0]));
}
