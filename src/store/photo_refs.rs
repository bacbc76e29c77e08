//! Which photos the events held here name (issue 18, photo garbage collection). A photo file
//! may be removed only if no event names it, so this reads every event the store keeps
//! anywhere: the log, the events kept aside until their device is approved (roster), and the
//! losers of a fork in quarantine. Any of them may become the truth later, so any of them keeps
//! its photos.

use super::codec::Record;
use super::{Result, Store};
use crate::domain::Payload;
use std::collections::BTreeSet;

/// The photo hashes named by events, and how many events could not be read (a caller that
/// removes files stops if any could not: such an event might name a photo).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NamedPhotos {
    pub hashes: BTreeSet<String>,
    pub unreadable: usize,
}

impl Store {
    /// Every photo hash a `PhotoAttached` or `PhotoRemoved` event held here names, in the log,
    /// kept aside, or quarantined. O(events): a doctor's read, not a screen's.
    pub fn photos_named_by_events(&self) -> Result<NamedPhotos> {
        let mut out = NamedPhotos::default();
        let aside = self.db.open_tree(super::roster::ASIDE_TREE)?;
        let quarantine = self.db.open_tree(super::import::QUARANTINE_TREE)?;
        type Entries<'a> = Box<dyn Iterator<Item = Result<(sled::IVec, sled::IVec)>> + 'a>;
        let from_tree = |t: &sled::Tree| -> Entries<'_> { Box::new(t.iter().map(|kv| Ok(kv?))) };
        let trees: [(Entries<'_>, Option<usize>); 3] = [
            // The log's runs are read event by event (`log_runs.rs`).
            (Box::new(super::log_runs::walk(&self.log)), None),
            (from_tree(&aside), Some(56)),
            (from_tree(&quarantine), None),
        ];
        for (entries, key_len) in trees {
            for kv in entries {
                let (k, v) = kv?;
                // The aside tree also keeps other bookkeeping under keys of other lengths.
                if key_len.is_some_and(|n| k.len() != n) {
                    continue;
                }
                match Record::from_stored(&v).body() {
                    Ok(body) => match body.payload {
                        Payload::PhotoAttached { photo, .. } => {
                            out.hashes.insert(photo.hash);
                        }
                        Payload::PhotoRemoved { hash, .. } => {
                            out.hashes.insert(hash);
                        }
                        _ => {}
                    },
                    Err(_) => out.unreadable += 1,
                }
            }
        }
        Ok(out)
    }
}
