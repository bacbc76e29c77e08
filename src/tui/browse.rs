//! The state of the two browsers (issue 11, point 3): every inspection, with filters taken from
//! the selected row (its facility, month, mode, inspector) and a choice of order; and every
//! facility with its hazard counts. Pure: rows come from `ops::all_inspections` and
//! `ops::facility_rows`.

use crate::domain::{Mode, facility_fits};
use crate::ops::{FacilityRow, InspectionSummary};
use chrono::{Datelike, NaiveDate};

/// How the inspection browser orders its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InspectionSort {
    /// Newest start first.
    #[default]
    Newest,
    Oldest,
    /// By facility name, newest first within one.
    Facility,
    /// By 检查方式, newest first within one.
    Mode,
    /// By the first inspector's name, newest first within one.
    Inspector,
}

impl InspectionSort {
    pub fn label(self) -> &'static str {
        match self {
            InspectionSort::Newest => "最新在前",
            InspectionSort::Oldest => "最早在前",
            InspectionSort::Facility => "按单位",
            InspectionSort::Mode => "按方式",
            InspectionSort::Inspector => "按检查人",
        }
    }

    pub fn next(self) -> InspectionSort {
        match self {
            InspectionSort::Newest => InspectionSort::Oldest,
            InspectionSort::Oldest => InspectionSort::Facility,
            InspectionSort::Facility => InspectionSort::Mode,
            InspectionSort::Mode => InspectionSort::Inspector,
            InspectionSort::Inspector => InspectionSort::Newest,
        }
    }
}

/// Which inspections show; every part is off by default.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InspectionFilter {
    pub facility: Option<String>,
    /// Every spelling `facility` stands for (a registered facility's merged spellings);
    /// empty: `facility` as typed.
    pub facility_spellings: Vec<String>,
    /// (year, month) of the start date.
    pub month: Option<(i32, u32)>,
    pub mode: Option<Mode>,
    /// One of the inspectors.
    pub inspector: Option<String>,
    /// Some(false): in progress only; Some(true): finished only.
    pub finished: Option<bool>,
}

impl InspectionFilter {
    pub fn matches(&self, i: &InspectionSummary) -> bool {
        self.facility
            .as_ref()
            .is_none_or(|f| facility_fits(f, &self.facility_spellings, &i.facility))
            && self
                .month
                .is_none_or(|(y, m)| i.started.year() == y && i.started.month() == m)
            && self.mode.is_none_or(|m| i.mode == m)
            && self
                .inspector
                .as_ref()
                .is_none_or(|p| i.inspectors.contains(p))
            && self.finished.is_none_or(|f| i.finished == f)
    }

    pub fn is_empty(&self) -> bool {
        *self == InspectionFilter::default()
    }
}

/// The inspection browser.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InspectionsState {
    /// Every inspection, newest first; None while loading.
    pub rows: Option<Vec<InspectionSummary>>,
    /// Indices into rows that pass the filter, in display order.
    pub visible: Vec<usize>,
    pub selected: usize,
    pub filter: InspectionFilter,
    pub sort: InspectionSort,
}

impl InspectionsState {
    /// A browser showing one facility's inspections, under every spelling in `spellings`
    /// (empty: `name` as typed).
    pub fn of_facility(name: &str, spellings: &[String]) -> InspectionsState {
        InspectionsState {
            filter: InspectionFilter {
                facility: Some(name.to_string()),
                facility_spellings: spellings.to_vec(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    pub fn selected_row(&self) -> Option<&InspectionSummary> {
        let i = *self.visible.get(self.selected)?;
        self.rows.as_ref()?.get(i)
    }

    /// Recomputes `visible` after a load, a filter or an order change, keeping the selected
    /// inspection selected when it still shows.
    pub fn refresh(&mut self) {
        let keep = self.selected_row().map(|r| r.id);
        let Some(rows) = &self.rows else {
            self.visible.clear();
            return;
        };
        let mut visible: Vec<usize> = (0..rows.len())
            .filter(|&i| self.filter.matches(&rows[i]))
            .collect();
        // Rows arrive newest first; a stable sort keeps that order within equal keys.
        let first = |i: &usize| rows[*i].inspectors.first().cloned().unwrap_or_default();
        match self.sort {
            InspectionSort::Newest => {}
            InspectionSort::Oldest => visible.reverse(),
            InspectionSort::Facility => {
                visible.sort_by(|a, b| rows[*a].facility.cmp(&rows[*b].facility))
            }
            InspectionSort::Mode => visible.sort_by_key(|i| rows[*i].mode.label()),
            InspectionSort::Inspector => visible.sort_by_key(first),
        }
        self.selected = keep
            .and_then(|id| visible.iter().position(|&i| rows[i].id == id))
            .unwrap_or(0)
            .min(visible.len().saturating_sub(1));
        self.visible = visible;
    }
}

/// How the facility browser orders its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FacilitySort {
    /// Most recently inspected first (as loaded).
    #[default]
    LastInspected,
    /// Most hazards waiting for rectification first.
    Open,
    Name,
}

impl FacilitySort {
    pub fn label(self) -> &'static str {
        match self {
            FacilitySort::LastInspected => "最近检查在前",
            FacilitySort::Open => "待整改多在前",
            FacilitySort::Name => "按名称",
        }
    }

    pub fn next(self) -> FacilitySort {
        match self {
            FacilitySort::LastInspected => FacilitySort::Open,
            FacilitySort::Open => FacilitySort::Name,
            FacilitySort::Name => FacilitySort::LastInspected,
        }
    }
}

/// The facility browser.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FacilityListState {
    /// Every facility, most recently inspected first; None while loading.
    pub rows: Option<Vec<FacilityRow>>,
    /// Indices into rows in display order.
    pub visible: Vec<usize>,
    pub selected: usize,
    pub sort: FacilitySort,
}

impl FacilityListState {
    pub fn selected_row(&self) -> Option<&FacilityRow> {
        let i = *self.visible.get(self.selected)?;
        self.rows.as_ref()?.get(i)
    }

    /// Recomputes the order, keeping the selected facility selected.
    pub fn refresh(&mut self) {
        let keep = self.selected_row().map(|r| r.name.clone());
        let Some(rows) = &self.rows else {
            self.visible.clear();
            return;
        };
        let mut visible: Vec<usize> = (0..rows.len()).collect();
        match self.sort {
            FacilitySort::LastInspected => {}
            FacilitySort::Open => visible.sort_by_key(|i| std::cmp::Reverse(rows[*i].open)),
            FacilitySort::Name => visible.sort_by(|a, b| rows[*a].name.cmp(&rows[*b].name)),
        }
        self.selected = keep
            .and_then(|n| visible.iter().position(|&i| rows[i].name == n))
            .unwrap_or(0)
            .min(visible.len().saturating_sub(1));
        self.visible = visible;
    }
}

/// "2026-11" for a month filter.
pub fn month_label((y, m): (i32, u32)) -> String {
    format!("{y}-{m:02}")
}

/// The (year, month) of a day.
pub fn month_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}
