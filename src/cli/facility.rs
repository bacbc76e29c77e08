//! `xuncha facility add|list|show|edit|merge|import|place add|grade` (issue 16).

use super::output::{cell, local, print_json, short};
use super::{Cli, CmdResult, context, context_one_pass};
use crate::domain::{Facility, PlaceField, sanitize::escape_line};
use crate::ops::{self, NewFacility};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum FacilityCmd {
    /// 登记单位
    Add(AddArgs),
    /// 列出已登记的单位（及历史记录中尚未登记的单位名称）
    List,
    /// 显示单位信息、场所树、重点部位和风险等级
    Show { facility: String },
    /// 修改单位的一个字段：name 名称、type 类型、address 地址、head 主要负责人、head_phone、
    /// deputy 分管负责人、deputy_phone、officer 安全管理员、officer_phone
    Edit {
        facility: String,
        field: String,
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// 合并同一单位的两种写法：OTHER 并入 KEEP，以 OTHER 填写的记录计入 KEEP
    Merge { keep: String, other: String },
    /// 把检查和隐患中填写过、尚未登记的单位名称登记为单位
    Import,
    /// 场所（院区 → 楼 → 层 → 科室/部位）
    #[command(subcommand)]
    Place(PlaceCmd),
    /// 设置场所的风险等级（重大/较大/一般/低）、管控措施和责任人
    Grade(GradeArgs),
    /// 导出单位的风险分级管控清单（XLSX）
    Export {
        facility: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// 单位名称
    #[arg(allow_hyphen_values = true)]
    pub name: String,
    /// 类型：医院、社区卫生服务中心、乡镇卫生院、疾控中心、急救中心、其他（默认按名称推断）
    #[arg(long = "type")]
    pub kind: Option<String>,
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    pub address: String,
    /// 主要负责人
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    pub head: String,
    #[arg(long, default_value = "")]
    pub head_phone: String,
    /// 分管负责人
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    pub deputy: String,
    #[arg(long, default_value = "")]
    pub deputy_phone: String,
    /// 安全管理员
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    pub officer: String,
    #[arg(long, default_value = "")]
    pub officer_phone: String,
}

#[derive(Debug, Subcommand)]
pub enum PlaceCmd {
    /// 登记场所：PATH 如 本部/门诊楼/1层/配电室，上级不存在时一并登记
    Add {
        facility: String,
        path: String,
        /// 类型：院区、楼、层、科室、部位（默认按层级；重点部位默认为部位）
        #[arg(long)]
        kind: Option<String>,
        /// 标为重点部位
        #[arg(long)]
        key_site: bool,
    },
}

#[derive(Debug, Args)]
pub struct GradeArgs {
    pub facility: String,
    /// 场所：路径、名称或编号
    pub place: String,
    /// 风险等级：重大、较大、一般、低（或 major、large、general、low）
    #[arg(long)]
    pub grade: Option<String>,
    /// 管控措施
    #[arg(long, allow_hyphen_values = true)]
    pub measures: Option<String>,
    /// 责任人
    #[arg(long, allow_hyphen_values = true)]
    pub responsible: Option<String>,
    /// 标为（是）或取消（否）重点部位
    #[arg(long)]
    pub key_site: Option<String>,
}

pub fn run(cli: &Cli, cmd: &FacilityCmd) -> CmdResult {
    let mut ctx = match cmd {
        // Both read the facility of every inspection and hazard once (the names typed on
        // records): a small page cache (issue 14).
        FacilityCmd::List | FacilityCmd::Import => context_one_pass(cli)?,
        _ => context(cli)?,
    };
    match cmd {
        FacilityCmd::Add(a) => {
            let f = ops::add_facility(
                &mut ctx,
                NewFacility {
                    name: a.name.clone(),
                    kind: a.kind.clone(),
                    address: a.address.clone(),
                    head: a.head.clone(),
                    head_phone: a.head_phone.clone(),
                    deputy: a.deputy.clone(),
                    deputy_phone: a.deputy_phone.clone(),
                    officer: a.officer.clone(),
                    officer_phone: a.officer_phone.clone(),
                },
            )?;
            emit(cli, &ctx, &f)
        }
        FacilityCmd::List => {
            let reg = ops::registry(&ctx)?;
            let unregistered = ops::unregistered_names(&ctx)?;
            if cli.json {
                let list: Vec<&Facility> = reg.active().collect();
                return print_json(&serde_json::json!({
                    "facilities": list,
                    "unregistered": unregistered,
                }));
            }
            println!(
                "{}  {}  {}  {}  主要负责人",
                cell("编号", 8),
                cell("单位", 28),
                cell("类型", 16),
                cell("重点部位", 8),
            );
            for f in reg.active() {
                let mut name = f.name.clone();
                if f.is_conflicted() {
                    name.push_str("·冲突");
                }
                println!(
                    "{}  {}  {}  {}  {}",
                    short(f.id),
                    cell(&name, 28),
                    cell(f.kind.label(), 16),
                    cell(&f.key_sites().count().to_string(), 8),
                    escape_line(&f.head)
                );
            }
            if !unregistered.is_empty() {
                println!(
                    "\n记录中尚未登记的单位（xuncha facility import 登记）：{}",
                    escape_line(&unregistered.join("、"))
                );
            }
            Ok(())
        }
        FacilityCmd::Show { facility } => {
            let f = ops::facility(&ctx, facility)?;
            emit(cli, &ctx, &f)
        }
        FacilityCmd::Edit {
            facility,
            field,
            value,
        } => {
            let f = ops::edit_facility(&mut ctx, facility, field, value)?;
            emit(cli, &ctx, &f)
        }
        FacilityCmd::Merge { keep, other } => {
            let f = ops::merge_facilities(&mut ctx, keep, other)?;
            if !cli.json {
                eprintln!(
                    "已合并：「{}」并入「{}」",
                    escape_line(other),
                    escape_line(&f.name)
                );
            }
            emit(cli, &ctx, &f)
        }
        FacilityCmd::Import => {
            let added = ops::import_facilities(&mut ctx)?;
            if cli.json {
                return print_json(&added);
            }
            if added.is_empty() {
                println!("记录中的单位均已登记");
            }
            for f in &added {
                println!("已登记：{}（{}）", escape_line(&f.name), f.kind.label());
            }
            Ok(())
        }
        FacilityCmd::Place(PlaceCmd::Add {
            facility,
            path,
            kind,
            key_site,
        }) => {
            let p = ops::add_place(&mut ctx, facility, path, kind.as_deref(), *key_site)?;
            if cli.json {
                return print_json(&p);
            }
            let key = if p.key_site { "（重点部位）" } else { "" };
            println!("已登记场所：{}{key}", escape_line(&p.path));
            Ok(())
        }
        FacilityCmd::Export { facility, out } => {
            let s = ops::export_risk_list(&ctx, facility, out)?;
            if cli.json {
                return print_json(&s);
            }
            println!(
                "已导出风险分级管控清单：{}（{} 个场所）",
                escape_line(&s.path.display().to_string()),
                s.rows
            );
            Ok(())
        }
        FacilityCmd::Grade(g) => {
            let mut changes = Vec::new();
            for (field, v) in [
                (PlaceField::Grade, &g.grade),
                (PlaceField::Measures, &g.measures),
                (PlaceField::Responsible, &g.responsible),
                (PlaceField::KeySite, &g.key_site),
            ] {
                if let Some(v) = v {
                    changes.push((field, v.clone()));
                }
            }
            if changes.is_empty() {
                return Err(super::Failure::usage(
                    "请至少给出 --grade、--measures、--responsible 或 --key-site 之一",
                ));
            }
            let p = ops::set_place_fields(&mut ctx, &g.facility, &g.place, &changes)?;
            if cli.json {
                return print_json(&p);
            }
            println!(
                "{}：{}",
                escape_line(&p.path),
                p.grade
                    .map(|g| g.words())
                    .unwrap_or_else(|| "未评定".into())
            );
            Ok(())
        }
    }
}

fn emit(cli: &Cli, ctx: &ops::Ctx, f: &Facility) -> CmdResult {
    if cli.json {
        return print_json(f);
    }
    print!("{}", show_text(ctx, f));
    Ok(())
}

/// The text of `facility show`.
fn show_text(ctx: &ops::Ctx, f: &Facility) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&escape_line(&s));
        out.push('\n');
    };
    line(format!(
        "{}（{}）  编号 {}",
        f.name,
        f.kind.label(),
        short(f.id)
    ));
    if !f.address.is_empty() {
        line(format!("地址：{}", f.address));
    }
    for (role, name, phone) in [
        ("主要负责人", &f.head, &f.head_phone),
        ("分管负责人", &f.deputy, &f.deputy_phone),
        ("安全管理员", &f.officer, &f.officer_phone),
    ] {
        if !name.is_empty() || !phone.is_empty() {
            line(format!("{role}：{name} {phone}").trim_end().to_string());
        }
    }
    if !f.aliases.is_empty() {
        line(format!("其他写法：{}", f.aliases.join("、")));
    }
    line(format!("登记于 {}", local(&ctx.now, f.created_at)));
    for c in &f.conflicts {
        let values: Vec<String> = c.values.iter().map(|(_, v)| format!("「{v}」")).collect();
        let at = c
            .place
            .as_deref()
            .map(|p| format!("{p} "))
            .unwrap_or_default();
        line(format!(
            "冲突：{at}{} 在两台设备上同时被修改为 {}；当前显示 {}，再次修改即可裁定",
            c.field,
            values.join(" 与 "),
            values[0]
        ));
    }
    if f.places.is_empty() {
        line(
            "场所：尚未登记（xuncha facility place add 单位 本部/门诊楼/配电室 --key-site）".into(),
        );
    } else {
        line("场所：".into());
        for p in &f.places {
            let mut s = format!(
                "{}{}〔{}〕",
                "  ".repeat(p.depth + 1),
                p.name,
                p.kind.label()
            );
            if p.key_site {
                s.push_str(" ★重点部位");
            }
            if let Some(g) = p.grade {
                s.push_str(&format!(" {}", g.words()));
            }
            if !p.responsible.is_empty() {
                s.push_str(&format!(" 责任人：{}", p.responsible));
            }
            if !p.measures.is_empty() {
                s.push_str(&format!(" 管控措施：{}", p.measures));
            }
            line(s);
        }
    }
    out
}

/// Tells on stderr that `name` (just used as typed text) is not in the registry, with the
/// commands that register it or merge it into a registered spelling alike (`ops::alike`).
pub(super) fn unregistered_hint(reg: &crate::domain::Registry, name: &str) {
    let shown = escape_line(name);
    eprintln!(
        "提示：受检单位「{shown}」不在单位台账中，已按文字记录。登记：xuncha facility add {}（或开始检查时加 --register）",
        shell_word(&shown)
    );
    let like = ops::alike(reg, name);
    if let Some(first) = like.first() {
        let names: Vec<String> = like
            .iter()
            .map(|n| format!("「{}」", escape_line(n)))
            .collect();
        eprintln!(
            "已登记的相近单位：{}；是同一单位的另一种写法时：xuncha facility merge {} {}",
            names.join("、"),
            shell_word(&escape_line(first)),
            shell_word(&shown)
        );
    }
}

/// `s` as one shell word: as it is when it holds no character a shell treats specially,
/// else in single quotes (a `'` inside written `'\''`).
pub(super) fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| !c.is_ascii() || c.is_ascii_alphanumeric() || "-_./:@%+,".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
