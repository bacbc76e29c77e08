//! Index keys kept in groups (issue 14, fourth round): the by-inspection keys (`i`) of one
//! inspection in one `idx` entry, and the 隐患编号 keys (`n`) of 64 consecutive numbers of one
//! series, year and device in one entry, instead of one key each.
//!
//! sled splits a leaf page past 16 entries whatever their size, and every command pays for
//! every page at open (sled reads its page table and rewrites it when the last process wrote):
//! these two were 200,000 of the 336,545 `idx` keys of the 100,000-hazard store.
//!
//! The rest of the store still speaks of **logical keys** (`views::finding_index_keys`):
//! `i\0 ‖ inspection(16) ‖ finding(16)` and `n\0 ‖ number key ‖ \0 ‖ finding(16)`. Only their
//! stored form changes:
//!
//! ```text
//! i\0 ‖ inspection(16)                          → 01 ‖ member…   member = finding(16)
//! n\0 ‖ head(9) ‖ '/' ‖ seq / 64 (u32 BE)        → 01 ‖ member…   member = seq digits ‖ \0 ‖ finding(16)
//! member… = each as length (u8) ‖ bytes, ascending, each once
//! ```
//!
//! The logical key of a member is the group key ‖ member (`i`), or its first 11 bytes ‖
//! member (`n`: the number key's head, `YH2026PTA`, then its digits). A group key is 18 bytes
//! (`i`) or 16 bytes with `/` at 11 (`n`), so it never equals a key stored one by one as
//! versions before kept them (34 bytes, and a digit at 11); both forms are read together.
//! A logical key of another shape (a number key without digits) stays one key.

use std::collections::{BTreeMap, BTreeSet};

/// A stored write: the key and its new value, or None to remove it.
pub(crate) type Write = (Vec<u8>, Option<Vec<u8>>);

/// A stored entry: key and value.
pub(crate) type Entry = (Vec<u8>, Vec<u8>);

/// The first byte of a group's value.
const FORMAT: u8 = 1;

/// Numbers of one series, year and device per group.
const NUMBERS_PER_GROUP: u32 = 64;

/// By-inspection keys: `i\0 ‖ inspection(16) ‖ finding(16)`.
const BY_INSPECTION: &[u8] = b"i\0";
/// 隐患编号 keys: `n\0 ‖ number key ‖ \0 ‖ finding(16)`.
const BY_NUMBER: &[u8] = b"n\0";
/// The length of a number key's head (letters, year, device code: `YH2026PTA`).
const HEAD: usize = 9;

/// The group a logical index key is kept in, and its member there; None for a key kept as
/// it is.
pub(crate) fn group_of(logical: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    if logical.len() == 34 && logical.starts_with(BY_INSPECTION) {
        return Some((logical[..18].to_vec(), &logical[18..]));
    }
    if !logical.starts_with(BY_NUMBER) || logical.len() < 2 + HEAD + 1 + 1 + 16 {
        return None;
    }
    let head = &logical[2..2 + HEAD];
    let member = &logical[2 + HEAD..];
    let digits = &member[..member.len() - 17];
    if member[member.len() - 17] != 0
        || digits.is_empty()
        || digits.len() > 9
        || !digits.iter().all(u8::is_ascii_digit)
        || !head.iter().all(u8::is_ascii_alphanumeric)
    {
        return None;
    }
    let seq: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    let mut group = Vec::with_capacity(16);
    group.extend_from_slice(&logical[..2 + HEAD]);
    group.push(b'/');
    group.extend_from_slice(&(seq / NUMBERS_PER_GROUP).to_be_bytes());
    Some((group, member))
}

/// The group holding the logical keys under `prefix` when it is not itself under the prefix:
/// a number's (`n\0 ‖ number key ‖ \0`). None for any other prefix.
pub(crate) fn group_for_prefix(prefix: &[u8]) -> Option<Vec<u8>> {
    if !prefix.starts_with(BY_NUMBER) || prefix.last() != Some(&0) {
        return None;
    }
    let mut logical = prefix.to_vec();
    logical.extend_from_slice(&[0; 16]);
    group_of(&logical).map(|(g, _)| g)
}

/// Whether a stored `idx` key is a group (its value lists members).
pub(crate) fn is_group(key: &[u8]) -> bool {
    (key.len() == 18 && key.starts_with(BY_INSPECTION))
        || (key.len() == 2 + HEAD + 1 + 4 && key.starts_with(BY_NUMBER) && key[2 + HEAD] == b'/')
}

/// The logical keys a group entry stands for, ascending.
///
/// # Errors
/// A message when the value does not decode (unknown format, a member cut short).
pub(crate) fn expand(group: &[u8], value: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let base = if group.starts_with(BY_INSPECTION) {
        group
    } else {
        &group[..2 + HEAD]
    };
    Ok(members(value)?
        .into_iter()
        .map(|m| [base, m].concat())
        .collect())
}

/// The members of a group's value, as stored.
fn members(value: &[u8]) -> Result<Vec<&[u8]>, String> {
    let Some((&FORMAT, mut rest)) = value.split_first() else {
        return Err("索引分组格式未知".into());
    };
    let mut out = Vec::new();
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len);
        if tail.len() < len {
            return Err("索引分组不完整".into());
        }
        out.push(&tail[..len]);
        rest = &tail[len..];
    }
    Ok(out)
}

/// A group's value holding `members` (ascending, each once: a set's order).
fn encode<'a>(members: impl IntoIterator<Item = &'a Vec<u8>>) -> Vec<u8> {
    let mut out = vec![FORMAT];
    for m in members {
        out.push(m.len() as u8);
        out.extend_from_slice(m);
    }
    out
}

/// The groups the logical `removes` and `inserts` fall in: what [`merge`] needs read first.
pub(crate) fn touched(removes: &[Vec<u8>], inserts: &[Vec<u8>]) -> BTreeSet<Vec<u8>> {
    removes
        .iter()
        .chain(inserts)
        .filter_map(|k| group_of(k).map(|(g, _)| g))
        .collect()
}

/// The stored writes (a value, or None to remove) that take logical `removes` out and put
/// logical `inserts` in, given each touched group's stored value now (`current`, from
/// [`touched`]): keys kept as they are written as they are; grouped ones change their group,
/// which is removed when it empties. A grouped key removed is also removed in the form stored
/// one by one, which an older version may have written.
///
/// # Errors
/// A message when a touched group's value does not decode (the write is refused, so no member
/// is lost; `doctor --rebuild` writes the groups afresh).
pub(crate) fn merge(
    removes: &[Vec<u8>],
    inserts: &[Vec<u8>],
    current: &BTreeMap<Vec<u8>, Option<Vec<u8>>>,
) -> Result<Vec<Write>, String> {
    let mut groups: BTreeMap<&[u8], BTreeSet<Vec<u8>>> = BTreeMap::new();
    for (g, v) in current {
        let held = match v {
            Some(v) => members(v)?.into_iter().map(<[u8]>::to_vec).collect(),
            None => BTreeSet::new(),
        };
        groups.insert(g, held);
    }
    let mut writes = Vec::new();
    for k in removes {
        match group_of(k) {
            Some((g, m)) => {
                let held = groups.get_mut(g.as_slice()).ok_or("索引分组未读")?;
                held.remove(m);
                writes.push((k.clone(), None));
            }
            None => writes.push((k.clone(), None)),
        }
    }
    for k in inserts {
        match group_of(k) {
            Some((g, m)) => {
                let held = groups.get_mut(g.as_slice()).ok_or("索引分组未读")?;
                held.insert(m.to_vec());
            }
            None => writes.push((k.clone(), Some(Vec::new()))),
        }
    }
    for (g, held) in groups {
        let before = current.get(g).cloned().flatten();
        let after = (!held.is_empty()).then(|| encode(&held));
        if after != before {
            writes.push((g.to_vec(), after));
        }
    }
    Ok(writes)
}

/// Logical keys gathered into their groups in memory, for a writer that makes them all at
/// once (`doctor --rebuild`, the conversion of a store written before groups).
#[derive(Default)]
pub(crate) struct Gather {
    groups: BTreeMap<Vec<u8>, BTreeSet<Vec<u8>>>,
}

impl Gather {
    /// Takes `logical` into its group; gives it back when it is kept as it is.
    pub(crate) fn add<'k>(&mut self, logical: &'k [u8]) -> Option<&'k [u8]> {
        match group_of(logical) {
            Some((g, m)) => {
                self.groups.entry(g).or_default().insert(m.to_vec());
                None
            }
            None => Some(logical),
        }
    }

    /// Each group with the value holding its gathered members and `held`'s for that group
    /// (the group's stored value now, when adding to a tree that has some), emptying this.
    ///
    /// # Errors
    /// A message when a stored value `held` gives does not decode.
    pub(crate) fn drain(
        &mut self,
        mut held: impl FnMut(&[u8]) -> Option<Vec<u8>>,
    ) -> Result<Vec<Entry>, String> {
        std::mem::take(&mut self.groups)
            .into_iter()
            .map(|(g, mut ms)| {
                if let Some(v) = held(&g) {
                    ms.extend(members(&v)?.into_iter().map(<[u8]>::to_vec));
                }
                let value = encode(&ms);
                Ok((g, value))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_inspection(insp: u8, f: u8) -> Vec<u8> {
        [b"i\0".as_slice(), &[insp; 16], &[f; 16]].concat()
    }

    fn by_number(number: &str, f: u8) -> Vec<u8> {
        [b"n\0".as_slice(), number.as_bytes(), b"\0", &[f; 16]].concat()
    }

    /// Applies `writes` to a map standing for the tree.
    fn apply(tree: &mut BTreeMap<Vec<u8>, Vec<u8>>, writes: Vec<Write>) {
        for (k, v) in writes {
            match v {
                Some(v) => tree.insert(k, v),
                None => tree.remove(&k),
            };
        }
    }

    /// The logical keys a map standing for the tree holds, groups expanded.
    fn logical(tree: &BTreeMap<Vec<u8>, Vec<u8>>) -> BTreeSet<Vec<u8>> {
        let mut out = BTreeSet::new();
        for (k, v) in tree {
            if is_group(k) {
                out.extend(expand(k, v).unwrap());
            } else {
                out.insert(k.clone());
            }
        }
        out
    }

    fn change(tree: &mut BTreeMap<Vec<u8>, Vec<u8>>, removes: &[Vec<u8>], inserts: &[Vec<u8>]) {
        let current = touched(removes, inserts)
            .into_iter()
            .map(|g| {
                let v = tree.get(&g).cloned();
                (g, v)
            })
            .collect();
        apply(tree, merge(removes, inserts, &current).unwrap());
    }

    #[test]
    fn grouped_keys_read_back_as_the_logical_keys_written_and_removed() {
        let mut tree = BTreeMap::new();
        let mut want = BTreeSet::new();
        let inserts = vec![
            by_inspection(1, 1),
            by_inspection(1, 2),
            by_inspection(2, 3),
            by_number("YH2026PTA7", 1),
            by_number("YH2026PTA70", 2),
            by_number("YH2026PTA63", 3),
            by_number("YH2026PTA64", 4),
            by_number("YH2026QQQ7", 5),
            by_number("", 6),
            [b"c\0".as_slice(), &[7; 16]].concat(),
        ];
        want.extend(inserts.iter().cloned());
        change(&mut tree, &[], &inserts);
        assert_eq!(logical(&tree), want);
        // Two inspections, 7 and 63 (group 0) with 64 and 70 (group 1) of PTA, one of QQQ, and
        // the number key without digits and the conflict key as they are.
        assert_eq!(tree.len(), 2 + 3 + 2);
        let removes = vec![by_inspection(1, 1), by_number("YH2026PTA64", 4)];
        change(&mut tree, &removes, &[]);
        for k in &removes {
            want.remove(k);
        }
        assert_eq!(logical(&tree), want);
        // The last member of a group takes the group with it.
        change(&mut tree, &[by_number("YH2026QQQ7", 5)], &[]);
        want.remove(&by_number("YH2026QQQ7", 5));
        assert_eq!(logical(&tree), want);
        assert_eq!(tree.len(), 2 + 2 + 2);
    }

    #[test]
    fn a_gathered_group_holds_what_the_tree_held_and_a_key_removed_goes_in_both_forms() {
        let mut tree = BTreeMap::new();
        change(&mut tree, &[], &[by_inspection(1, 1)]);
        let old = by_inspection(1, 2);
        tree.insert(old.clone(), vec![]);
        let mut gather = Gather::default();
        assert_eq!(gather.add(&old), None);
        assert_eq!(gather.add(b"c\0x"), Some(b"c\0x".as_slice()));
        let groups = gather.drain(|g| tree.get(g).cloned()).unwrap();
        tree.remove(&old);
        for (g, v) in groups {
            tree.insert(g, v);
        }
        let both: BTreeSet<_> = [by_inspection(1, 1), old.clone()].into();
        assert_eq!(logical(&tree), both);
        // A key stored one by one (an older version wrote it) is removed as well.
        tree.insert(by_inspection(3, 3), vec![]);
        change(&mut tree, &[by_inspection(3, 3)], &[]);
        assert_eq!(logical(&tree), both);
    }

    #[test]
    fn group_keys_never_equal_keys_stored_one_by_one_and_bad_values_are_refused() {
        let i = by_inspection(1, 1);
        let n = by_number("YH2026PTA7", 1);
        for k in [&i, &n] {
            let (g, _) = group_of(k).unwrap();
            assert!(is_group(&g) && !is_group(k));
        }
        assert_eq!(
            group_for_prefix(&n[..n.len() - 16]),
            group_of(&n).map(|(g, _)| g)
        );
        assert_eq!(group_for_prefix(b"w\0x\0"), None);
        let (g, _) = group_of(&i).unwrap();
        assert!(expand(&g, &[FORMAT, 16, 1]).is_err());
        assert!(expand(&g, &[2]).is_err());
        assert!(expand(&g, &[]).is_err());
        let current = [(g, Some(vec![9]))].into();
        assert!(merge(&[], &[i], &current).is_err());
    }
}
