//! The part of a finding the index reads. Deserialises straight from a stored finding view
//! (unknown fields such as the history are skipped, strings borrowed where possible), so the
//! CLI can index 100,000 findings without building full `Finding` values.

use crate::domain::{Finding, Severity, Status};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use std::borrow::Cow;
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize)]
pub struct FindingDoc<'a> {
    pub id: Uuid,
    #[serde(borrow)]
    pub facility: Cow<'a, str>,
    #[serde(borrow)]
    pub department: Cow<'a, str>,
    #[serde(borrow)]
    pub location: Cow<'a, str>,
    #[serde(borrow)]
    pub line: Cow<'a, str>,
    #[serde(borrow)]
    pub description: Cow<'a, str>,
    pub severity: Severity,
    pub status: Status,
    pub due: Option<NaiveDate>,
    #[serde(borrow)]
    pub measures: Cow<'a, str>,
    #[serde(borrow)]
    pub responsible: Cow<'a, str>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub retracted: bool,
}

impl<'a> From<&'a Finding> for FindingDoc<'a> {
    fn from(f: &'a Finding) -> FindingDoc<'a> {
        FindingDoc {
            id: f.id,
            facility: Cow::Borrowed(&f.facility),
            department: Cow::Borrowed(&f.department),
            location: Cow::Borrowed(&f.location),
            line: Cow::Borrowed(&f.line),
            description: Cow::Borrowed(&f.description),
            severity: f.severity,
            status: f.status,
            due: f.due,
            measures: Cow::Borrowed(&f.measures),
            responsible: Cow::Borrowed(&f.responsible),
            created_at: f.created_at.utc(),
            retracted: f.retracted,
        }
    }
}

impl FindingDoc<'_> {
    /// The same document holding its own texts (for one kept after the view it was read from).
    pub fn into_owned(self) -> FindingDoc<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        FindingDoc {
            id: self.id,
            facility: own(self.facility),
            department: own(self.department),
            location: own(self.location),
            line: own(self.line),
            description: own(self.description),
            severity: self.severity,
            status: self.status,
            due: self.due,
            measures: own(self.measures),
            responsible: own(self.responsible),
            created_at: self.created_at,
            retracted: self.retracted,
        }
    }
}
