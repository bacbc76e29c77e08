//! `xuncha chem …`: the 危险化学品 储存台账 and 管理使用台账 (issue 17).

use super::output::{cell, local, print_json, rcell, short};
use super::{Cli, CmdResult, Failure, context, context_one_pass};
use crate::domain::chem::ChemField;
use crate::domain::sanitize::escape_line;
use crate::domain::{Chemical, Direction, RegisterRef};
use crate::ops::{self, Ctx, NewChemical, NewMovement, OpsError};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ChemCmd {
    /// 登记一种危险化学品（按储存地点）
    Add(ChemAddArgs),
    /// 储存台账：各化学品的结存与标记
    List {
        /// 只列该单位
        #[arg(long)]
        facility: Option<String>,
    },
    /// 一种化学品的详情和使用台账
    Show { id: String },
    /// 入库
    Receive(MoveArgs),
    /// 领用（出库）
    Issue(MoveArgs),
    /// 管理使用台账：入库、领用和结存（不指定时列出全部）
    Ledger { id: Option<String> },
    /// 修改一项：place|max|container|conditions|cas（或中文名）
    Edit {
        id: String,
        field: String,
        value: String,
    },
    /// 导出 XLSX：储存台账、管理使用台账、隐患排查整治台账、使用统计一张表
    Export {
        /// 输出文件（.xlsx）
        #[arg(long)]
        out: std::path::PathBuf,
        /// 只导出该单位
        #[arg(long)]
        facility: Option<String>,
        /// 一张表的统计起始日期（默认今年 1 月 1 日）
        #[arg(long, allow_hyphen_values = true)]
        from: Option<String>,
        /// 统计截止日期（默认今天）
        #[arg(long, allow_hyphen_values = true)]
        to: Option<String>,
    },
    /// 把一条隐患关联到该化学品（隐患排查整治台账）
    Link {
        id: String,
        /// 隐患编号或 ID
        #[arg(long)]
        finding: String,
    },
}

#[derive(Debug, Args)]
pub struct ChemAddArgs {
    /// 单位
    #[arg(long)]
    pub facility: String,
    /// 储存地点
    #[arg(long)]
    pub place: String,
    /// 名称（乙醇、过氧乙酸 …）
    #[arg(long)]
    pub name: String,
    /// 类别：flammable|oxidizer|toxic|corrosive|other（常见品种可省略）
    #[arg(long, default_value = "")]
    pub class: String,
    /// CAS 号（常见品种可省略）
    #[arg(long, default_value = "")]
    pub cas: String,
    /// 计量单位（升、千克、瓶 …）
    #[arg(long)]
    pub unit: String,
    /// 该地点最大储存量（按计量单位）
    #[arg(long)]
    pub max: String,
    /// 包装容器
    #[arg(long, default_value = "")]
    pub container: String,
    /// 储存条件
    #[arg(long, default_value = "")]
    pub conditions: String,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// 化学品（编号后 4 位以上、名称或 名称@地点）
    pub id: String,
    /// 数量
    #[arg(long, allow_hyphen_values = true)]
    pub qty: String,
    /// 计量单位（默认：该化学品的单位）
    #[arg(long, default_value = "")]
    pub unit: String,
    /// 经手人 / 领用人
    #[arg(long = "by")]
    pub who: String,
    /// 日期（默认今天）
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    pub date: String,
    /// 用途（领用）或来源（入库）
    #[arg(long, default_value = "")]
    pub purpose: String,
}

/// The flag that carries each field ops names, for the error message.
const FLAGS: &[(&str, &str)] = &[
    ("单位", "--facility"),
    ("储存地点", "--place"),
    ("名称", "--name"),
    ("类别", "--class"),
    ("CAS号", "--cas"),
    ("计量单位", "--unit"),
    ("最大储存量", "--max"),
    ("包装容器", "--container"),
    ("储存条件", "--conditions"),
    ("数量", "--qty"),
    ("经手人", "--by"),
    ("领用人", "--by"),
    ("日期", "--date"),
    ("用途", "--purpose"),
    ("来源", "--purpose"),
    ("下次检验日期", "--next-due"),
    ("使用单位", "--facility"),
    ("设备名称", "--name"),
    ("设备类别", "--kind"),
    ("使用登记证号", "--reg-no"),
    ("安装地点", "--place"),
    ("制造单位", "--maker"),
    ("出厂编号", "--factory-no"),
    ("检验机构", "--by"),
    ("维保单位", "--by"),
    ("安全附件", "--accessory"),
    ("结论", "--result"),
    ("姓名", "--name"),
    ("岗位", "--role"),
    ("证书编号", "--cert-no"),
    ("有效期至", "--expires"),
];

/// An ops refusal named by its flag: `数量（--qty）：…`.
pub(super) fn failure(e: OpsError) -> Failure {
    if let OpsError::Invalid { field, message } = &e
        && let Some((_, flag)) = FLAGS.iter().find(|(l, _)| *l == field.label())
    {
        return Failure {
            code: 2,
            message: format!("{}（{flag}）：{message}", field.label()),
        };
    }
    e.into()
}

pub fn run(cli: &Cli, cmd: &ChemCmd) -> CmdResult {
    let mut ctx = match cmd {
        // The workbook reads every hazard of the hazchem line once: a small page cache.
        ChemCmd::Export { .. } => context_one_pass(cli)?,
        _ => context(cli)?,
    };
    match cmd {
        ChemCmd::Add(a) => {
            let c = ops::add_chemical(
                &mut ctx,
                NewChemical {
                    facility: a.facility.clone(),
                    place: a.place.clone(),
                    name: a.name.clone(),
                    class: a.class.clone(),
                    cas: a.cas.clone(),
                    unit: a.unit.clone(),
                    max: a.max.clone(),
                    container: a.container.clone(),
                    conditions: a.conditions.clone(),
                },
            )
            .map_err(failure)?;
            done(cli, &ctx, &c, "已登记")
        }
        ChemCmd::List { facility } => {
            let all: Vec<Chemical> = ops::chemicals(&ctx)?
                .into_iter()
                .filter(|c| facility.as_ref().is_none_or(|f| &c.facility == f))
                .collect();
            if cli.json {
                return print_json(&all.iter().map(|c| json(&ctx, c)).collect::<Vec<_>>());
            }
            if all.is_empty() {
                println!("储存台账为空（xuncha chem add 登记）");
                return Ok(());
            }
            println!(
                "{} {} {} {} {} {} 标记",
                cell("编号", 8),
                cell("名称", 12),
                cell("类别", 10),
                cell("储存地点", 18),
                rcell("结存", 10),
                rcell("最大储存量", 12),
            );
            for c in &all {
                println!(
                    "{} {} {} {} {} {} {}",
                    short(c.id),
                    cell(&c.name, 12),
                    cell(c.class.label(), 10),
                    cell(&c.place, 18),
                    rcell(&format!("{}{}", c.balance, escape_line(&c.unit)), 10),
                    rcell(&format!("{}{}", c.max, escape_line(&c.unit)), 12),
                    c.status_flags().join("、"),
                );
            }
            Ok(())
        }
        ChemCmd::Show { id } => {
            let c = ops::chemical(&ctx, id).map_err(failure)?;
            if cli.json {
                return print_json(&json(&ctx, &c));
            }
            show(&ctx, &c);
            ledger(&ctx, &c);
            Ok(())
        }
        ChemCmd::Receive(m) | ChemCmd::Issue(m) => {
            let direction = match cmd {
                ChemCmd::Receive(_) => Direction::Receipt,
                _ => Direction::Issue,
            };
            let c = ops::chemical(&ctx, &m.id).map_err(failure)?;
            let c = ops::move_chemical(
                &mut ctx,
                c.id,
                NewMovement {
                    direction,
                    qty: m.qty.clone(),
                    unit: m.unit.clone(),
                    who: m.who.clone(),
                    date: m.date.clone(),
                    purpose: m.purpose.clone(),
                },
            )
            .map_err(failure)?;
            done(cli, &ctx, &c, &format!("已记{}", direction.label()))
        }
        ChemCmd::Ledger { id } => {
            let list = match id {
                Some(id) => vec![ops::chemical(&ctx, id).map_err(failure)?],
                None => ops::chemicals(&ctx)?,
            };
            if cli.json {
                return print_json(&list.iter().map(|c| json(&ctx, c)).collect::<Vec<_>>());
            }
            for c in &list {
                println!(
                    "【{} @ {}】计量单位：{}",
                    escape_line(&c.name),
                    escape_line(&c.place),
                    escape_line(&c.unit)
                );
                ledger(&ctx, c);
            }
            Ok(())
        }
        ChemCmd::Edit { id, field, value } => {
            let f = ChemField::parse(field).ok_or_else(|| {
                Failure::usage(format!(
                    "字段：未知字段「{field}」，可选：place|max|container|conditions|cas"
                ))
            })?;
            let c = ops::chemical(&ctx, id).map_err(failure)?;
            let c = ops::set_chemical_field(&mut ctx, c.id, f, value).map_err(|e| match e {
                OpsError::Invalid { field: _, message } => {
                    Failure::usage(format!("{}（VALUE）：{message}", f.label()))
                }
                e => e.into(),
            })?;
            done(cli, &ctx, &c, "已修改")
        }
        ChemCmd::Export {
            out,
            facility,
            from,
            to,
        } => {
            let day = |flag: &str, t: &Option<String>| -> Result<_, Failure> {
                t.as_deref()
                    .map(|t| crate::domain::parse_date_input(t, ctx.now.today()))
                    .transpose()
                    .map_err(|m| Failure::usage(format!("日期（{flag}）：{m}")))
            };
            let (from, to) = (day("--from", from)?, day("--to", to)?);
            let rep =
                ops::export_chem(&ctx, out, facility.as_deref(), from, to).map_err(
                    |e| match e {
                        OpsError::Invalid { message, .. } => {
                            Failure::usage(format!("日期（--from）：{message}"))
                        }
                        e => e.into(),
                    },
                )?;
            export_done(cli, &rep)
        }
        ChemCmd::Link { id, finding } => {
            let c = ops::chemical(&ctx, id).map_err(failure)?;
            let f = ctx.finding(finding)?;
            ops::link_hazard(&mut ctx, f.id, RegisterRef::Chemical(c.id))?;
            let c = ops::chemical_by_id(&ctx, c.id)?;
            done(cli, &ctx, &c, "已关联隐患")
        }
    }
}

fn done(cli: &Cli, ctx: &Ctx, c: &Chemical, what: &str) -> CmdResult {
    if cli.json {
        return print_json(&json(ctx, c));
    }
    println!(
        "{what}：{} @ {}（编号 {}），结存 {} {}",
        escape_line(&c.name),
        escape_line(&c.place),
        short(c.id),
        c.balance,
        escape_line(&c.unit)
    );
    let flags = c.status_flags();
    if !flags.is_empty() {
        println!("⚠ {}", flags.join("、"));
    }
    let _ = ctx;
    Ok(())
}

/// The JSON of a chemical: its fields, `id`, the balance as text and the flags.
/// Where a chemical is in the facility registry (issue 17): linked, matched by its text, or
/// not registered.
fn registry_place(ctx: &Ctx, c: &Chemical) -> ops::EntryPlace {
    let reg = ops::registry(ctx).unwrap_or_default();
    ops::entry_place(
        &reg,
        crate::domain::LinkTarget::Chemical(c.id),
        &c.facility,
        &c.place,
    )
}

fn json(ctx: &Ctx, c: &Chemical) -> serde_json::Value {
    let mut v = serde_json::to_value(c).unwrap_or_default();
    v["registry"] = serde_json::to_value(registry_place(ctx, c)).unwrap_or_default();
    v["class_label"] = c.class.label().into();
    v["balance_text"] = c.balance.to_string().into();
    v["max_text"] = c.max.to_string().into();
    v["flags"] = c.status_flags().into();
    v
}

fn show(ctx: &Ctx, c: &Chemical) {
    let e = |s: &str| escape_line(s).into_owned();
    println!("危险化学品 {}（{}）", e(&c.name), c.id);
    println!(
        "类别：{}  CAS号：{}",
        c.class.label(),
        if c.cas.is_empty() {
            "—".into()
        } else {
            e(&c.cas)
        }
    );
    println!(
        "单位：{}{}  储存地点：{}",
        e(&c.facility),
        registry_place(ctx, c).mark(),
        e(&c.place)
    );
    println!(
        "结存：{} {}  最大储存量：{} {}",
        c.balance,
        e(&c.unit),
        c.max,
        e(&c.unit)
    );
    println!(
        "包装容器：{}  储存条件：{}",
        e(&c.container),
        e(&c.conditions)
    );
    let flags = c.status_flags();
    if !flags.is_empty() {
        println!("⚠ 标记：{}", flags.join("、"));
    }
    for (field, values) in &c.conflicts {
        println!(
            "⚠ 冲突：{field} 在两台设备上被分别改为 {}（chem edit 选定一个值）",
            values
                .iter()
                .map(|v| format!("「{}」", e(v)))
                .collect::<Vec<_>>()
                .join("、")
        );
    }
    hazard_lines(ctx, &c.hazards);
    println!(
        "登记：{} {}",
        e(&c.created_by),
        local(&ctx.now, c.created_at)
    );
}

fn ledger(ctx: &Ctx, c: &Chemical) {
    if c.movements.is_empty() {
        println!("（尚无入库或领用记录）");
        return;
    }
    println!(
        "{} {} {} {} {} {} 标记",
        cell("日期", 10),
        cell("类型", 4),
        rcell("数量", 8),
        rcell("结存", 8),
        cell("经手人/领用人", 14),
        cell("用途/来源", 20),
    );
    for m in &c.movements {
        let sign = match m.direction {
            Direction::Receipt => "+",
            Direction::Issue => "-",
        };
        println!(
            "{} {} {} {} {} {} {}",
            m.date,
            cell(m.direction.label(), 4),
            rcell(&format!("{sign}{}", m.qty), 8),
            rcell(&m.balance.to_string(), 8),
            cell(&m.who, 14),
            cell(&m.purpose, 20),
            m.flag.map(|f| f.label()).unwrap_or(""),
        );
    }
    let _ = ctx;
}

/// Prints the hazards recorded on a register entry: 隐患编号, status, description.
pub(super) fn hazard_lines(ctx: &Ctx, ids: &[uuid::Uuid]) {
    for f in ops::hazards_of(ctx, ids) {
        let number = f
            .number
            .as_ref()
            .map(|n| n.code())
            .unwrap_or_else(|| short(f.id));
        println!(
            "隐患：{number}  {}  {}",
            f.status_label(),
            escape_line(&f.description)
        );
    }
}

/// Prints what a register export wrote.
pub(super) fn export_done(cli: &Cli, rep: &ops::RegisterExport) -> CmdResult {
    if cli.json {
        return print_json(rep);
    }
    println!("已导出 {}", rep.path.display());
    for (name, rows) in &rep.sheets {
        println!("  {name}：{rows} 行");
    }
    Ok(())
}
