//! The argument grammar (clap). Handlers live in the sibling files.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "xuncha",
    version,
    about = "巡查 — 医疗卫生机构安全生产检查（七道防线）。不带子命令时打开终端界面。"
)]
pub struct Cli {
    /// 数据目录（默认：系统数据目录）
    #[arg(long, global = true, env = "XUNCHA_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// 以 JSON 输出（供程序读取）
    #[arg(long, global = true)]
    pub json: bool,
    /// 界面配色：default、light、high-contrast（强光下）、mono
    #[arg(long, global = true)]
    pub theme: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查表（七道防线及扩展）
    #[command(subcommand)]
    Checklist(ChecklistCmd),
    /// 检查：开始、作答、结束、查看
    #[command(subcommand)]
    Inspection(InspectionCmd),
    /// 隐患：登记、整改、复查、销号、督办
    #[command(subcommand)]
    Finding(FindingCmd),
    /// 搜索检查项和历史隐患（中文或拼音）
    Search(SearchArgs),
    /// 通过文件夹同步（U 盘或共享目录）
    Sync(SyncArgs),
    /// 导出隐患台账或可打印表单
    Export(ExportArgs),
    /// 按防线、按单位统计
    Report(ReportArgs),
    /// 检查数据；从事件日志重建视图
    Doctor(DoctorArgs),
    /// 生成演示数据
    Demo(DemoArgs),
    /// 本设备编号和公钥；device list：各设备的同步情况
    Device(DeviceArgs),
    /// 发出督办文书（四书）：一个文号列出同一单位的一条或多条隐患
    Notice(NoticeArgs),
    /// 查看或设置单位信息（发文机关、机关代字、检查单位、联系人、电话），印在表单和文书上
    Org(OrgArgs),
    /// 危险化学品：储存台账、管理使用台账（入库、领用、结存）
    #[command(subcommand)]
    Chem(super::chem::ChemCmd),
    /// 特种设备安全清单：定期检验、维护保养、安全附件、持证人员、超期未检
    #[command(subcommand)]
    Equipment(super::equipment::EquipCmd),
    /// 单位台账：单位、场所、重点部位、风险等级
    #[command(subcommand)]
    Facility(super::facility::FacilityCmd),
    /// 重点部位巡查：开始、逐个部位记录、结束、巡查记录
    #[command(subcommand)]
    Patrol(super::patrol::PatrolCmd),
    /// 巡查和检查频次：各单位按规则应做、已做、未做
    #[command(subcommand)]
    Plan(super::plan::PlanCmd),
}

#[derive(Debug, Args)]
pub struct DeviceArgs {
    #[command(subcommand)]
    pub cmd: Option<DeviceCmd>,
}

#[derive(Debug, Subcommand)]
pub enum DeviceCmd {
    /// 各设备（按人名）：已批准 / 待批准 / 已吊销（已加入单位时），最近一次同步，是否已收到本机的事件
    List,
    /// 批准设备加入单位（办公室电脑）：其暂存的事件立即导入
    Approve {
        /// 设备编号（完整或能唯一确定的前几位）
        id: String,
    },
    /// 吊销设备（办公室电脑；如笔记本丢失）：此前的记录保留，此后写的一律拒收
    Revoke {
        /// 设备编号（完整或能唯一确定的前几位）
        id: String,
        /// 吊销原因
        #[arg(long, allow_hyphen_values = true)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ChecklistCmd {
    /// 列出各防线及检查项数
    List,
    /// 显示一道防线的全部检查项
    Show { line: String },
    /// 校验检查表文件（默认：自定义检查表目录）
    Validate { files: Vec<PathBuf> },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    #[value(name = "self")]
    SelfCheck,
    Supervision,
    Mutual,
    Unannounced,
}

#[derive(Debug, Subcommand)]
pub enum InspectionCmd {
    /// 开始一次检查，输出检查编号
    Start {
        /// 受检单位（全称）
        #[arg(long, allow_hyphen_values = true)]
        facility: String,
        /// 受检科室，可重复（--department 急诊科 --department 药剂科）
        #[arg(long = "department", allow_hyphen_values = true)]
        departments: Vec<String>,
        /// 检查方式：self（自查）、supervision（督查）、mutual（互检）、unannounced（四不两直）
        #[arg(long)]
        mode: ModeArg,
        /// 检查人员，可重复；至少一人
        #[arg(long = "inspector", required = true, allow_hyphen_values = true)]
        inspectors: Vec<String>,
        /// 防线：ID 或中文名（fire 或 消防），可重复；至少一道
        #[arg(long = "line", required = true, allow_hyphen_values = true)]
        lines: Vec<String>,
        /// 带队：主要领导、分管领导、上级督导、行政检查（或 main_leader、deputy_leader、
        /// superior、administrative），供频次规则统计
        #[arg(long)]
        leader: Option<String>,
        /// 受检单位不在单位台账中时，一并登记为新单位（类型按名称推断，负责人等以后用
        /// xuncha facility set 补填）
        #[arg(long)]
        register: bool,
    },
    /// 回答一个检查项：pass（合格）、fail（不合格）、na（不适用）
    Answer {
        id: String,
        item: String,
        answer: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        note: String,
        /// 回答他人的检查：以检查人员身份加入该检查
        #[arg(long)]
        join: bool,
    },
    /// 结束检查
    Finish {
        id: String,
        /// 结束他人的检查：以检查人员身份加入该检查
        #[arg(long)]
        join: bool,
    },
    /// 列出检查（最新在前）
    List,
    /// 显示一次检查的作答和隐患
    Show { id: String },
}

#[derive(Debug, Args, Default)]
pub struct FindingFilter {
    /// 状态：open（待整改）、rectified（待复查）、closed（已销号）、overdue（逾期未整改）、
    /// review-late（待复查超过N天，N 见配置 review_days，默认 7）、retracted（已撤销）
    #[arg(long, allow_hyphen_values = true)]
    pub status: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub line: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub facility: Option<String>,
    /// 等级：general（一般）或 major（重大）
    #[arg(long, allow_hyphen_values = true)]
    pub severity: Option<String>,
    /// 只看有未处理冲突的隐患
    #[arg(long)]
    pub conflicted: bool,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum FindingCmd {
    /// 登记隐患，输出隐患编号
    Add {
        /// 所属检查：检查编号（JC-2026-A3K-0003）、ID 或其前/后至少 6 位；
        /// 用 --chemical / --equipment 记在台账条目上时可不填
        #[arg(
            long,
            allow_hyphen_values = true,
            required_unless_present_any = ["chemical", "equipment"]
        )]
        inspection: Option<String>,
        /// 记在危险化学品上：化学品编号、名称或 名称@储存地点；单位、部位、防线取自台账，
        /// 隐患与该化学品一并关联
        #[arg(long, allow_hyphen_values = true, conflicts_with = "equipment")]
        chemical: Option<String>,
        /// 记在特种设备上：设备编号或名称；单位、部位、防线取自台账，隐患与该设备一并关联
        #[arg(long, allow_hyphen_values = true)]
        equipment: Option<String>,
        /// 检查项 ID（如 fire.extinguisher，见 checklist show 防线）；不填即检查表外的隐患
        #[arg(long, allow_hyphen_values = true)]
        item: Option<String>,
        /// 防线：ID 或中文名（如 fire 或 消防）；检查表外的隐患且检查有多道防线时必填
        #[arg(long, allow_hyphen_values = true)]
        line: Option<String>,
        /// 问题隐患（必填）
        #[arg(long, allow_hyphen_values = true)]
        description: String,
        /// 部位，如 住院部3楼东侧楼梯间（与单位已登记的场所一致时自动关联）
        #[arg(
            long,
            default_value = "",
            allow_hyphen_values = true,
            conflicts_with = "place"
        )]
        location: String,
        /// 部位：单位已登记的场所，完整路径或末段（如 门诊楼/1层/配电室、配电室）；
        /// 对应多个场所时报错，未登记时按文字保存并提示
        #[arg(long, allow_hyphen_values = true)]
        place: Option<String>,
        /// 科室（不填即检查的第一个科室）
        #[arg(long, allow_hyphen_values = true)]
        department: Option<String>,
        /// 隐患等级：general（一般）或 major（重大）；不填按检查项
        #[arg(long, allow_hyphen_values = true)]
        severity: Option<String>,
        /// 整改措施
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        measures: String,
        /// 整改时限：2026-03-20、2026/3/20、20260320、2026年3月20日、3月20日、+7（天）或 +2周
        #[arg(long, allow_hyphen_values = true)]
        due: Option<String>,
        /// 责任单位（部门）及人员
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        responsible: String,
        /// 立查立改：当场已整改（登记即销号）
        #[arg(long)]
        fixed_on_spot: bool,
        /// 隐患类别，如 设备设施类、现场管理类、基础管理类
        #[arg(long, default_value = "")]
        category: String,
        /// 临时防范措施（整改完成前）
        #[arg(long, default_value = "")]
        interim: String,
        /// 整改资金，如 3000元
        #[arg(long, default_value = "")]
        funds: String,
    },
    /// 列出隐患
    List(FindingFilter),
    /// 显示隐患详情和过程记录
    Show { id: String },
    /// 添加照片（JPEG 或 PNG；HEIC 请先转换为 JPEG）：待整改的隐患默认为整改前照片，
    /// 已整改或已销号的默认为整改后照片
    Attach {
        id: String,
        /// 照片文件，可给多个
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// before（整改前）或 after（整改后）
        #[arg(long)]
        stage: Option<String>,
    },
    /// 移除隐患的一张照片（须写原因；处理记录保留添加和移除两步）
    Detach {
        id: String,
        /// 照片序号（finding show 列出的 [1]、[2]……）
        n: usize,
        #[arg(long, allow_hyphen_values = true)]
        reason: String,
    },
    /// 登记整改落实情况
    Rectify {
        id: String,
        #[arg(long, allow_hyphen_values = true)]
        note: String,
        /// 实际完成日期（早于登记日时填写）
        #[arg(long)]
        completed: Option<String>,
        /// 整改报告人姓名（被检查单位报告整改的负责人，与 --by-role 同填）
        #[arg(long, default_value = "")]
        by_name: String,
        /// 整改报告人职务，如 后勤科科长
        #[arg(long, default_value = "")]
        by_role: String,
    },
    /// 复查：--pass 通过并销号，--fail 退回整改（须 --note 说明原因）
    Verify {
        id: String,
        #[arg(long, conflicts_with = "fail")]
        pass: bool,
        #[arg(long)]
        fail: bool,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        note: String,
        /// 复查人姓名（与 --role 同填；不填则只记录操作账号）
        #[arg(long, default_value = "")]
        verifier: String,
        /// 复查人职务，如 安全生产科科长
        #[arg(long, default_value = "")]
        role: String,
    },
    /// 发出下一份督办文书（四书）：整改通知书（未立查立改的隐患即可发）→ 警示约谈告知书 →
    /// 责任追究建议书（上一份文书的期限届满仍未整改方可发），每份文书有自己的整改期限
    Escalate {
        id: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        note: String,
        /// 本文书规定的整改期限：2026-03-20、3月20日、+15 等（默认：整改通知书沿用现行时限）
        #[arg(long, allow_hyphen_values = true)]
        due: Option<String>,
    },
    /// 修改字段（description、location、department、severity、measures、due、responsible）
    Edit {
        id: String,
        field: String,
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// 裁定冲突：--keep N 采用 `finding show` 列出的第 N 个冲突步骤（另一步不生效，仍留在记录中）；
    /// 字段冲突用 --field 与 --value 定下该字段的值
    Settle {
        id: String,
        #[arg(long, conflicts_with_all = ["field", "value"])]
        keep: Option<usize>,
        #[arg(long, requires = "value", allow_hyphen_values = true)]
        field: Option<String>,
        #[arg(long, requires = "field", allow_hyphen_values = true)]
        value: Option<String>,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        note: String,
    },
    /// 添加备注
    Comment {
        id: String,
        #[arg(allow_hyphen_values = true)]
        text: String,
    },
    /// 撤销误登记的隐患
    Retract {
        id: String,
        #[arg(long, allow_hyphen_values = true)]
        reason: String,
    },
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    pub query: String,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[arg(long)]
    pub dir: PathBuf,
    /// 只预览将传输的事件和冲突，不做任何改动
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Html,
    Odt,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long)]
    pub format: ExportFormat,
    #[arg(long)]
    pub out: PathBuf,
    /// html：导出该次检查的自查（督查）整改表
    #[arg(long, allow_hyphen_values = true)]
    pub inspection: Option<String>,
    /// html/odt：导出该隐患已发出的督办文书（默认最近一份）
    #[arg(long, allow_hyphen_values = true)]
    pub finding: Option<String>,
    /// 与 --finding 同用：notice（整改通知书）、interview（警示约谈告知书）、referral（责任追究建议书）
    #[arg(long)]
    pub level: Option<String>,
    /// 台账：发现日期起
    #[arg(long)]
    pub from: Option<String>,
    /// 台账：发现日期止
    #[arg(long)]
    pub to: Option<String>,
    /// 台账：连同已撤销的隐患一起导出（状态列写明“已撤销：原因”）；默认不含
    #[arg(long)]
    pub include_retracted: bool,
    #[command(flatten)]
    pub filter: FindingFilter,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct NoticeArgs {
    #[command(subcommand)]
    pub cmd: Option<NoticeCmd>,
    /// 隐患编号（同一单位、同一级文书的多条隐患共用一个文号）
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// 文书载明的整改期限（默认：隐患的整改时限，已过则按等级顺延）
    #[arg(long)]
    pub due: Option<String>,
    #[arg(long, default_value = "")]
    pub note: String,
}

#[derive(Debug, Subcommand)]
pub enum NoticeCmd {
    /// 登记被检查单位签收督办文书（签收人姓名、职务；时间为登记时间），同一文号的隐患一并签收
    Receive {
        /// 文书所列任一隐患的编号
        id: String,
        /// 签收人姓名
        #[arg(long)]
        name: String,
        /// 签收人职务，如 院长、分管副院长
        #[arg(long)]
        role: String,
        /// 签收哪一份：notice（整改通知书）、interview（警示约谈告知书）、referral（责任追究建议书）；默认最近一份
        #[arg(long)]
        level: Option<String>,
        /// 回执上的整改承诺（建议书为处理意见），可空
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        promise: String,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct OrgArgs {
    #[command(subcommand)]
    pub cmd: Option<OrgCmd>,
    /// 发文机关，如 某某市卫生健康委员会
    #[arg(long)]
    pub authority: Option<String>,
    /// 机关代字（用于文号，不含“整/约/追”），如 某卫安：文号为 某卫安整〔2026〕A3K-1号
    #[arg(long)]
    pub agency_code: Option<String>,
    /// 检查单位
    #[arg(long)]
    pub unit: Option<String>,
    /// 联系人
    #[arg(long)]
    pub contact: Option<String>,
    /// 联系电话
    #[arg(long)]
    pub phone: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum OrgCmd {
    /// 在办公室电脑上创建单位：生成单位密钥，批准本机，显示指纹
    Init {
        /// 单位名称，如 某某市卫生健康委员会
        #[arg(long, allow_hyphen_values = true)]
        name: String,
    },
    /// 在笔记本上加入单位：从同步文件夹读取单位公钥，核对指纹，留下入网申请
    Join {
        /// 同步文件夹（U 盘或共享目录）
        #[arg(long)]
        dir: PathBuf,
        /// 不询问，直接确认指纹（供脚本使用）
        #[arg(long)]
        yes: bool,
        /// 申请中写的检查人员姓名（默认：已设置的姓名）
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        inspector: String,
    },
    /// 显示本机所属单位和指纹
    Show,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// 发现日期起（YYYY-MM-DD）
    #[arg(long, allow_hyphen_values = true)]
    pub from: Option<String>,
    /// 发现日期止（YYYY-MM-DD）
    #[arg(long, allow_hyphen_values = true)]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// 从事件日志重写全部视图
    #[arg(long)]
    pub rebuild: bool,
    /// 数据库无法打开时：用同步文件夹里的同步包重建数据目录（原数据库移到 db.broken-… 保留）
    #[arg(long, requires = "from", conflicts_with = "rebuild")]
    pub recover: bool,
    /// 恢复所用的同步文件夹（可写多次）
    #[arg(long, requires = "recover")]
    pub from: Vec<PathBuf>,
    /// 整理数据库：把全部数据复制到新库再换入，去掉数据库积累的旧版本，缩小数据目录
    #[arg(long, conflicts_with_all = ["rebuild", "recover"])]
    pub compact: bool,
    /// 检查照片目录：哪些照片文件没有任何记录引用（只报告，不删除；见 docs/photos.md）
    #[arg(long, conflicts_with_all = ["rebuild", "recover", "compact"])]
    pub photos: bool,
    /// 与 --photos 同用：删除没有任何记录引用的照片文件（记录引用过的照片从不删除）
    #[arg(long, requires = "photos")]
    pub remove: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// 生成多少条隐患
    #[arg(long, default_value_t = 1000)]
    pub scale: usize,
}
