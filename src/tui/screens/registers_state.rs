//! The 台账 screen's state (issue 17): the chemicals and the special equipment, as loaded
//! through `ops`, which tab is shown and the selection.

use crate::domain::{Chemical, Equipment};

/// What the worker loads for the 台账 screen.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistersData {
    pub chemicals: Vec<Chemical>,
    pub equipment: Vec<Equipment>,
    /// Entries whose 单位 the registry does not know (shown 「（未登记）」).
    pub unregistered: std::collections::BTreeSet<uuid::Uuid>,
}

/// Which list the 台账 screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegisterTab {
    #[default]
    Chemicals,
    Equipment,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegistersState {
    /// None until loaded.
    pub data: Option<RegistersData>,
    pub tab: RegisterTab,
    pub selected: usize,
    /// The entry to select once the data arrives (opened from a search hit).
    pub focus: Option<uuid::Uuid>,
}

impl RegistersState {
    /// Rows in the list shown.
    pub fn len(&self) -> usize {
        match (&self.data, self.tab) {
            (None, _) => 0,
            (Some(d), RegisterTab::Chemicals) => d.chemicals.len(),
            (Some(d), RegisterTab::Equipment) => d.equipment.len(),
        }
    }

    /// Takes newly loaded data, selecting the entry asked for by `focus` (and its tab) when
    /// it is there, or keeping the selection within the list.
    pub fn loaded(&mut self, data: RegistersData) {
        if let Some(id) = self.focus.take() {
            if let Some(i) = data.chemicals.iter().position(|c| c.id == id) {
                (self.tab, self.selected) = (RegisterTab::Chemicals, i);
            } else if let Some(i) = data.equipment.iter().position(|q| q.id == id) {
                (self.tab, self.selected) = (RegisterTab::Equipment, i);
            }
        }
        self.data = Some(data);
        self.selected = self.selected.min(self.len().saturating_sub(1));
    }

    /// Whether the list shown is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
