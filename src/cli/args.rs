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
    /// Data directory (default: the platform data dir).
    #[arg(long, global = true, env = "XUNCHA_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Machine-readable JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// TUI colour theme: default, light, high-contrast, mono.
    #[arg(long, global = true)]
    pub theme: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Checklists of the defense lines (检查表).
    #[command(subcommand)]
    Checklist(ChecklistCmd),
    /// Inspections (检查).
    #[command(subcommand)]
    Inspection(InspectionCmd),
    /// Hazards and their closed loop (隐患).
    #[command(subcommand)]
    Finding(FindingCmd),
    /// Search checklist items and past hazards (Chinese or pinyin).
    Search(SearchArgs),
    /// Sync with a folder (USB stick or shared drive).
    Sync(SyncArgs),
    /// Export the ledger (台账) or a printable form.
    Export(ExportArgs),
    /// Statistics per line and facility.
    Report(ReportArgs),
    /// Check the store; rebuild views from the log.
    Doctor(DoctorArgs),
    /// Fill the data dir with realistic demo data.
    Demo(DemoArgs),
    /// This device's id and public key.
    Device,
}

#[derive(Debug, Subcommand)]
pub enum ChecklistCmd {
    /// List the lines and their item counts.
    List,
    /// Show one line's sections and items.
    Show { line: String },
    /// Validate checklist files (default: the built-in and user ones).
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
    /// Start an inspection; prints its id.
    Start {
        #[arg(long)]
        facility: String,
        #[arg(long = "department")]
        departments: Vec<String>,
        #[arg(long)]
        mode: ModeArg,
        #[arg(long = "inspector", required = true)]
        inspectors: Vec<String>,
        #[arg(long = "line", required = true)]
        lines: Vec<String>,
    },
    /// Answer one item: pass, fail or na.
    Answer {
        id: String,
        item: String,
        answer: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Finish an inspection.
    Finish { id: String },
    /// List inspections, newest first.
    List,
    /// Show one inspection with its answers and findings.
    Show { id: String },
}

#[derive(Debug, Args, Default)]
pub struct FindingFilter {
    /// open, rectified, closed or overdue.
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub line: Option<String>,
    #[arg(long)]
    pub facility: Option<String>,
    /// general or major.
    #[arg(long)]
    pub severity: Option<String>,
    /// Only findings with an unsettled conflict.
    #[arg(long)]
    pub conflicted: bool,
}

#[derive(Debug, Subcommand)]
pub enum FindingCmd {
    /// Record a hazard; prints its id.
    Add {
        #[arg(long)]
        inspection: String,
        #[arg(long)]
        item: Option<String>,
        #[arg(long)]
        line: Option<String>,
        #[arg(long)]
        description: String,
        #[arg(long, default_value = "")]
        location: String,
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        severity: Option<String>,
        #[arg(long, default_value = "")]
        measures: String,
        /// YYYY-MM-DD, +7 (days) or +2w (weeks).
        #[arg(long)]
        due: Option<String>,
        #[arg(long, default_value = "")]
        responsible: String,
        #[arg(long)]
        fixed_on_spot: bool,
    },
    /// List findings.
    List(FindingFilter),
    /// Show one finding with its history.
    Show { id: String },
    /// Record the rectification (整改).
    Rectify {
        id: String,
        #[arg(long)]
        note: String,
    },
    /// Verify (复查): --pass closes it (销号), --fail sends it back.
    Verify {
        id: String,
        #[arg(long, conflicts_with = "fail")]
        pass: bool,
        #[arg(long)]
        fail: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Escalate an overdue finding to the next 四书 step.
    Escalate {
        id: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Edit one field (description, location, department, severity, measures, due, responsible).
    Edit {
        id: String,
        field: String,
        value: String,
    },
    /// Add a comment.
    Comment { id: String, text: String },
    /// Retract a finding recorded by mistake.
    Retract {
        id: String,
        #[arg(long)]
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
    /// Show what would move and conflict, changing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Html,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long)]
    pub format: ExportFormat,
    #[arg(long)]
    pub out: PathBuf,
    /// For html: the inspection form (自查（督查）整改表).
    #[arg(long)]
    pub inspection: Option<String>,
    /// For html: the notice (整改通知书, or the 四书 step it reached).
    #[arg(long)]
    pub finding: Option<String>,
    #[command(flatten)]
    pub filter: FindingFilter,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day found (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day found (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Rewrite the views from the log.
    #[arg(long)]
    pub rebuild: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many findings to make.
    #[arg(long, default_value_t = 1000)]
    pub scale: usize,
}
