//! Search as a use case: ops owns the index (built on the first search, kept current as
//! findings change, dropped after a sync).

use super::{Ctx, OpsError, Result};
use crate::domain::{Chemical, Equipment, Finding};
use crate::search::{Hit, Index, LoadTimes, Query};
use crate::store::StoreError;
use std::time::Instant;

/// The best hits for a query, and why the query cannot be answered as typed, if so.
#[derive(Debug, Clone, Default)]
pub struct SearchOutcome {
    /// Best first, at most the limit asked for.
    pub hits: Vec<Hit>,
    /// A filter typed wrong (`line:xyz`), in words the user reads.
    pub error: Option<String>,
}

/// Builds the index of every checklist item and every finding: one raw scan of the finding
/// views. The times say where the work went (for `XUNCHA_TIMINGS` and benchmarks).
///
/// # Errors
/// `Store` when a view cannot be read or decoded.
pub fn load_search_index(ctx: &Ctx) -> Result<(Index, LoadTimes)> {
    let t0 = Instant::now();
    let mut index = Index::of_catalog(&ctx.catalog);
    let t1 = Instant::now();
    let mut count = 0;
    ctx.store.for_each_finding_json(|bytes| {
        index.upsert_json(bytes).map_err(StoreError::Corrupt)?;
        count += 1;
        Ok(())
    })?;
    index_registers(ctx, &mut index)?;
    let times = LoadTimes {
        catalog: t1 - t0,
        findings: t1.elapsed(),
        count,
    };
    Ok((index, times))
}

/// Lets go of the search index `ctx` holds, if any; the next search reads the index file
/// again (brought up to date by the stamp, or built). The TUI calls it before the register
/// reads or shows its rows (issue 14): at 100,000 hazards the index (≈ 25 MB) and the
/// register's rows (≈ 24 MB) held together over sled's page table took it to 109 MB. True
/// when an index was held.
pub fn let_go_of_search_index(ctx: &mut Ctx) -> bool {
    ctx.index.take().is_some()
}

/// The best `limit` hits for `query` (items and findings ranked together), reading the index
/// on first use (`search_index`: the file in the data dir, else a build) and keeping it in
/// `ctx` for the next keystroke.
///
/// # Errors
/// `Store` when the index cannot be built. A query typed wrong is not an error: it comes back
/// in `SearchOutcome::error`.
pub fn search(ctx: &mut Ctx, query: &str, limit: usize) -> Result<SearchOutcome> {
    if ctx.index.is_none() {
        ctx.index = Some(super::search_index(ctx)?.0);
    }
    let index = ctx
        .index
        .as_ref()
        .ok_or(OpsError::Setup("搜索索引".into()))?;
    let (mut hits, error) = match resolve_query(ctx, query) {
        Ok(q) => (index.search_query(&q, &ctx.now, limit), None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    put_named_record_first(ctx, index, query, &mut hits, limit);
    Ok(SearchOutcome { hits, error })
}

/// Parses a search query and resolves its `line:` filter (an id or a Chinese name) to the line
/// id through [`Ctx::resolve_line`], the one resolver every command uses; the index then matches
/// ids only.
///
/// # Errors
/// `Invalid` (field 防线) naming a line that does not exist and listing those that do; a filter
/// typed wrong (`line:` with no value) as `Invalid` with the parser's words.
pub fn resolve_query(ctx: &Ctx, text: &str) -> Result<Query> {
    let mut q = Query::parse(text)
        .map_err(|e| OpsError::invalid(super::Input::Other("搜索".into()), e.to_string()))?;
    if let Some(typed) = q.line.take() {
        q.line = Some(ctx.resolve_line(super::Input::Line, &typed)?);
    }
    Ok(q)
}

/// Adds every chemical and piece of special equipment to `index` (a few hundred entries in a
/// city's store: folded from their own events, not from the finding views).
///
/// # Errors
/// `Store` when a register cannot be read.
pub fn index_registers(ctx: &Ctx, index: &mut Index) -> Result<()> {
    for c in super::chem::chemicals(ctx)? {
        index.upsert_chemical(&c);
    }
    for q in super::equipment::equipment_list(ctx)? {
        index.upsert_equipment(&q);
    }
    Ok(())
}

/// The chemical `id` as it now stands, put into a built index (no-op before the first search):
/// what every register write returns, so search finds a change at once.
///
/// # Errors
/// `NotFound` when no chemical has this id.
pub fn indexed_chemical(ctx: &mut Ctx, id: uuid::Uuid) -> Result<Chemical> {
    let c = super::chem::chemical_by_id(ctx, id)?;
    if let Some(index) = ctx.index.as_mut() {
        index.upsert_chemical(&c);
    }
    Ok(c)
}

/// The piece of equipment `id` as it now stands, put into a built index (see
/// `indexed_chemical`).
///
/// # Errors
/// `NotFound` when no equipment has this id.
pub fn indexed_equipment(ctx: &mut Ctx, id: uuid::Uuid) -> Result<Equipment> {
    let q = super::equipment::equipment_by_id(ctx, id)?;
    if let Some(index) = ctx.index.as_mut() {
        index.upsert_equipment(&q);
    }
    Ok(q)
}

/// Keeps a built index current after a finding was saved or changed (no-op before the first
/// search).
pub fn index_finding(ctx: &mut Ctx, f: &Finding) {
    if let Some(index) = ctx.index.as_mut() {
        index.upsert_finding(f);
    }
}

/// When `query` names one finding by its 隐患编号 or short id, puts that finding first in
/// `hits` (once), keeping at most `limit` hits (at least the named one).
pub fn put_named_record_first(
    ctx: &Ctx,
    index: &Index,
    query: &str,
    hits: &mut Vec<Hit>,
    limit: usize,
) {
    let name = record_name(ctx, query);
    put_named_first(index, name, query, &ctx.now, hits, limit);
}

/// How a query names a record, as far as the store must answer it: read while the store is
/// open, then [`put_named_first`] finishes with the index alone (`xuncha search` closes the
/// store in between, issue 14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordName {
    /// Not shaped like a number or an id (`may_name_a_record`), or the store could not be
    /// read: nothing named.
    Nothing,
    /// The finding with this 隐患编号.
    Numbered(uuid::Uuid),
    /// No such number: an id, its start or its end, looked up among the index's findings.
    Id,
}

/// The store's part of naming a record: the finding whose 隐患编号 `query` is (the number
/// index, a few keys). Only queries shaped like an id or a number are looked up, so typing
/// Chinese text costs nothing extra.
pub fn record_name(ctx: &Ctx, query: &str) -> RecordName {
    if !may_name_a_record(query) {
        return RecordName::Nothing;
    }
    match ctx.store.finding_by_number(query.trim()) {
        Ok(Some(id)) => RecordName::Numbered(id),
        Ok(None) => RecordName::Id,
        Err(_) => RecordName::Nothing,
    }
}

/// [`put_named_record_first`] once the store's part (`name`) is read: an id is looked up
/// among the index's findings, which are the store's findings (the index is current).
pub fn put_named_first(
    index: &Index,
    name: RecordName,
    query: &str,
    now: &crate::domain::Now,
    hits: &mut Vec<Hit>,
    limit: usize,
) {
    let id = match name {
        RecordName::Nothing => None,
        RecordName::Numbered(id) => Some(id),
        RecordName::Id => finding_by_id_text(index, query),
    };
    if let Some(exact) = id.and_then(|id| index.hit_for_finding(id, now)) {
        hits.retain(|h| h.target != exact.target);
        hits.insert(0, exact);
        hits.truncate(limit.max(1));
    }
}

/// The one finding of `index` that `text` names by its whole id, or by at least 6 hex digits
/// from the start of the id or else from its end (dashes ignored), as the store resolves an
/// id (`Store::resolve_finding`), whose answer to a tail walked every finding view (at
/// 100,000 hazards ≈ 140 ms, and 60 MB more resident in `xuncha search`); the index holds
/// every finding's id. None when none or several match.
fn finding_by_id_text(index: &Index, text: &str) -> Option<uuid::Uuid> {
    let t = text.trim().to_ascii_lowercase();
    if let Ok(id) = uuid::Uuid::parse_str(&t) {
        return index.has_finding(id).then_some(id);
    }
    let hex: String = t.chars().filter(|c| *c != '-').collect();
    if hex.len() < 6 || hex.len() > 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let matching = |keep: &dyn Fn(&str) -> bool| -> Vec<uuid::Uuid> {
        let mut buf = uuid::Uuid::encode_buffer();
        index
            .finding_ids()
            .filter(|id| keep(id.simple().encode_lower(&mut buf)))
            .collect()
    };
    let mut found = matching(&|id| id.starts_with(&hex));
    if found.is_empty() {
        found = matching(&|id| id.ends_with(&hex));
    }
    (found.len() == 1).then(|| found[0])
}

/// Whether `query` is shaped like a 隐患编号 or a (short) finding id, so that answering it
/// reads the store (`put_named_record_first`); other queries are answered by the index alone.
pub fn may_name_a_record(query: &str) -> bool {
    let q = query.trim();
    let id_like = q.len() >= 6 && q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let hex = || {
        let digits = q.chars().filter(|c| *c != '-');
        (6..=32).contains(&digits.clone().count()) && digits.clone().all(|c| c.is_ascii_hexdigit())
    };
    id_like && (crate::domain::number_key(q).is_some() || hex())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::demo_ctx;
    use super::{finding_by_id_text, load_search_index};

    /// The index names a finding by its id, start or end exactly as the store does.
    #[test]
    fn an_id_is_found_in_the_index_as_the_store_resolves_it() {
        let (_dir, c) = demo_ctx(300);
        let (index, _) = load_search_index(&c).unwrap();
        let mut texts = vec![
            "abcdef".to_string(),
            "000000".into(),
            "xyz123".into(),
            "12345".into(),
        ];
        for id in index.finding_ids().take(40) {
            let full = id.to_string();
            let simple = id.simple().to_string();
            texts.extend([
                full.clone(),
                simple.to_uppercase(),
                format!(" {} ", &simple[..6]),
                simple[..7].to_string(),
                simple[..12].to_string(),
                full[..11].to_string(),
                simple[26..].to_string(),
                simple[24..].to_string(),
                full[27..].to_string(),
                simple[10..18].to_string(),
            ]);
        }
        let mut named = 0;
        for t in &texts {
            let by_store = c.store.resolve_finding(t).ok().flatten();
            assert_eq!(finding_by_id_text(&index, t), by_store, "{t}");
            named += usize::from(by_store.is_some());
        }
        assert!(named > 100, "ids, starts and ends found: {named}");
    }
}
