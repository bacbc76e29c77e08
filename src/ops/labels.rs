//! Each hazard's line name and item text as its inspection's checklist version gives them
//! (issue 15): forms and the detail print what the inspector checked, not today's file.

use super::Ctx;
use crate::domain::{Finding, Inspection, ItemLabel};
use std::collections::HashMap;
use uuid::Uuid;

impl Ctx {
    /// The label of one hazard (see [`ItemLabel`]): its inspection's version of the line
    /// (`Ctx::checklist_for`), else the loaded catalog. Never fails: an inspection that cannot
    /// be read names the line and item from the catalog, and an unknown item by its id.
    pub fn item_label(&self, finding: &Finding) -> ItemLabel {
        let insp = finding
            .inspection_id
            .and_then(|id| self.store.inspection(id).ok().flatten());
        self.label_in(insp.as_ref(), finding)
    }

    /// The labels of many hazards, reading each inspection once: finding id → label.
    pub fn item_labels<'a>(
        &self,
        findings: impl IntoIterator<Item = &'a Finding>,
    ) -> HashMap<Uuid, ItemLabel> {
        let mut inspections: HashMap<Uuid, Option<Inspection>> = HashMap::new();
        findings
            .into_iter()
            .map(|f| {
                let insp = f.inspection_id.and_then(|id| {
                    inspections
                        .entry(id)
                        .or_insert_with(|| self.store.inspection(id).ok().flatten())
                        .clone()
                });
                (f.id, self.label_in(insp.as_ref(), f))
            })
            .collect()
    }

    fn label_in(&self, insp: Option<&Inspection>, f: &Finding) -> ItemLabel {
        let version = insp.and_then(|i| self.checklist_for(i, &f.line));
        let line = match &version {
            Some(c) => c.name.clone(),
            None => self.catalog.line_name(&f.line).to_string(),
        };
        let check = f.item_id.as_ref().map(|id| {
            version
                .as_ref()
                .and_then(|c| c.items().find(|it| &it.id == id))
                .or_else(|| self.catalog.item(id))
                .map(|it| it.check.clone())
                .unwrap_or_else(|| id.clone())
        });
        ItemLabel { line, check }
    }
}
