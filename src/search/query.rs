//! The query language: words to match (all of them, in any field) and `key:value` filters.
//!
//! `gl房 line:energy status:overdue facility:东城` — filters: `line:` (id or Chinese name),
//! `status:` (open|rectified|closed|overdue, or 待整改|待复查|已销号|逾期), `facility:`
//! (part of the facility name). A word with an unknown key is searched as text.

use super::matcher::Term;
use crate::domain::StatusFilter;

#[derive(Debug, Clone, Default)]
pub struct Query {
    pub(crate) terms: Vec<Term>,
    /// Line ids or names as typed; resolved against the index.
    pub line: Option<String>,
    pub status: Option<StatusFilter>,
    pub facility: Option<String>,
}

/// A filter the user typed wrong, in words they read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

impl Query {
    pub fn parse(input: &str) -> Result<Query, QueryError> {
        let mut q = Query::default();
        for word in input.split_whitespace() {
            let word = word.replace('：', ":");
            let Some((key, value)) = word.split_once(':') else {
                q.terms.push(Term::new(&word));
                continue;
            };
            match key.to_ascii_lowercase().as_str() {
                "line" | "防线" => q.line = Some(non_empty("line", value)?),
                "status" | "状态" => {
                    let v = non_empty("status", value)?;
                    q.status = Some(v.parse().map_err(QueryError)?);
                }
                "facility" | "单位" => {
                    q.facility = Some(non_empty("facility", value)?.to_lowercase())
                }
                _ => q.terms.push(Term::new(&word)),
            }
        }
        Ok(q)
    }

    /// Nothing to search for and nothing to filter by.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
            && self.line.is_none()
            && self.status.is_none()
            && self.facility.is_none()
    }

    /// Checklist items have no status or facility: those filters keep findings only.
    pub(crate) fn findings_only(&self) -> bool {
        self.status.is_some() || self.facility.is_some()
    }
}

fn non_empty(key: &str, value: &str) -> Result<String, QueryError> {
    if value.trim().is_empty() {
        return Err(QueryError(format!("筛选条件「{key}:」缺少取值")));
    }
    Ok(value.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_filters_from_words() {
        let q = Query::parse("gl房  line:energy status:overdue facility:东城 a:b").unwrap();
        let words: Vec<&str> = q.terms.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, vec!["gl房", "a:b"]);
        assert_eq!(q.line.as_deref(), Some("energy"));
        assert_eq!(q.status, Some(StatusFilter::Overdue));
        assert_eq!(q.facility.as_deref(), Some("东城"));
        assert!(q.findings_only());
    }

    #[test]
    fn bad_status_names_the_choices() {
        let e = Query::parse("status:done").unwrap_err();
        assert!(e.0.contains("open|rectified|closed|overdue"), "{e}");
        let e = Query::parse("line:").unwrap_err();
        assert!(e.0.contains("line"), "{e}");
        assert_eq!(
            Query::parse("状态：逾期").unwrap().status,
            Some(StatusFilter::Overdue)
        );
    }
}
