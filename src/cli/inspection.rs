//! `xuncha inspection start|answer|finish|list|show`.

use super::args::{InspectionCmd, ModeArg};
use super::output::{
    FindingJson, JsonArrayOut, cell, finding_header, finding_row, local, print_json, short,
};
use super::{Cli, CmdResult, Failure, context};
use crate::domain::FindingQuery;
use crate::domain::sanitize::escape_line;
use crate::domain::{Answer, Inspection, Mode};
use crate::ops::{self, Ctx, NewInspection};
use serde_json::json;
use std::io::Write as _;

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Mode {
        match m {
            ModeArg::SelfCheck => Mode::SelfCheck,
            ModeArg::Supervision => Mode::Supervision,
            ModeArg::Mutual => Mode::Mutual,
            ModeArg::Unannounced => Mode::Unannounced,
        }
    }
}

pub fn run(cli: &Cli, cmd: &InspectionCmd) -> CmdResult {
    let mut ctx = match cmd {
        // A list reads each inspection once: a small page cache (issue 14).
        InspectionCmd::List => super::context_one_pass(cli)?,
        _ => context(cli)?,
    };
    match cmd {
        InspectionCmd::Start {
            facility,
            departments,
            mode,
            inspectors,
            lines,
            leader,
            register,
        } => {
            let leader = leader
                .as_deref()
                .map(|l| {
                    l.parse::<crate::domain::LeaderRole>()
                        .map_err(|e| Failure::usage(format!("带队（--leader）：{e}")))
                })
                .transpose()?;
            super::sign_as_inspector(&mut ctx, inspectors);
            let reg = ops::registry(&ctx)?;
            let known = reg.by_name(facility.trim()).is_some();
            let intent = if *register {
                ops::FacilityIntent::Register
            } else {
                ops::FacilityIntent::TextOnly
            };
            let new = NewInspection {
                facility: facility.clone(),
                departments: departments.clone(),
                mode: Some((*mode).into()),
                inspectors: inspectors.clone(),
                lines: lines.clone(),
            };
            let ops::StartOutcome::Started(insp) =
                ops::start_inspection_at(&mut ctx, new, leader, intent)?
            else {
                unreachable!("only FacilityIntent::Ask stops before starting")
            };
            if *register && !known {
                eprintln!(
                    "已登记新单位「{}」；负责人、电话等：xuncha facility edit",
                    escape_line(&insp.facility)
                );
            } else if !known && reg.active().next().is_some() {
                super::facility::unregistered_hint(&reg, &insp.facility);
            }
            emit(cli, &ctx, &insp, || insp.id.to_string())
        }
        InspectionCmd::Answer {
            id,
            item,
            answer,
            note,
            join,
        } => {
            let answer: Answer = answer
                .parse()
                .map_err(|e: crate::domain::ParseError| Failure::usage(e.to_string()))?;
            let insp = ctx.inspection(id)?;
            super::sign_as_inspector(&mut ctx, &insp.inspectors);
            if *join && !insp.is_owner(&ctx.author) {
                ops::join_inspection(&mut ctx, insp.id)?;
                eprintln!("已加入检查（检查人员：{}）", insp.inspectors.join("、"));
            }
            let insp = ops::answer(&mut ctx, insp.id, item, answer, note)
                .map_err(super::flags::naming(ops::Input::Comment, "--note"))?;
            emit(cli, &ctx, &insp, || {
                let (done, total) = progress(&ctx, &insp);
                format!("{item}：{}（进度 {done}/{total}）", answer.label())
            })
        }
        InspectionCmd::Finish { id, join } => {
            let insp = ctx.inspection(id)?;
            super::sign_as_inspector(&mut ctx, &insp.inspectors);
            if *join && !insp.is_owner(&ctx.author) {
                ops::join_inspection(&mut ctx, insp.id)?;
                eprintln!("已加入检查（检查人员：{}）", insp.inspectors.join("、"));
            }
            let insp = ops::finish_inspection(&mut ctx, insp.id)?;
            emit(cli, &ctx, &insp, || {
                let (done, total) = progress(&ctx, &insp);
                let left = total - done;
                if left > 0 {
                    format!("检查已结束；{left} 项未作答")
                } else {
                    "检查已结束".to_string()
                }
            })
        }
        InspectionCmd::List => {
            let out = std::io::stdout();
            let mut out = std::io::BufWriter::new(out.lock());
            if cli.json {
                // Each inspection's progress is counted as it is read and its answers dropped,
                // so 12,500 inspections do not sit in memory whole; the array is streamed, as
                // one pretty string it held 20 MB more (issue 14).
                let list = ctx.inspections_newest_first(|i| {
                    let (done, total) = progress(&ctx, &i);
                    (without_answers(i), done, total)
                })?;
                let mut arr = JsonArrayOut::new(out);
                for (i, done, total) in &list {
                    if arr.push(&summary_json_of(i, *done, *total)).is_err() {
                        return Ok(());
                    }
                }
                let _ = arr.finish();
                return Ok(());
            }
            // Each line is formatted as its inspection is read: 12,500 lines are held, not
            // 12,500 inspections (issue 14).
            let lines = ctx.inspections_newest_first(|i| list_line(&ctx, &i))?;
            for line in &lines {
                if writeln!(out, "{line}").is_err() {
                    break;
                }
            }
            let _ = out.flush();
            Ok(())
        }
        InspectionCmd::Show { id } => {
            let insp = ctx.inspection(id)?;
            let findings = ctx.list_findings(&FindingQuery {
                inspection: Some(insp.id),
                ..Default::default()
            })?;
            if cli.json {
                let mut v = serde_json::to_value(&insp).unwrap_or_default();
                v["findings"] = serde_json::to_value(
                    findings
                        .iter()
                        .map(|f| FindingJson::new(f, &ctx.now, &ctx.catalog))
                        .collect::<Vec<_>>(),
                )
                .unwrap_or_default();
                return print_json(&v);
            }
            let (done, total) = progress(&ctx, &insp);
            let insp = insp.escaped();
            println!("检查 {}", insp.id);
            println!(
                "单位：{}  科室：{}",
                insp.facility,
                insp.departments.join("、")
            );
            println!(
                "方式：{}  检查人员：{}  开始：{}{}",
                insp.mode.label(),
                insp.inspectors.join("、"),
                local(&ctx.now, insp.started_at),
                insp.finished_at
                    .map(|t| format!("  结束：{}", local(&ctx.now, t)))
                    .unwrap_or_default()
            );
            println!("防线：{}  进度：{done}/{total}", lines_label(&ctx, &insp));
            for item in ctx.items_of_inspection(&insp) {
                let mark = match insp.answers.get(&item.id).map(|a| a.answer) {
                    Some(Answer::Pass) => "✓",
                    Some(Answer::Fail) => "✗",
                    Some(Answer::Na) => "－",
                    None => "·",
                };
                println!("  {mark} {} {}", cell(&item.id, 34), item.check);
                // The note given with the answer (`answer --note`), as stored.
                if let Some(a) = insp.answers.get(&item.id)
                    && !a.note.is_empty()
                    && !insp.answer_conflicts.contains_key(&item.id)
                {
                    println!("      备注：{}", a.note);
                }
                let said = |a: &crate::domain::AnswerRecord| {
                    let note = if a.note.is_empty() {
                        String::new()
                    } else {
                        format!("（{}）", a.note)
                    };
                    format!(
                        "{} {}：{}{note}",
                        local(&ctx.now, a.at),
                        a.author,
                        a.answer.label()
                    )
                };
                if let Some(list) = insp.answer_conflicts.get(&item.id) {
                    let both: Vec<String> = list.iter().map(said).collect();
                    println!(
                        "      ⚠ 冲突（两台设备的回答不同，再答一次即裁定）：{}",
                        both.join("；")
                    );
                } else if let Some((settling, crossing)) = insp
                    .answer_settled
                    .get(&item.id)
                    .and_then(|l| l.split_last())
                {
                    // Every step stays visible: the answers that crossed, then the settling one.
                    let crossing: Vec<String> = crossing.iter().map(said).collect();
                    println!(
                        "      已裁定的回答冲突：{}；裁定：{}",
                        crossing.join("；"),
                        said(settling)
                    );
                }
            }
            if !findings.is_empty() {
                println!("\n发现隐患 {} 条：\n{}", findings.len(), finding_header());
                for f in &findings {
                    println!("{}", finding_row(f, &ctx.now, &ctx.catalog));
                }
            }
            Ok(())
        }
    }
}

fn progress(ctx: &Ctx, insp: &Inspection) -> (usize, usize) {
    let mut done = 0;
    let mut total = 0;
    for item in ctx.items_of_inspection(insp) {
        total += 1;
        done += insp.answers.contains_key(&item.id) as usize;
    }
    (done, total)
}

fn lines_label(ctx: &Ctx, insp: &Inspection) -> String {
    insp.lines
        .iter()
        .map(|l| ctx.catalog.line_name(l))
        .collect::<Vec<_>>()
        .join("、")
}

/// `inspection list`'s line for `i`.
fn list_line(ctx: &Ctx, i: &Inspection) -> String {
    let state = if i.is_finished() {
        "已结束"
    } else {
        "进行中"
    };
    let (done, total) = progress(ctx, i);
    format!(
        "{}  {}  {}  {}  {}  {:>3}/{:<3}  {}",
        short(i.id),
        local(&ctx.now, i.started_at),
        cell(state, 6),
        cell(i.mode.label(), 8),
        cell(&i.facility, 24),
        done,
        total,
        lines_label(ctx, i)
    )
}

/// An inspection as a list holds it: what its summary shows, without the answers (most of its
/// bytes) or the checklist versions (counted already).
fn without_answers(mut i: Inspection) -> Inspection {
    i.checklists.clear();
    i.answers.clear();
    i.answer_conflicts.clear();
    i.answer_settled.clear();
    i.answer_heads.clear();
    i
}

fn summary_json(ctx: &Ctx, i: &Inspection) -> serde_json::Value {
    let (done, total) = progress(ctx, i);
    summary_json_of(i, done, total)
}

fn summary_json_of(i: &Inspection, done: usize, total: usize) -> serde_json::Value {
    json!({
        "id": i.id, "facility": i.facility, "departments": i.departments, "mode": i.mode,
        "inspectors": i.inspectors, "lines": i.lines, "started_at": i.started_at,
        "finished_at": i.finished_at, "answered": done, "items": total,
    })
}

fn emit(cli: &Cli, ctx: &Ctx, insp: &Inspection, text: impl FnOnce() -> String) -> CmdResult {
    if cli.json {
        print_json(&summary_json(ctx, insp))
    } else {
        println!("{}", text());
        Ok(())
    }
}
