//! `xuncha search QUERY [--limit N]` — the same index and ranking as the TUI overlay.
//! Set `XUNCHA_TIMINGS=1` to see on stderr where the time went.

use super::output::{cell, print_json, short};
use super::{Cli, CmdResult, Failure, context_one_pass};
use crate::domain::sanitize::escape_line;
use crate::ops;
use crate::search::{Hit, Index, Query, Target};
use serde::Serialize;
use std::time::{Duration, Instant};

pub fn run(cli: &Cli, args: &super::args::SearchArgs) -> CmdResult {
    let t0 = Instant::now();
    let parsed = Query::parse(&args.query).map_err(|e| Failure::usage(format!("搜索：{e}")))?;
    if let Some(done) = run_sealed(cli, args, &parsed, t0) {
        return done;
    }
    // Each finding view is read at most once (a full build): the small page cache.
    let ctx = context_one_pass(cli)?;
    let query =
        ops::resolve_query(&ctx, &args.query).map_err(|e| Failure::usage(format!("搜索：{e}")))?;
    if query.is_empty() {
        return Err(Failure::usage(
            "搜索：请输入要查找的内容（中文、拼音或首字母）",
        ));
    }
    // A query that may name a record by its number reads the number index now; an id is
    // looked up in the search index.
    let name = ops::record_name(&ctx, &args.query);
    if let Some(plan) = ops::plan_file_search(&ctx)? {
        let now = ctx.now;
        let t1 = Instant::now();
        // The store's page table goes before the index comes (`ops::search_detached`).
        ctx.release();
        if let Some((index, source)) = plan.load() {
            let t2 = Instant::now();
            let mut hits = index.search_query(&query, &now, args.limit);
            ops::put_named_first(&index, name, &args.query, &now, &mut hits, args.limit);
            timings(t1 - t0, t2 - t1, &source, &index, t2.elapsed());
            drop(index);
            return show(cli, args, &hits);
        }
        // The file changed under this search: the ordinary way.
        return run_open(cli, args, &query, context_one_pass(cli)?, t0);
    }
    run_open(cli, args, &query, ctx, t0)
}

/// The search with the store open: the index brought up to date or built from the store, a
/// number or id the query names put first.
fn run_open(
    cli: &Cli,
    args: &super::args::SearchArgs,
    query: &Query,
    ctx: super::Session,
    t0: Instant,
) -> CmdResult {
    let t1 = Instant::now();
    let (index, source) = ops::search_index(&ctx)?;
    let t2 = Instant::now();
    let mut hits = index.search_query(query, &ctx.now, args.limit);
    ops::put_named_record_first(&ctx, &index, &args.query, &mut hits, args.limit);
    timings(t1 - t0, t2 - t1, &source, &index, t2.elapsed());
    drop(index);
    let shown = show(cli, args, &hits);
    // After the answer is out: the next search may then skip opening the store.
    ctx.close()?;
    shown
}

/// Where the time went, on stderr, when `XUNCHA_TIMINGS` is set.
fn timings(
    open: Duration,
    load: Duration,
    source: &ops::IndexSource,
    index: &Index,
    query: Duration,
) {
    if std::env::var_os("XUNCHA_TIMINGS").is_some() {
        eprintln!(
            "打开存储 {open:?}；读索引 {load:?}（{}；{} 条隐患，{} 段不同文本）；查询 {query:?}",
            source_label(source),
            index.finding_count(),
            index.text_count(),
        );
    }
}

/// The answer from a sealed index file, without opening the store (`ops::sealed_search_index`),
/// when the query needs nothing else: no `line:` filter to resolve, not shaped like a record's
/// number or id. None: take the ordinary way.
fn run_sealed(
    cli: &Cli,
    args: &super::args::SearchArgs,
    query: &Query,
    t0: Instant,
) -> Option<CmdResult> {
    if query.is_empty() || query.line.is_some() || ops::may_name_a_record(&args.query) {
        return None;
    }
    let (index, now) = ops::sealed_search_index(&super::data_dir(cli))?;
    let t1 = Instant::now();
    let hits = index.search_query(query, &now, args.limit);
    if std::env::var_os("XUNCHA_TIMINGS").is_some() {
        eprintln!(
            "未打开存储；读索引 {:?}（已封存的索引文件；{} 条隐患，{} 段不同文本）；查询 {:?}",
            t1 - t0,
            index.finding_count(),
            index.text_count(),
            t1.elapsed()
        );
    }
    Some(show(cli, args, &hits))
}

fn show(cli: &Cli, args: &super::args::SearchArgs, hits: &[Hit]) -> CmdResult {
    if cli.json {
        let out: Vec<HitJson> = hits.iter().map(HitJson::from).collect();
        return print_json(&out);
    }
    if hits.is_empty() {
        println!(
            "没有找到与「{}」相符的检查项、隐患或台账",
            escape_line(args.query.trim())
        );
        return Ok(());
    }
    for hit in hits {
        println!("{}", row(hit));
    }
    Ok(())
}

fn source_label(source: &ops::IndexSource) -> String {
    match source {
        ops::IndexSource::File => "索引文件".into(),
        ops::IndexSource::CaughtUp(n) => format!("索引文件，补入 {n} 条新事件"),
        ops::IndexSource::Built(why) => format!("重建：{why}"),
    }
}

/// One line per hit: kind/status, id, title, where; then the matching field if not the title.
fn row(hit: &Hit) -> String {
    let (kind, id) = match &hit.target {
        Target::Item(id) => ("检查项".to_string(), id.clone()),
        Target::Finding(id) => {
            let status = hit.status.map(|s| s.label()).unwrap_or_default();
            let kind = if hit.retracted {
                "已撤销".to_string()
            } else if hit.overdue {
                format!("{status}·逾期")
            } else {
                status.to_string()
            };
            (kind, short(*id))
        }
        Target::Chemical(id) => ("危险化学品".to_string(), short(*id)),
        Target::Equipment(id) => ("特种设备".to_string(), short(*id)),
    };
    let mut line = format!(
        "{}  {}  {}  ｜{}",
        cell(&kind, 11),
        cell(&id, 24),
        escape_line(&hit.title),
        escape_line(&hit.subtitle)
    );
    if hit.field_text != hit.title && !hit.field_indices.is_empty() {
        line.push_str(&format!(
            "\n{}  {}：{}",
            " ".repeat(37),
            hit.field.label(),
            escape_line(&hit.field_text)
        ));
    }
    line
}

/// A hit for scripts: what it is, the texts shown and the matched char indices.
#[derive(Serialize)]
struct HitJson<'a> {
    kind: &'static str,
    id: String,
    title: &'a str,
    title_indices: &'a [usize],
    subtitle: &'a str,
    field: crate::search::Field,
    field_label: &'static str,
    field_text: &'a str,
    field_indices: &'a [usize],
    line: &'a str,
    line_name: &'a str,
    status: Option<crate::domain::Status>,
    overdue: bool,
    severity: crate::domain::Severity,
    tier: crate::search::Tier,
    score: i64,
}

impl<'a> From<&'a Hit> for HitJson<'a> {
    fn from(h: &'a Hit) -> HitJson<'a> {
        let (kind, id) = match &h.target {
            Target::Item(id) => ("item", id.clone()),
            Target::Finding(id) => ("finding", id.to_string()),
            Target::Chemical(id) => ("chemical", id.to_string()),
            Target::Equipment(id) => ("equipment", id.to_string()),
        };
        HitJson {
            kind,
            id,
            title: &h.title,
            title_indices: &h.title_indices,
            subtitle: &h.subtitle,
            field: h.field,
            field_label: h.field.label(),
            field_text: &h.field_text,
            field_indices: &h.field_indices,
            line: &h.line,
            line_name: &h.line_name,
            status: h.status,
            overdue: h.overdue,
            severity: h.severity,
            tier: h.tier,
            score: h.score,
        }
    }
}
