//! `xuncha checklist list|show|validate`.

use super::args::ChecklistCmd;
use super::output::{cell, print_json};
use super::{Cli, CmdResult, Failure};
use crate::catalog;
use crate::config;
use serde_json::json;

pub fn run(cli: &Cli, cmd: &ChecklistCmd) -> CmdResult {
    let user_dir = config::config_dir().join("checklists");
    match cmd {
        ChecklistCmd::List => {
            let cat = super::load_catalog(cli);
            if cli.json {
                let v: Vec<_> = cat
                    .lines
                    .iter()
                    .map(|l| {
                        json!({"line": l.line, "name": l.name, "core": l.core,
                            "sections": l.sections.len(),
                            "items": l.sections.iter().map(|s| s.items.len()).sum::<usize>(),
                            "source": l.source})
                    })
                    .collect();
                return print_json(&v);
            }
            for l in &cat.lines {
                let n: usize = l.sections.iter().map(|s| s.items.len()).sum();
                let kind = if l.core { "七道防线" } else { "扩展" };
                println!(
                    "{}{}{}  {:>3} 项  {}",
                    cell(&l.line, 18),
                    cell(&l.name, 16),
                    cell(kind, 10),
                    n,
                    l.source
                );
            }
            Ok(())
        }
        ChecklistCmd::Show { line } => {
            let cat = super::load_catalog(cli);
            let l = cat.line(line).ok_or_else(|| {
                let known: Vec<&str> = cat.lines.iter().map(|l| l.line.as_str()).collect();
                Failure::usage(format!("未知防线「{line}」，可选：{}", known.join("|")))
            })?;
            if cli.json {
                let sections: Vec<_> = l
                    .sections
                    .iter()
                    .map(|s| {
                        json!({"id": s.id, "name": s.name, "items": s.items.iter().map(|i| json!({
                            "id": i.id, "check": i.check, "how": i.how, "basis": i.basis,
                            "severity": i.severity, "keywords": i.keywords,
                            "hazard": i.hazard, "measures": i.measures})).collect::<Vec<_>>()})
                    })
                    .collect();
                return print_json(&json!({"line": l.line, "name": l.name,
                    "description": l.description, "sections": sections}));
            }
            println!("{}（{}）— {}", l.name, l.line, l.description);
            for s in &l.sections {
                println!("\n【{}】", s.name);
                for i in &s.items {
                    println!("  {} [{}] {}", cell(&i.id, 34), i.severity.label(), i.check);
                }
            }
            Ok(())
        }
        ChecklistCmd::Validate { files } => {
            let paths = if files.is_empty() {
                let mut v: Vec<_> = std::fs::read_dir(&user_dir)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                    .collect();
                v.sort();
                v
            } else {
                files.clone()
            };
            let problems = catalog::validate_files(&paths);
            if cli.json {
                let v: Vec<_> = problems
                    .iter()
                    .map(|p| json!({"file": p.file, "line": p.line, "message": p.message}))
                    .collect();
                print_json(&v)?;
            } else {
                for p in &problems {
                    eprintln!("{p}");
                }
            }
            if problems.is_empty() {
                if !cli.json {
                    let what = if files.is_empty() {
                        format!("内置检查表与 {} 个自定义文件", paths.len())
                    } else {
                        format!("{} 个文件", paths.len())
                    };
                    println!("检查表校验通过：{what}");
                }
                Ok(())
            } else {
                Err(Failure::usage(format!(
                    "检查表有 {} 处问题",
                    problems.len()
                )))
            }
        }
    }
}
