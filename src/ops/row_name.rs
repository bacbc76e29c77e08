//! Compact texts of the register's rows (issue 14: 100,000 rows held while it is open).
//!
//! [`Name`]: a text shared by many rows (a facility, department or line named by thousands of
//! them, a retraction's reason, mostly empty) is held once, behind a thin pointer: 8 bytes
//! where `Arc<str>` is 16, so the five of a row cost 40 bytes, 4 MB less at 100,000 rows.
//! [`Code`]: the 隐患编号 held in place, not in an allocation of its own.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A shared, immutable text; reads as a `str`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Name(Arc<String>);

impl Name {
    /// Whether `a` and `b` are the same shared copy (not merely equal text).
    pub fn same(a: &Name, b: &Name) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name(Arc::new(s.to_string()))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name(Arc::new(s))
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.as_str(), f)
    }
}

/// A short text held in place (a 隐患编号, `YH-2026-A3K-0007`: 16 bytes), so 100,000 rows do
/// not hold 100,000 allocations of it (32 bytes each with glibc's header); a longer one is
/// kept on the heap. 24 bytes, as `Option<Code>`.
#[derive(Clone, PartialEq, Eq)]
pub enum Code {
    /// `len` bytes of UTF-8 at the start of `bytes`.
    Inline {
        len: u8,
        bytes: [u8; 22],
    },
    Long(Box<str>),
}

impl Code {
    /// The text.
    pub fn as_str(&self) -> &str {
        match self {
            // Only whole UTF-8 texts are put in place (`From<&str>`).
            Code::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Code::Long(s) => s,
        }
    }
}

impl From<&str> for Code {
    fn from(s: &str) -> Code {
        let mut bytes = [0u8; 22];
        match bytes.get_mut(..s.len()) {
            Some(head) => {
                head.copy_from_slice(s.as_bytes());
                Code::Inline {
                    len: s.len() as u8,
                    bytes,
                }
            }
            None => Code::Long(s.into()),
        }
    }
}

impl Deref for Code {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_as_given_short_or_long() {
        for s in [
            "",
            "YH-2026-A3K-0007",
            "YH-2026-A3K-4294967295",
            "YH-20260-A3K-4294967295",
            "隐患编号七号",
        ] {
            assert_eq!(Code::from(s).as_str(), s);
        }
        assert!(matches!(
            Code::from("YH-2026-A3K-0007"),
            Code::Inline { .. }
        ));
        assert_eq!(std::mem::size_of::<Option<Code>>(), 24);
        assert_eq!(std::mem::size_of::<Name>(), 8);
    }
}
