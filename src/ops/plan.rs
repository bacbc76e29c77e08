//! The rules of frequency (issue 16 point 4): the built-in `data/frequency.toml` or the user's
//! `<config>/frequency.toml`, and `plan status` over the registry, patrols and inspections.

use super::{Ctx, OpsError, Result};
use crate::domain::{
    InspectionMark, MAX_PLAN_DAYS, PlanRow, Rule, RulesError, evaluate_plan, panel_lines,
    parse_rules, patrol_window,
};
use chrono::{Datelike, NaiveDate};
use std::path::Path;

/// The built-in rules file, with seed 003's rules and their clauses.
pub const BUILTIN_RULES: &str = include_str!("../../data/frequency.toml");

/// The built-in rules (the file ships with the binary and is checked by a test).
pub fn builtin_rules() -> Vec<Rule> {
    static RULES: std::sync::OnceLock<Vec<Rule>> = std::sync::OnceLock::new();
    RULES
        .get_or_init(|| parse_rules(BUILTIN_RULES, "data/frequency.toml").unwrap_or_default())
        .clone()
}

/// The rules in force: `<config_dir>/frequency.toml` when it exists and is valid, else the
/// built-in ones. A file that cannot be read or used is returned as the error (file and line),
/// with the built-in rules to go on with.
pub fn load_rules(config_dir: &Path) -> (Vec<Rule>, Option<RulesError>) {
    let path = config_dir.join("frequency.toml");
    let shown = path.display().to_string();
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(_) => return (builtin_rules(), None),
    };
    let too_big = meta.len() > 1 << 20;
    let read = if !meta.is_file() || too_big {
        Err(RulesError {
            file: shown.clone(),
            line: 1,
            message: "不是普通文件或大于 1 MB，未使用".into(),
        })
    } else {
        std::fs::read(&path)
            .map_err(|e| RulesError {
                file: shown.clone(),
                line: 1,
                message: format!("无法读取：{e}"),
            })
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| RulesError {
                    file: shown.clone(),
                    line: 1,
                    message: "不是 UTF-8 文本".into(),
                })
            })
            .and_then(|t| parse_rules(&t, &shown))
    };
    match read {
        Ok(rules) => (rules, None),
        Err(e) => (builtin_rules(), Some(e)),
    }
}

/// `plan status`: every rule for every registered facility (or the one named) in each period
/// of `[from, to]` that has begun; both default to today. Ranges over `MAX_PLAN_DAYS` days are
/// refused.
pub fn plan_status(
    ctx: &Ctx,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    facility: Option<&str>,
) -> Result<Vec<PlanRow>> {
    let today = ctx.now.today();
    let (from, to) = (from.unwrap_or(today), to.unwrap_or(today));
    if from > to {
        return Err(OpsError::invalid(
            super::Input::Other("起止日期".into()),
            format!("{from} 晚于 {to}"),
        ));
    }
    if (to - from).num_days() >= MAX_PLAN_DAYS {
        return Err(OpsError::invalid(
            super::Input::Other("起止日期".into()),
            format!("一次最多 {MAX_PLAN_DAYS} 天"),
        ));
    }
    let only = match facility {
        Some(t) => Some(super::facility(ctx, t)?.id),
        None => None,
    };
    // From the facilities model kept with the log (issue 14): folding the whole registry was
    // most of a process's first home once the patrols were read from their model.
    let mut facilities = ctx.store.plan_facilities()?;
    facilities.retain(|f| only.is_none_or(|id| f.id == id));
    // Only the visits the patrol rules' periods can count, from the visit model kept with the
    // log (issue 14): folding every patrol ever made was most of the home plan panel. The
    // periods are in the writers' local time, which is within a day of UTC (offsets are
    // under 24 hours).
    let visits = match patrol_window(&ctx.rules, from, to, &ctx.now) {
        Some((start, end)) => {
            let day = chrono::Duration::days(1);
            let ms = |t: chrono::NaiveDateTime| t.and_utc().timestamp_millis();
            ctx.store
                .patrol_visits_between(ms(start - day), ms(end + day))?
        }
        None => vec![],
    };
    // The longest period is a calendar year, so only inspections started since the first of
    // January of `from`'s year count (two days earlier, for any UTC offset); they come from the
    // inspection marks kept with the log, not from every inspection view (issue 16).
    let since =
        NaiveDate::from_ymd_opt(from.year(), 1, 1).unwrap_or(from) - chrono::Duration::days(2);
    let since_ms = since
        .and_hms_opt(0, 0, 0)
        .map_or(i64::MIN, |t| t.and_utc().timestamp_millis());
    let inspections: Vec<InspectionMark> = ctx
        .store
        .inspection_marks_since(since_ms)?
        .into_iter()
        .map(|i| InspectionMark {
            facility: i.facility,
            at: i.started_at,
            mode: i.mode,
            leader: i.leader,
        })
        .collect();
    Ok(evaluate_plan(
        &ctx.rules,
        &facilities,
        &visits,
        &inspections,
        from,
        to,
        &ctx.now,
    ))
}

/// Writes the coverage of `plan_status` (same arguments) as XLSX.
pub fn export_coverage(
    ctx: &Ctx,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    facility: Option<&str>,
    path: &Path,
) -> Result<crate::report::ExportSummary> {
    let rows = plan_status(ctx, from, to, facility)?;
    let today = ctx.now.today();
    let range = format!("{} 至 {}", from.unwrap_or(today), to.unwrap_or(today));
    Ok(crate::report::write_coverage(&rows, &range, path)?)
}

/// The home panel's lines for now: what is short in the current periods.
pub fn plan_panel(ctx: &Ctx) -> Result<Vec<String>> {
    let today = ctx.now.today();
    let rows = plan_status(
        ctx,
        Some(today - chrono::Duration::days(1)),
        Some(today),
        None,
    )?;
    Ok(panel_lines(&ctx.rules, &rows, &ctx.now))
}
