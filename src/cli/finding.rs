//! `xuncha finding add|list|show|rectify|verify|escalate|edit|comment|retract`.

use super::args::{FindingCmd, FindingFilter};
use super::output::{
    FindingDetailJson, FindingJson, finding_header, finding_row, local, print_json, short,
};
use super::{Cli, CmdResult, Failure, context};
use crate::domain::RegisterRef;
use crate::domain::{Field, Finding, Severity, parse_date_input};
use crate::domain::{FindingQuery, StatusFilter};
use crate::ops::{self, Ctx, NewFinding, OpsError};

pub fn run(cli: &Cli, cmd: &FindingCmd) -> CmdResult {
    let mut ctx = match cmd {
        // A list reads each finding once: a small page cache (issue 14).
        FindingCmd::List(_) => super::context_one_pass(cli)?,
        _ => context(cli)?,
    };
    let result = run_in(cli, cmd, &mut ctx);
    // A failed flush of what the command wrote is its error.
    ctx.close()?;
    result
}

fn run_in(cli: &Cli, cmd: &FindingCmd, ctx: &mut Ctx) -> CmdResult {
    match cmd {
        FindingCmd::Add {
            inspection,
            chemical,
            equipment,
            item,
            line,
            description,
            location,
            place,
            department,
            severity,
            measures,
            due,
            responsible,
            fixed_on_spot,
            category,
            interim,
            funds,
        } => {
            let severity = severity
                .as_deref()
                .map(|s| s.parse::<Severity>())
                .transpose()
                .map_err(|e| Failure::usage(format!("隐患等级（--severity）：{e}")))?;
            let due = due
                .as_deref()
                .map(|d| parse_date_input(d, ctx.now.today()))
                .transpose()
                .map_err(|e| Failure::usage(format!("整改时限（--due）：{e}")))?;
            // On a 台账 entry (issue 17): facility, 部位 and line come from the entry, and the
            // hazard is linked to it in the same write.
            let register = match (chemical, equipment) {
                (Some(t), _) => Some(RegisterRef::Chemical(
                    ops::chemical(ctx, t).map_err(on_entry("--chemical"))?.id,
                )),
                (None, Some(t)) => Some(RegisterRef::Equipment(
                    ops::equipment(ctx, t).map_err(on_entry("--equipment"))?.id,
                )),
                (None, None) => None,
            };
            let insp = inspection
                .as_deref()
                .map(|i| ctx.inspection(i))
                .transpose()?;
            if let Some(insp) = &insp {
                super::sign_as_inspector(ctx, &insp.inspectors);
            }
            let start = register.map(|r| ops::hazard_prefill(ctx, r)).transpose()?;
            let intent = match place {
                Some(_) => ops::PlaceIntent::Strict,
                None => ops::PlaceIntent::Auto,
            };
            let typed_location = place.clone().unwrap_or_else(|| location.clone());
            let new = NewFinding {
                inspection: insp.as_ref().map(|i| i.id),
                item_id: item.clone(),
                line: line
                    .clone()
                    .or_else(|| start.as_ref().and_then(|s| s.new.line.clone())),
                facility: start.as_ref().and_then(|s| s.new.facility.clone()),
                department: department.clone(),
                description: match &start {
                    Some(s) if !description.contains(&s.name) => {
                        format!("{}{description}", s.new.description)
                    }
                    _ => description.clone(),
                },
                location: match &start {
                    Some(s) if typed_location.trim().is_empty() => s.new.location.clone(),
                    _ => typed_location,
                },
                severity,
                measures: measures.clone(),
                due,
                responsible: responsible.clone(),
                fixed_on_spot: *fixed_on_spot,
                category: category.clone(),
                interim: interim.clone(),
                funds: funds.clone(),
            };
            let blank = ops::blank_form_fields(&new);
            let recorded = match register {
                Some(r) => ops::record_finding_on(ctx, new, intent, r),
                None => ops::record_finding_at(ctx, new, intent),
            };
            let location_flag = if place.is_some() {
                "--place"
            } else {
                "--location"
            };
            let recorded =
                recorded.map_err(super::flags::naming(ops::Input::Location, location_flag))?;
            let f = recorded.finding;
            if let ops::PlaceOutcome::Text { note: Some(note) } = &recorded.place {
                eprintln!("{note}");
            }
            // stdout keeps the bare id for scripts (`id=$(xuncha finding add …)`); people read the
            // 隐患编号 and what was saved on stderr.
            if !cli.json {
                eprintln!("{}", added_line(&f));
            }
            // Saved, but the office's forms will show these columns blank: say which flags
            // would have filled them (the TUI form asks before saving instead).
            if !blank.is_empty() {
                let flag = |i: &ops::Input| super::flags::flag(i).unwrap_or_default();
                let fields: Vec<String> = blank
                    .iter()
                    .map(|i| flag(i).trim_start_matches('-').to_string())
                    .collect();
                eprintln!(
                    "提醒：{}；补填：xuncha finding edit {} {} 值",
                    ops::blank_form_fields_text(&blank, |i| format!(
                        "{}（{}）",
                        i.label(),
                        flag(i)
                    )),
                    short(f.id),
                    fields.join("|")
                );
            }
            emit(cli, ctx, &f, || f.id.to_string())
        }
        FindingCmd::List(filter) => {
            let mut q = query(filter)?;
            ops::resolve_filter(ctx, &mut q)?;
            list(cli, ctx, &q)
        }
        FindingCmd::Show { id } => {
            let f = ctx.finding(id)?;
            if cli.json {
                return print_json(&FindingDetailJson {
                    finding: &f,
                    number_code: f.number.as_ref().map(|n| n.code()),
                    short_id: super::output::short(f.id),
                    overdue: f.is_overdue(&ctx.now),
                    line_name: ctx.catalog.line_name(&f.line),
                    photo_files: super::photo::files_json(ctx, &f),
                    links: ops::hazard_links(ctx, f.id)?
                        .into_iter()
                        .map(|(register, text)| super::output::RegisterLinkJson { register, text })
                        .collect(),
                    place: super::output::PlaceLinkJson::of(ctx, f.id),
                });
            }
            show(ctx, &f);
            Ok(())
        }
        FindingCmd::Attach { id, files, stage } => {
            super::photo::attach(cli, ctx, id, files, stage.as_deref())
        }
        FindingCmd::Detach { id, n, reason } => super::photo::detach(cli, ctx, id, *n, reason),
        FindingCmd::Rectify {
            id,
            note,
            completed,
            by_name,
            by_role,
        } => {
            let by = ops::signer(ops::REPORTER, by_name, by_role)?;
            let completed = completed
                .as_deref()
                .map(|d| parse_date_input(d, ctx.now.today()))
                .transpose()
                .map_err(|e| Failure::usage(format!("实际完成日期（--completed）：{e}")))?;
            let id = resolve_and_sign(ctx, id)?;
            let f = ops::rectify_reported(ctx, id, note, completed, by)?;
            emit(cli, ctx, &f, || {
                format!("已登记整改，待复查：{}", f.description)
            })
        }
        FindingCmd::Verify {
            id,
            pass,
            fail,
            note,
            verifier,
            role,
        } => {
            let verifier = ops::signer(ops::VERIFIER, verifier, role)?;
            if pass == fail {
                return Err(Failure::usage(
                    "复查须选择 --pass 或 --fail（不通过时加 --note 说明原因）",
                ));
            }
            let id = resolve_and_sign(ctx, id)?;
            let f = ops::verify_signed(ctx, id, *pass, note, verifier)?;
            emit(cli, ctx, &f, || {
                if *pass {
                    "复查通过，已销号".to_string()
                } else {
                    format!("复查不通过，已退回整改：{note}")
                }
            })
        }
        FindingCmd::Escalate { id, note, due } => {
            let due = due
                .as_deref()
                .map(|d| parse_date_input(d, ctx.now.today()))
                .transpose()
                .map_err(|e| Failure::usage(format!("整改期限（--due）：{e}")))?;
            let id = resolve_and_sign(ctx, id)?;
            let f = ops::escalate(ctx, id, note, due)?;
            emit(cli, ctx, &f, || {
                format!(
                    "已发出{}",
                    f.escalation.map(|e| e.label()).unwrap_or_default()
                )
            })
        }
        FindingCmd::Edit { id, field, value } => {
            let field = parse_field(field)?;
            let id = resolve_and_sign(ctx, id)?;
            let f = ops::set_field(ctx, id, field, value)?;
            emit(cli, ctx, &f, || format!("已修改{}", field.label()))
        }
        FindingCmd::Settle {
            id,
            keep,
            field,
            value,
            note,
        } => {
            let id = resolve_and_sign(ctx, id)?;
            let f = match (keep, field, value) {
                (Some(n), _, _) => {
                    let f = ctx.finding_by_id(id)?;
                    let steps: Vec<_> = f
                        .step_conflicts
                        .iter()
                        .flat_map(|c| c.steps.iter())
                        .collect();
                    let Some(step) = n.checked_sub(1).and_then(|i| steps.get(i)) else {
                        return Err(Failure::usage(if steps.is_empty() {
                            "该隐患没有待裁定的冲突步骤".to_string()
                        } else {
                            format!(
                                "--keep 须为 1 到 {}（见 finding show 的冲突步骤编号）",
                                steps.len()
                            )
                        }));
                    };
                    let keep = step.event;
                    ops::settle_steps(ctx, id, keep, note)?
                }
                (None, Some(field), Some(value)) => {
                    let field = parse_field(field)?;
                    ops::settle_conflict(ctx, id, field, value)?
                }
                _ => {
                    return Err(Failure::usage(
                        "裁定须给出 --keep N（冲突步骤编号）或 --field 字段 --value 值",
                    ));
                }
            };
            emit(cli, ctx, &f, || {
                format!("已裁定；当前状态：{}", f.status_label())
            })
        }
        FindingCmd::Comment { id, text } => {
            let id = resolve_and_sign(ctx, id)?;
            let f = ops::comment(ctx, id, text)?;
            emit(cli, ctx, &f, || "已添加备注".to_string())
        }
        FindingCmd::Retract { id, reason } => {
            let id = resolve_and_sign(ctx, id)?;
            let f = ops::retract(ctx, id, reason)?;
            emit(cli, ctx, &f, || "已撤销".to_string())
        }
    }
}

/// Resolves a finding id and, with no inspector name configured, signs as the first
/// inspector of the inspection that found it.
pub(super) fn resolve_and_sign(ctx: &mut Ctx, id: &str) -> Result<uuid::Uuid, Failure> {
    let f = ctx.finding(id)?;
    if let Some(insp) = f
        .inspection_id
        .and_then(|i| ctx.inspection_by_id(i).ok().flatten())
    {
        super::sign_as_inspector(ctx, &insp.inspectors);
    }
    Ok(f.id)
}

pub fn parse_field(s: &str) -> Result<Field, Failure> {
    let f = match s.trim() {
        "description" => Field::Description,
        "location" => Field::Location,
        "department" => Field::Department,
        "severity" => Field::Severity,
        "measures" => Field::Measures,
        "due" => Field::Due,
        "responsible" => Field::Responsible,
        "category" => Field::Category,
        "interim" => Field::Interim,
        "funds" => Field::Funds,
        other => {
            return Err(Failure::usage(format!(
                "未知字段「{other}」，可选：description|location|department|severity|measures|due|responsible|category|interim|funds"
            )));
        }
    };
    Ok(f)
}

pub fn query(filter: &FindingFilter) -> Result<FindingQuery, Failure> {
    Ok(FindingQuery {
        status: filter
            .status
            .as_deref()
            .map(|s| s.parse::<StatusFilter>())
            .transpose()
            .map_err(|e| Failure::usage(format!("状态（--status）：{e}")))?,
        line: filter.line.clone(),
        facility: filter.facility.clone(),
        severity: filter
            .severity
            .as_deref()
            .map(|s| s.parse::<Severity>())
            .transpose()
            .map_err(|e| Failure::usage(format!("隐患等级（--severity）：{e}")))?,
        conflicted_only: filter.conflicted,
        ..Default::default()
    })
}

/// 「已登记隐患 YH-2026-A3K-0007（一般，整改时限 2026-11-29）：灭火器压力不足」.
fn added_line(f: &Finding) -> String {
    let f = f.escaped();
    let due = match (f.fixed_on_spot, f.due) {
        (true, _) => "，立查立改".to_string(),
        (false, Some(d)) => format!("，整改时限 {d}"),
        (false, None) => String::new(),
    };
    format!(
        "已登记隐患 {}（{}{due}）：{}",
        f.spoken_name(),
        f.severity.label(),
        crate::domain::sanitize::escape_line(&f.description)
    )
}

fn emit(cli: &Cli, ctx: &Ctx, f: &Finding, text: impl FnOnce() -> String) -> CmdResult {
    if cli.json {
        print_json(&FindingJson::new(f, &ctx.now, &ctx.catalog))
    } else {
        println!("{}", text());
        Ok(())
    }
}

fn show(ctx: &Ctx, f: &Finding) {
    let f = &f.escaped();
    let mut marks = String::new();
    if f.is_overdue(&ctx.now) {
        marks.push_str(&format!(
            "（逾期未整改 {} 天）",
            f.stage().overdue_days(ctx.now.today())
        ));
    }
    if let Some(n) = f.late_days(&ctx.now) {
        marks.push_str(&format!("（逾期整改：逾期{n}天整改）"));
    }
    match &f.number {
        Some(n) => println!("隐患编号 {}", n.code()),
        None => println!("隐患 {}", super::output::short(f.id)),
    }
    println!(
        "状态：{}{marks}  等级：{}",
        f.status_label(),
        f.severity.label()
    );
    if f.retracted {
        println!("撤销原因：{}", f.retract_reason);
    }
    // Line name and item text as the inspection's checklist version gives them (issue 15).
    let mut label = ctx.item_label(f);
    // A version recorded on another device carries that device's texts.
    crate::domain::sanitize::escape_in_place(&mut label.line);
    label
        .check
        .iter_mut()
        .for_each(crate::domain::sanitize::escape_in_place);
    let item = match (f.item_id.as_deref(), &label.check) {
        (Some(id), Some(check)) if check != id => format!("{check}（{id}）"),
        (Some(id), _) => id.to_string(),
        (None, _) => "—（检查表外发现）".to_string(),
    };
    println!("防线：{}  检查项：{item}", label.line);
    let registered = match super::output::PlaceLinkJson::of(ctx, f.id) {
        Some(l) => {
            let mut marks = vec!["已登记场所".to_string()];
            if l.key_site {
                marks.push("重点部位".into());
            }
            if let Some(g) = l.grade {
                marks.push(format!("{g}风险"));
            }
            format!("（{}）", marks.join("，"))
        }
        None => String::new(),
    };
    println!(
        "单位：{}  科室：{}  部位：{}{registered}",
        f.facility, f.department, f.location
    );
    println!("问题隐患：{}", f.description);
    for (_, text) in ops::hazard_links(ctx, f.id).unwrap_or_default() {
        println!("关联台账：{}", crate::domain::sanitize::escape_line(&text));
    }
    println!("整改措施：{}", f.measures);
    let due = f.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
    let in_force = match f.due_in_force() {
        Some(d) if Some(d) != f.due => format!("（现行期限 {d}，见督办文书）"),
        _ => String::new(),
    };
    println!(
        "整改时限：{due}{in_force}  责任单位及人员：{}",
        f.responsible
    );
    if f.fixed_on_spot {
        println!("立查立改：是");
    }
    for (label, value) in [
        ("隐患类别", &f.category),
        ("临时防范措施", &f.interim),
        ("整改资金", &f.funds),
    ] {
        if !value.is_empty() {
            println!("{label}：{value}");
        }
    }
    for e in &f.escalations {
        println!(
            "督办：{}  签发 {}  整改期限 {}{}",
            match &e.issued {
                Some(i) => format!("{}（{}）", e.level.label(), i.wenhao),
                None => e.level.label().to_string(),
            },
            ctx.now.local_date(e.at),
            e.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            if e.note.is_empty() {
                String::new()
            } else {
                format!("  {}", e.note)
            }
        );
        for r in &e.receipts {
            println!(
                "  签收：{}  {}（记录人 {}）",
                r.by.spoken(),
                local(&ctx.now, r.at),
                r.author
            );
        }
    }
    if let Some(by) = &f.rectified_by {
        println!("整改报告人：{}", by.spoken());
    }
    if let Some(v) = &f.verifier {
        println!("复查人：{}（记录人 {}）", v.spoken(), f.verified_by);
    }
    for c in &f.conflicts {
        println!("⚠ 冲突（{}）：", c.field.label());
        for (r, v) in &c.values {
            println!(
                "    {} #{}：{v}",
                &r.device.simple().to_string()[..8],
                r.seq
            );
        }
    }
    if !f.step_conflicts.is_empty() {
        println!("⚠ 冲突步骤（两台设备互不知情；裁定前保持较稳妥的状态）：");
        let mut n = 0;
        for c in &f.step_conflicts {
            for s in &c.steps {
                n += 1;
                let held = if s.event == c.held {
                    "（暂不生效）"
                } else {
                    ""
                };
                let note = if s.note.is_empty() {
                    String::new()
                } else {
                    format!("：{}", s.note)
                };
                println!(
                    "  [{n}] {}  {}  {}{held}{note}",
                    local(&ctx.now, s.at),
                    s.author,
                    s.action
                );
            }
        }
        println!(
            "  裁定：xuncha finding settle {} --keep N",
            super::output::finding_label(f)
        );
    }
    super::photo::print_photos(ctx, f);
    println!("\n过程记录：");
    for h in &f.history {
        let note = if h.note.is_empty() {
            String::new()
        } else {
            format!("：{}", h.note)
        };
        // Events re-issued by a copied data dir name the device they now come from.
        let device = ops::device_name(ctx, h.event.device);
        let who = if !device.contains(crate::domain::REISSUED_MARK) {
            h.author.clone()
        } else if device.starts_with(h.author.as_str()) {
            // "王芳（laptop-3，复制的数据目录，已换新身份）" already names the author.
            crate::domain::sanitize::escape_line(&device).into_owned()
        } else {
            format!(
                "{}（{}）",
                h.author,
                crate::domain::sanitize::escape_line(&device)
            )
        };
        println!("  {}  {who}  {}{note}", local(&ctx.now, h.at), h.action);
    }
}

/// An unknown or ambiguous 台账 entry named by `flag`: exit 2 naming the flag.
fn on_entry(flag: &'static str) -> impl Fn(OpsError) -> Failure {
    move |e| Failure {
        code: 2,
        message: format!("{flag}：{e}"),
    }
}

/// `finding list`: each row printed as it is read from the store (issue 14: 100,000 hazards
/// in bounded memory), the text table or the JSON array.
fn list(cli: &Cli, ctx: &Ctx, q: &FindingQuery) -> CmdResult {
    use std::io::Write;
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut broken: Option<std::io::Error> = None;
    let mut keep = |r: std::io::Result<()>| {
        r.map_err(|e| {
            broken = Some(e);
            ops::OpsError::Cancelled("输出中断".into())
        })
    };
    let read = if cli.json {
        let mut arr = super::output::JsonArrayOut::new(out);
        ctx.for_each_finding(q, |f| {
            keep(arr.push(&FindingJson::new(&f, &ctx.now, &ctx.catalog)))
        })
        .and_then(|()| keep(arr.finish()))
    } else {
        let mut out = out;
        let mut n = 0usize;
        keep(writeln!(out, "{}", finding_header()))
            .and_then(|()| {
                ctx.for_each_finding(q, |f| {
                    n += 1;
                    keep(writeln!(out, "{}", finding_row(&f, &ctx.now, &ctx.catalog)))
                })
            })
            .and_then(|()| keep(writeln!(out, "共 {n} 条").and_then(|()| out.flush())))
    };
    match (read, broken) {
        (Err(_), Some(e)) => Err(Failure {
            code: 1,
            message: format!("无法写出列表：{e}"),
        }),
        (r, _) => Ok(r?),
    }
}
