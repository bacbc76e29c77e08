//! The figures an office sends upward: per line and per facility. Pure counting over findings
//! handed in; `ops::stats` streams them from the store.

use super::Env as Ctx;
use crate::domain::{Finding, Now, Severity, Status};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StatsRow {
    /// Line id or facility name.
    pub key: String,
    pub label: String,
    /// 发现隐患
    pub found: usize,
    /// 重大隐患
    pub major: usize,
    /// 立查立改
    pub fixed_on_spot: usize,
    /// 已整改 (rectified, awaiting verification or closed)
    pub rectified: usize,
    /// 已销号
    pub closed: usize,
    /// 逾期未整改 (as of now: waiting for rectification past the deadline in force)
    pub overdue: usize,
    /// 已督办
    pub escalated: usize,
    /// 逾期整改: rectified after the deadline in force at that moment (kept forever)
    #[serde(default)]
    pub late_rectified: usize,
    /// 整改率 in percent (`rate()`), for JSON readers
    #[serde(default)]
    pub rectified_rate: f64,
    /// 按期整改率 in percent (`on_time_rate()`), for JSON readers
    #[serde(default)]
    pub on_time_rate: f64,
}

impl StatsRow {
    /// 整改率: rectified (including closed) over found, in percent.
    pub fn rate(&self) -> f64 {
        if self.found == 0 {
            0.0
        } else {
            self.rectified as f64 * 100.0 / self.found as f64
        }
    }

    /// 按期整改率: rectified (or closed on the spot) by the deadline in force, over found, in
    /// percent. 逾期整改 counts for 整改率 but not here.
    pub fn on_time_rate(&self) -> f64 {
        if self.found == 0 {
            0.0
        } else {
            (self.rectified - self.late_rectified) as f64 * 100.0 / self.found as f64
        }
    }

    fn set_rates(&mut self) {
        self.rectified_rate = self.rate();
        self.on_time_rate = self.on_time_rate();
    }

    fn add(&mut self, f: &Finding, now: &Now) {
        self.found += 1;
        self.major += (f.severity == Severity::Major) as usize;
        self.fixed_on_spot += f.fixed_on_spot as usize;
        self.rectified += (f.status != Status::Open) as usize;
        self.closed += (f.status == Status::Closed) as usize;
        self.overdue += f.is_overdue(now) as usize;
        self.escalated += f.escalation.is_some() as usize;
        self.late_rectified += (f.status != Status::Open && f.late_days(now).is_some()) as usize;
        self.set_rates();
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub total: StatsRow,
    pub by_line: Vec<StatsRow>,
    pub by_facility: Vec<StatsRow>,
}

/// Counts findings one by one, so a caller that streams findings (the ledger export) gets the
/// same figures as `stats` for exactly the findings it handled.
#[derive(Debug, Clone)]
pub struct Tally {
    total: StatsRow,
    by_line: BTreeMap<String, StatsRow>,
    by_facility: BTreeMap<String, StatsRow>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            total: StatsRow {
                key: "total".into(),
                label: "合计".into(),
                ..Default::default()
            },
            by_line: BTreeMap::new(),
            by_facility: BTreeMap::new(),
        }
    }
}

impl Tally {
    /// Counts one finding (retracted ones are skipped).
    pub fn add(&mut self, ctx: &Ctx, f: &Finding) {
        if f.retracted {
            return;
        }
        self.total.add(f, &ctx.now);
        self.by_line
            .entry(f.line.clone())
            .or_insert_with(|| StatsRow {
                key: f.line.clone(),
                label: ctx.catalog.line_name(&f.line).to_string(),
                ..Default::default()
            })
            .add(f, &ctx.now);
        self.by_facility
            .entry(f.facility.clone())
            .or_insert_with(|| StatsRow {
                key: f.facility.clone(),
                label: f.facility.clone(),
                ..Default::default()
            })
            .add(f, &ctx.now);
    }

    /// The figures, lines in checklist order (then any unknown ones), facilities by name.
    pub fn finish(mut self, ctx: &Ctx, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Stats {
        let mut lines: Vec<StatsRow> = Vec::new();
        for c in &ctx.catalog.lines {
            if let Some(r) = self.by_line.remove(&c.line) {
                lines.push(r);
            }
        }
        lines.extend(self.by_line.into_values());
        Stats {
            from,
            to,
            total: self.total,
            by_line: lines,
            by_facility: self.by_facility.into_values().collect(),
        }
    }
}
