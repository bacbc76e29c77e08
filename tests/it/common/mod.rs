//! Shared helpers for tests that drive the built binary.
#![allow(dead_code)]

pub mod own_line;
pub mod photos;
pub mod pty;
pub mod registers;
pub mod registry;
pub mod xlsx_rows;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const NOW: &str = "2026-11-22T09:00:00+08:00";

/// A temp data dir and config dir, and the clock, for one test.
pub struct Env {
    pub tmp: tempfile::TempDir,
    pub now: String,
}

impl Env {
    pub fn new() -> Env {
        Env {
            tmp: tempfile::tempdir().expect("temp dir"),
            now: NOW.to_string(),
        }
    }

    pub fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    pub fn config(&self) -> PathBuf {
        self.tmp.path().join("config")
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_xuncha"));
        c.args(args)
            .env("XUNCHA_DATA_DIR", self.data())
            .env("XUNCHA_CONFIG_DIR", self.config())
            .env("XUNCHA_NOW", &self.now)
            .env("XUNCHA_USER", "测试员")
            .env_remove("NO_COLOR");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run xuncha")
    }

    /// Runs and insists on success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "xuncha {args:?} failed ({:?}):\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.ok(&a)).expect("valid JSON")
    }

    /// Runs expecting exit status 2; returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "xuncha {args:?} should fail with 2:\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).expect("utf-8 stderr")
    }

    /// Total events in the store (the log is the truth: nothing written means this is unchanged).
    pub fn events(&self) -> u64 {
        self.json(&["device"])["events"].as_u64().expect("events")
    }

    /// Starts an inspection on the given lines and returns its id.
    pub fn start(&self, facility: &str, lines: &[&str]) -> String {
        let mut args = vec![
            "inspection",
            "start",
            "--facility",
            facility,
            "--department",
            "急诊科",
            "--mode",
            "supervision",
            "--inspector",
            "王建国",
            "--inspector",
            "李秀英",
        ];
        for l in lines {
            args.push("--line");
            args.push(l);
        }
        self.ok(&args).trim().to_string()
    }
}

/// `finding add --inspection INSP --line LINE --description TEXT`, then `extra` (`--due`,
/// `--place` …): the arguments most finding tests start from.
pub fn finding_add<'a>(
    insp: &'a str,
    line: &'a str,
    description: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let head = ["finding", "add", "--inspection", insp, "--line", line];
    args_then(
        &[&head[..], &["--description", description]].concat(),
        extra,
    )
}

/// A command's arguments: `head`, then `extra` (the flags a test adds).
pub fn args_then<'a>(head: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    [head, extra].concat()
}

impl Env {
    /// Records a finding on `line` of an inspection and returns its id.
    pub fn add_finding(&self, insp: &str, line: &str, description: &str) -> String {
        self.added(&finding_add(insp, line, description, &[]))
    }

    /// Runs a command that creates a record (`finding add ...`) with `--json` and returns the
    /// new record's id (the text output names it by its number, for people).
    pub fn added(&self, args: &[&str]) -> String {
        self.json(args)["id"]
            .as_str()
            .expect("the created record's id")
            .to_string()
    }

    /// Exports an HTML form (`args`: `--inspection ID` or `--finding ID [--level L]`) and
    /// returns its text as a reader sees it: the markup parsed away, each element's text on
    /// its own line, entities decoded.
    pub fn form_text(&self, args: &[&str]) -> String {
        let out = self.tmp.path().join("form.html");
        let mut all = vec!["export", "--format", "html", "--out", out.to_str().unwrap()];
        all.extend_from_slice(args);
        self.ok(&all);
        html_text(&std::fs::read_to_string(&out).unwrap())
    }
}

/// The text of an HTML document: tags removed (each ends a line), the five XML entities
/// decoded; the content of `<style>` left out.
pub fn html_text(html: &str) -> String {
    let mut text = String::new();
    let mut tag = String::new();
    let mut in_tag = false;
    let mut in_style = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                tag.clear();
            }
            '>' if in_tag => {
                in_tag = false;
                let name = tag
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("");
                if name.eq_ignore_ascii_case("style") {
                    in_style = !tag.starts_with('/');
                }
                text.push('\n');
            }
            c if in_tag => tag.push(c),
            c if !in_style => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

/// Copies a folder and everything under it (a store put back from a copy, a cloned data dir).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("make folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}
