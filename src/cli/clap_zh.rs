//! Argument errors in Chinese: clap words its own errors in English, so the common kinds are
//! reworded here, naming the argument and the allowed values.

use clap::error::{ContextKind, ContextValue, ErrorKind};

fn ctx(e: &clap::Error, kind: ContextKind) -> String {
    match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// The Chinese message for an argument error, or None for help and version output.
pub fn message(e: &clap::Error) -> Option<String> {
    let arg = ctx(e, ContextKind::InvalidArg);
    let text = match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::InvalidValue => {
            let value = ctx(e, ContextKind::InvalidValue);
            let valid = ctx(e, ContextKind::ValidValue);
            if value.is_empty() {
                format!("参数 {arg} 需要一个值")
            } else if valid.is_empty() {
                format!("参数 {arg} 的值「{value}」无效")
            } else {
                format!("参数 {arg} 的值「{value}」无效，可选：{valid}")
            }
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必填参数：{arg}"),
        ErrorKind::UnknownArgument => format!("未知参数：{arg}"),
        ErrorKind::InvalidSubcommand => {
            format!("未知子命令：{}", ctx(e, ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingSubcommand => {
            format!("缺少子命令：{}", ctx(e, ContextKind::InvalidSubcommand))
        }
        ErrorKind::ArgumentConflict => {
            format!(
                "参数 {arg} 不能与 {} 同时使用",
                ctx(e, ContextKind::PriorArg)
            )
        }
        ErrorKind::ValueValidation => format!(
            "参数 {arg} 的值「{}」无效",
            ctx(e, ContextKind::InvalidValue)
        ),
        _ => e.to_string().trim().to_string(),
    };
    Some(format!("{text}（用 --help 查看用法）"))
}
