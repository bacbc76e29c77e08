//! `xuncha equipment …`: the 特种设备安全清单 and what is due (issue 17).

use super::chem::{failure, hazard_lines};
use super::output::{cell, local, print_json, short};
use super::{Cli, CmdResult, Failure, context};
use crate::domain::equipment::{CheckKind, EquipField};
use crate::domain::sanitize::escape_line;
use crate::domain::{Equipment, RegisterRef};
use crate::ops::{self, Ctx, NewEquipment, OpsError};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum EquipCmd {
    /// 登记一台特种设备
    Add(EquipAddArgs),
    /// 特种设备安全清单
    List,
    /// 一台设备的详情：检验、保养、安全附件、持证人员
    Show { id: String },
    /// 记录定期检验（含下次检验日期）
    Inspect(CheckArgs),
    /// 记录维护保养
    Maintain(CheckArgs),
    /// 记录安全附件及保护装置检查
    Accessory(CheckArgs),
    /// 记录作业人员或安全管理员及其证书
    Operator(OperatorArgs),
    /// 超期未检、30天内到期、证书过期
    Due,
    /// 导出特种设备安全清单（XLSX）
    Export {
        /// 输出文件（.xlsx）
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// 修改字段：name|reg_no|place|maker|factory_no（或中文名：设备名称、使用登记证号、安装地点、制造单位、出厂编号）
    Edit {
        id: String,
        field: String,
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// 把一条隐患关联到该设备
    Link {
        id: String,
        /// 隐患编号或 ID
        #[arg(long)]
        finding: String,
    },
}

#[derive(Debug, Args)]
pub struct EquipAddArgs {
    /// 使用单位
    #[arg(long)]
    pub facility: String,
    /// 设备名称
    #[arg(long)]
    pub name: String,
    /// 类别：elevator|pressure_vessel|boiler|hyperbaric|crane|vehicle|other（或中文名）
    #[arg(long)]
    pub kind: String,
    /// 使用登记证号
    #[arg(long, default_value = "")]
    pub reg_no: String,
    /// 安装地点
    #[arg(long, default_value = "")]
    pub place: String,
    /// 制造单位
    #[arg(long, default_value = "")]
    pub maker: String,
    /// 出厂编号
    #[arg(long, default_value = "")]
    pub factory_no: String,
    /// 下次检验日期
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    pub next_due: String,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 设备（编号后 4 位以上、名称或使用登记证号）
    pub id: String,
    /// 检验机构 / 维保单位 / 安全附件名称
    #[arg(long, alias = "accessory")]
    pub by: String,
    /// 结论（合格、不合格 …）
    #[arg(long)]
    pub result: String,
    /// 日期（默认今天）
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    pub date: String,
    /// 下次检验日期（定期检验必填）
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    pub next_due: String,
}

#[derive(Debug, Args)]
pub struct OperatorArgs {
    pub id: String,
    /// 姓名
    #[arg(long)]
    pub name: String,
    /// 岗位（作业人员、安全管理员）
    #[arg(long, default_value = "作业人员")]
    pub role: String,
    /// 证书编号
    #[arg(long)]
    pub cert_no: String,
    /// 证书有效期至
    #[arg(long, allow_hyphen_values = true)]
    pub expires: String,
}

pub fn run(cli: &Cli, cmd: &EquipCmd) -> CmdResult {
    let mut ctx = context(cli)?;
    let today = ctx.now.today();
    match cmd {
        EquipCmd::Add(a) => {
            let q = ops::add_equipment(
                &mut ctx,
                NewEquipment {
                    facility: a.facility.clone(),
                    name: a.name.clone(),
                    kind: a.kind.clone(),
                    reg_no: a.reg_no.clone(),
                    place: a.place.clone(),
                    maker: a.maker.clone(),
                    factory_no: a.factory_no.clone(),
                    next_due: a.next_due.clone(),
                },
            )
            .map_err(failure)?;
            done(cli, &ctx, &q, "已登记")
        }
        EquipCmd::List => {
            let all = ops::equipment_list(&ctx)?;
            if cli.json {
                return print_json(&all.iter().map(|q| json(&ctx, q)).collect::<Vec<_>>());
            }
            if all.is_empty() {
                println!("特种设备清单为空（xuncha equipment add 登记）");
                return Ok(());
            }
            println!(
                "{} {} {} {} {} 状态",
                cell("编号", 8),
                cell("设备名称", 16),
                cell("类别", 10),
                cell("使用登记证号", 18),
                cell("下次检验", 10),
            );
            for q in &all {
                let mut state = q.due_state(today).label();
                if !q.expired_operators(today).is_empty() {
                    state.push_str("、证书过期");
                }
                println!(
                    "{} {} {} {} {} {state}",
                    short(q.id),
                    cell(&q.name, 16),
                    cell(q.kind.label(), 10),
                    cell(&q.reg_no, 18),
                    cell(&q.next_due.map(|d| d.to_string()).unwrap_or("—".into()), 10),
                );
            }
            Ok(())
        }
        EquipCmd::Show { id } => {
            let q = ops::equipment(&ctx, id).map_err(failure)?;
            if cli.json {
                return print_json(&json(&ctx, &q));
            }
            show(&ctx, &q);
            Ok(())
        }
        EquipCmd::Inspect(c) | EquipCmd::Maintain(c) | EquipCmd::Accessory(c) => {
            let kind = match cmd {
                EquipCmd::Inspect(_) => CheckKind::Inspection,
                EquipCmd::Maintain(_) => CheckKind::Maintenance,
                _ => CheckKind::Accessory,
            };
            let q = ops::equipment(&ctx, &c.id).map_err(failure)?;
            let q = ops::record_check(&mut ctx, q.id, kind, &c.by, &c.date, &c.result, &c.next_due)
                .map_err(failure)?;
            done(cli, &ctx, &q, &format!("已记{}", kind.label()))
        }
        EquipCmd::Operator(o) => {
            let q = ops::equipment(&ctx, &o.id).map_err(failure)?;
            let q = ops::record_operator(&mut ctx, q.id, &o.name, &o.role, &o.cert_no, &o.expires)
                .map_err(failure)?;
            done(cli, &ctx, &q, "已记持证人员")
        }
        EquipCmd::Due => {
            let due = ops::due(&ctx)?;
            if cli.json {
                return print_json(&due);
            }
            if due.is_empty() {
                println!("没有超期未检、30天内到期或证书过期的特种设备");
                return Ok(());
            }
            for d in &due {
                let when = match d.what.as_str() {
                    "超期未检" => format!("应于 {} 检验，已超期 {} 天", d.date, d.days),
                    "30天内到期" => format!("{} 到期，还有 {} 天", d.date, -d.days),
                    _ => format!(
                        "{} 的证书 {} 到期，已过期 {} 天",
                        escape_line(&d.operator),
                        d.date,
                        d.days
                    ),
                };
                println!(
                    "{} {} {} {} {when}",
                    cell(&d.what, 10),
                    short(d.equipment_id),
                    cell(&format!("{}（{}）", d.name, d.kind), 28),
                    cell(&d.facility, 16),
                );
            }
            Ok(())
        }
        EquipCmd::Export { out } => {
            let rep = ops::export_equipment(&ctx, out)?;
            super::chem::export_done(cli, &rep)
        }
        EquipCmd::Edit { id, field, value } => {
            let f = EquipField::parse(field).ok_or_else(|| {
                Failure::usage(format!(
                    "字段：未知字段「{}」，可选：name|reg_no|place|maker|factory_no",
                    escape_line(field)
                ))
            })?;
            let q = ops::equipment(&ctx, id).map_err(failure)?;
            let q = ops::set_equipment_field(&mut ctx, q.id, f, value).map_err(|e| match e {
                OpsError::Invalid { field: _, message } => {
                    Failure::usage(format!("{}（VALUE）：{message}", f.label()))
                }
                e => e.into(),
            })?;
            done(cli, &ctx, &q, "已修改")
        }
        EquipCmd::Link { id, finding } => {
            let q = ops::equipment(&ctx, id).map_err(failure)?;
            let f = ctx.finding(finding)?;
            ops::link_hazard(&mut ctx, f.id, RegisterRef::Equipment(q.id))?;
            let q = ops::equipment_by_id(&ctx, q.id)?;
            done(cli, &ctx, &q, "已关联隐患")
        }
    }
}

fn done(cli: &Cli, ctx: &Ctx, q: &Equipment, what: &str) -> CmdResult {
    if cli.json {
        return print_json(&json(ctx, q));
    }
    println!(
        "{what}：{}（{}，编号 {}），{}",
        escape_line(&q.name),
        q.kind.label(),
        short(q.id),
        q.due_state(ctx.now.today()).label()
    );
    Ok(())
}

/// The JSON of a piece of equipment: its fields and `id`, plus `due_state` and
/// `expired_certificates` on the pinned day.
fn json(ctx: &Ctx, q: &Equipment) -> serde_json::Value {
    let today = ctx.now.today();
    let mut v = serde_json::to_value(q).unwrap_or_default();
    v["registry"] = serde_json::to_value(registry_place(ctx, q)).unwrap_or_default();
    v["kind_label"] = q.kind.label().into();
    v["due_state"] = serde_json::to_value(q.due_state(today)).unwrap_or_default();
    v["due_label"] = q.due_state(today).label().into();
    v["expired_certificates"] = q
        .expired_operators(today)
        .iter()
        .map(|o| o.cert_no.clone())
        .collect::<Vec<_>>()
        .into();
    v
}

/// Where a piece of equipment is in the facility registry (issue 17).
fn registry_place(ctx: &Ctx, q: &Equipment) -> ops::EntryPlace {
    let reg = ops::registry(ctx).unwrap_or_default();
    ops::entry_place(
        &reg,
        crate::domain::LinkTarget::Equipment(q.id),
        &q.facility,
        &q.place,
    )
}

fn show(ctx: &Ctx, q: &Equipment) {
    let today = ctx.now.today();
    let e = |s: &str| escape_line(s).into_owned();
    println!("特种设备 {}（{}）", e(&q.name), q.id);
    println!("类别：{}  使用登记证号：{}", q.kind.label(), e(&q.reg_no));
    println!(
        "使用单位：{}{}  安装地点：{}",
        e(&q.facility),
        registry_place(ctx, q).mark(),
        e(&q.place)
    );
    println!("制造单位：{}  出厂编号：{}", e(&q.maker), e(&q.factory_no));
    println!(
        "下次检验：{}  {}",
        q.next_due.map(|d| d.to_string()).unwrap_or("—".into()),
        q.due_state(today).label()
    );
    for (field, values) in &q.conflicts {
        println!(
            "⚠ 冲突：{field} 被分别改为 {}",
            values
                .iter()
                .map(|v| format!("「{}」", e(v)))
                .collect::<Vec<_>>()
                .join("、")
        );
    }
    for c in &q.checks {
        let next = c
            .next_due
            .map(|d| format!("，下次 {d}"))
            .unwrap_or_default();
        println!(
            "{}：{}  {}  {}{next}",
            c.check.label(),
            c.date,
            e(&c.by),
            e(&c.result)
        );
    }
    for o in &q.operators {
        let mark = if o.expires < today {
            "（已过期）"
        } else {
            ""
        };
        println!(
            "持证人员：{}  {}  证书 {}  有效期至 {}{mark}",
            e(&o.name),
            e(&o.role),
            e(&o.cert_no),
            o.expires
        );
    }
    hazard_lines(ctx, &q.hazards);
    println!(
        "登记：{} {}",
        e(&q.created_by),
        local(&ctx.now, q.created_at)
    );
}
