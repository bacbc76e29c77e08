//! Photos kept as evidence on a hazard (issue 18): 整改前 when it is recorded, 整改后 when it
//! is rectified or re-checked. The event names a photo by the SHA-256 of its bytes; the bytes
//! travel beside the bundles (see `sync::photos`) and may arrive later than the event.

use super::ParseError;
use super::kinds::word_enum;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

word_enum!(
    /// When a photo was taken in the closed loop.
    PhotoStage, "照片阶段", {
        Before => "before", "整改前";
        After => "after", "整改后";
    }
);

/// One photo as a signed event names it. `hash` is the lower-case hex SHA-256 of the stored
/// copy (oriented, personal EXIF removed); `bytes` its length, so a reader can refuse a blob
/// of another size before reading it; `width`/`height` in pixels after orientation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub hash: String,
    pub stage: PhotoStage,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    /// The file name it was attached from (no folders), for people to recognise it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

impl PhotoRef {
    /// Whether `hash` has the shape of a photo name (64 lower-case hex digits): anything else
    /// from another device is never used as a file name.
    pub fn valid_hash(hash: &str) -> bool {
        hash.len() == 64
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }

    /// The first 8 hex digits, as lists show a photo.
    pub fn short(&self) -> &str {
        &self.hash[..self.hash.len().min(8)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lower_hex_of_64_digits_names_a_photo() {
        assert!(PhotoRef::valid_hash(&"a1".repeat(32)));
        assert!(!PhotoRef::valid_hash(&"A1".repeat(32)));
        assert!(!PhotoRef::valid_hash("../../etc/passwd"));
        assert!(!PhotoRef::valid_hash(&"a".repeat(63)));
        assert_eq!("after".parse::<PhotoStage>().unwrap(), PhotoStage::After);
        assert_eq!("整改前".parse::<PhotoStage>().unwrap(), PhotoStage::Before);
    }
}
