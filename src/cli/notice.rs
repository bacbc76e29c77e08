//! `xuncha notice` (issue a 四书 document for one or several hazards) and `xuncha org` (the
//! organisation profile printed on the forms).

use super::args::{NoticeArgs, NoticeCmd, OrgArgs};
use super::output::print_json;
use super::{Cli, CmdResult, Failure, context};
use crate::config::{self, Config};
use crate::domain::{Escalation, Org};
use crate::ops;

pub fn run(cli: &Cli, args: &NoticeArgs) -> CmdResult {
    if let Some(NoticeCmd::Receive {
        id,
        name,
        role,
        level,
        promise,
    }) = &args.cmd
    {
        return receive(cli, id, [name, role, promise], level.as_deref());
    }
    let mut ctx = context(cli)?;
    let mut ids = Vec::with_capacity(args.ids.len());
    for text in &args.ids {
        ids.push(ctx.finding(text)?.id);
    }
    let due = args
        .due
        .as_deref()
        .map(|d| ops::notice_due(&ctx, d))
        .transpose()?;
    let done = ops::issue_notice(&mut ctx, &ids, &args.note, due)?;
    let step = done
        .first()
        .and_then(|f| f.escalations.last())
        .and_then(|s| s.issued.as_ref().map(|i| (s.level, i.wenhao.clone())));
    if cli.json {
        let v: Vec<_> = done
            .iter()
            .map(|f| super::output::FindingJson::new(f, &ctx.now, &ctx.catalog))
            .collect();
        return print_json(&v);
    }
    if let Some((level, wenhao)) = step {
        println!(
            "已发出{}（{wenhao}），列隐患 {} 条",
            level.label(),
            done.len()
        );
    }
    Ok(())
}

/// `xuncha notice receive ID --name --role [--level]`: the facility signed for a document.
fn receive(cli: &Cli, id: &str, texts: [&str; 3], level: Option<&str>) -> CmdResult {
    let [name, role, promise] = texts;
    let level = level
        .map(|l| l.parse::<Escalation>())
        .transpose()
        .map_err(|e| Failure::usage(format!("文书（--level）：{e}")))?;
    let mut ctx = context(cli)?;
    let done = ops::receive_notice(&mut ctx, id, level, name, role, promise)?;
    if cli.json {
        let v: Vec<_> = done
            .iter()
            .map(|f| super::output::FindingJson::new(f, &ctx.now, &ctx.catalog))
            .collect();
        return print_json(&v);
    }
    let step = done.first().and_then(|f| {
        f.escalations
            .iter()
            .rev()
            .find(|s| level.is_none_or(|l| s.level == l))
    });
    if let Some(s) = step {
        let wenhao = s
            .issued
            .as_ref()
            .map(|i| format!("（{}）", i.wenhao))
            .unwrap_or_default();
        let by = s.receipts.last().map(|r| r.by.spoken()).unwrap_or_default();
        println!(
            "已登记签收：{}{wenhao}，签收人 {by}，列隐患 {} 条",
            s.level.label(),
            done.len()
        );
    }
    Ok(())
}

pub fn org(cli: &Cli, args: &OrgArgs) -> CmdResult {
    let dir = config::config_dir();
    let mut cfg = Config::load(&dir).map_err(Failure::usage)?;
    let changes = [
        ("authority", &args.authority),
        ("agency_code", &args.agency_code),
        ("unit", &args.unit),
        ("contact", &args.contact),
        ("phone", &args.phone),
    ];
    let mut changed = false;
    for (id, v) in changes {
        if let Some(v) = v {
            let v = ops::org_field(id, v)
                .map_err(|e| Failure::usage(format!("{e}（--{}）", id.replace('_', "-"))))?;
            cfg.org.set(id, v);
            changed = true;
        }
    }
    if changed {
        cfg.save(&dir).map_err(Failure::usage)?;
    }
    if cli.json {
        return print_json(&cfg.org);
    }
    print_org(&cfg.org);
    Ok(())
}

fn print_org(org: &Org) {
    for (id, label) in Org::FIELDS {
        let v = org.get(id).unwrap_or_default();
        println!("{label}：{}", if v.is_empty() { "（未设置）" } else { v });
    }
}
