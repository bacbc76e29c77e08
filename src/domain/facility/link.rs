//! Records linked to the registry (issue 16 point 1, issue 17): a hazard's 部位, a chemical's
//! 单位/储存地点 and a piece of equipment's 使用单位/place point at a registered facility and,
//! when one was picked, a place of it. The record keeps its own text for display; the link
//! is an event of the facility (`Payload::PlaceLinked`), so the record's own events stay as
//! they were and a device that never saw the link still shows the text.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The record a link belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "record", content = "id", rename_all = "snake_case")]
pub enum LinkTarget {
    /// A hazard (隐患): its 部位.
    Finding(Uuid),
    /// A chemical of the 储存台账: its 单位 and 储存地点.
    Chemical(Uuid),
    /// A piece of special equipment: its 使用单位 and place.
    Equipment(Uuid),
}

/// `target` is at facility `facility_id`, at place `place_id` when one is named. A later link
/// of the same target (by event order) replaces an earlier one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceLinked {
    pub facility_id: Uuid,
    pub target: LinkTarget,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_id: Option<Uuid>,
}

/// Serde shape of `Facility::links`: a list of `{ "target": {"record", "id"}, "place_id" }`,
/// because JSON map keys must be strings and a `LinkTarget` is an object (`facility show
/// --json` failed with "key must be a string" once a facility had a link).
pub mod links_as_list {
    use super::LinkTarget;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;
    use uuid::Uuid;

    #[derive(Serialize, Deserialize)]
    struct Entry {
        target: LinkTarget,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        place_id: Option<Uuid>,
    }

    /// Writes the map as a list in target order.
    pub fn serialize<S: Serializer>(
        links: &BTreeMap<LinkTarget, Option<Uuid>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(links.iter().map(|(target, place_id)| Entry {
            target: *target,
            place_id: *place_id,
        }))
    }

    /// Reads the list back; a later entry for the same target wins.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<LinkTarget, Option<Uuid>>, D::Error> {
        Ok(Vec::<Entry>::deserialize(d)?
            .into_iter()
            .map(|e| (e.target, e.place_id))
            .collect())
    }
}
