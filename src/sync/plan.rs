//! Which bundle files a sync writes and which it may remove: pure functions of what the store
//! holds and what the folder holds, so every device facing the same folder decides the same.
//!
//! Writing: the folder must hold every held event in some verified file. Events no verified
//! file holds are written as new small files (one new event writes one small file); a chunk of
//! [`super::DEFAULT_CHUNK`] events that is held whole and no single file covers is written as
//! one complete file (the same bytes, so the same name, on every device); and on its own origin
//! a device merges its recent small files into fewer, larger ones like a binary counter (two
//! files merge when the older is less than twice the newer), so a chunk never has more than
//! about log2(chunk) files and each event is rewritten about log2 times in all.
//!
//! Removing (compaction, README「同步文件夹」): a device removes a file of its own origin
//! only when another file of its own origin strictly covers its range (a larger range, or the
//! same range under the canonical lower-case name), and that covering file was already in the
//! folder when this sync began and reads back whole now. Files written by this sync never
//! justify a removal, so a reader always has had one full sync's time to see the larger file.

use std::cmp::Reverse;

/// A range of one origin's seqs held by a file (or to be written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub first: u64,
    pub last: u64,
}

impl Span {
    pub fn new(first: u64, last: u64) -> Span {
        Span { first, last }
    }

    pub fn events(&self) -> u64 {
        self.last - self.first + 1
    }

    pub fn contains(&self, o: &Span) -> bool {
        self.first <= o.first && o.last <= self.last
    }
}

/// The chunk (1-based, `chunk` seqs each) a seq falls in, as a span.
fn chunk_of(seq: u64, chunk: u64) -> Span {
    let start = (seq - 1) / chunk * chunk + 1;
    Span::new(start, start + chunk - 1)
}

/// `held` minus the union of `files`, cut at chunk boundaries.
pub fn uncovered(held: &[(u64, u64)], files: &[Span], chunk: u64) -> Vec<Span> {
    let mut covered: Vec<Span> = files.to_vec();
    covered.sort();
    let mut out = Vec::new();
    for &(a, b) in held {
        let mut next = a;
        for c in &covered {
            if c.last < next || c.first > b {
                continue;
            }
            if c.first > next {
                out.push(Span::new(next, c.first - 1));
            }
            next = next.max(c.last.saturating_add(1));
            if next > b {
                break;
            }
        }
        if next <= b {
            out.push(Span::new(next, b));
        }
    }
    out.into_iter()
        .flat_map(|s| {
            let mut parts = Vec::new();
            let mut first = s.first;
            while first <= s.last {
                let last = s.last.min(chunk_of(first, chunk).last);
                parts.push(Span::new(first, last));
                first = last + 1;
            }
            parts
        })
        .collect()
}

/// Files not strictly inside another one (equal spans kept once), by first seq.
fn maximal(files: &[Span]) -> Vec<Span> {
    let mut v = files.to_vec();
    v.sort_by_key(|s| (s.first, Reverse(s.last)));
    v.dedup();
    let mut out: Vec<Span> = Vec::new();
    for s in v {
        if out.last().is_some_and(|m| m.contains(&s)) {
            continue;
        }
        out.push(s);
    }
    out
}

fn held_contains(held: &[(u64, u64)], s: &Span) -> bool {
    held.iter().any(|&(a, b)| a <= s.first && s.last <= b)
}

/// The spans to write for one origin. `present`: the spans of verified files in the folder;
/// `merge`: whether to merge small files (a device does so on its own origin only).
pub fn writes(held: &[(u64, u64)], present: &[Span], chunk: u64, merge: bool) -> Vec<Span> {
    let fills = uncovered(held, present, chunk);
    let mut chunks: Vec<Span> = fills.iter().map(|s| chunk_of(s.first, chunk)).collect();
    if merge {
        chunks.extend(present.iter().map(|s| chunk_of(s.first, chunk)));
    }
    // Chunks held whole but not in one file are written whole (also by relays).
    for &(a, b) in held {
        let mut c = chunk_of(a, chunk);
        while c.last <= b {
            if c.first >= a && !present.iter().any(|p| p.contains(&c)) {
                chunks.push(c);
            }
            c = Span::new(c.first + chunk, c.last + chunk);
        }
    }
    chunks.sort();
    chunks.dedup();
    let mut out = Vec::new();
    for c in chunks {
        let whole = held_contains(held, &c);
        if whole {
            if !present.iter().any(|p| p.contains(&c)) {
                out.push(c);
            }
            continue;
        }
        let in_chunk = |s: &&Span| c.contains(s);
        let new: Vec<Span> = fills.iter().filter(in_chunk).copied().collect();
        if !merge {
            out.extend(new);
            continue;
        }
        let mut all: Vec<Span> = present.iter().filter(in_chunk).copied().collect();
        all.extend(&new);
        let mut stack: Vec<Span> = Vec::new();
        for s in maximal(&all) {
            stack.push(s);
            while stack.len() >= 2 {
                let (older, newer) = (stack[stack.len() - 2], stack[stack.len() - 1]);
                let joined = Span::new(older.first, older.last.max(newer.last));
                let adjacent = newer.first <= older.last.saturating_add(1);
                if !adjacent
                    || older.events() >= 2 * newer.events()
                    || !held_contains(held, &joined)
                {
                    break;
                }
                stack.truncate(stack.len() - 2);
                stack.push(joined);
            }
        }
        out.extend(stack.into_iter().filter(|s| !present.contains(s)));
    }
    out
}

/// For each file (by index) that another file strictly covers, the index of a covering one.
/// `canonical[i]`: whether file i is spelled as this version writes names; `can_cover[j]`:
/// whether file j may cover others (verified whole).
pub fn dominated(files: &[Span], canonical: &[bool], can_cover: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let by = files.iter().enumerate().find(|&(j, g)| {
            j != i && can_cover[j] && g.contains(f) && (g != f || (canonical[j] && !canonical[i]))
        });
        if let Some((j, _)) = by {
            out.push((i, j));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(a: u64, b: u64) -> Span {
        Span::new(a, b)
    }

    #[test]
    fn new_events_make_a_small_file() {
        assert_eq!(
            writes(&[(1, 15)], &[s(1, 10)], 1000, false),
            vec![s(11, 15)]
        );
        assert_eq!(writes(&[(1, 15)], &[s(1, 15)], 1000, true), vec![]);
    }

    #[test]
    fn small_files_merge_like_a_binary_counter() {
        // 10 + 10 → 20; the new piece is folded into the merge, not written on its own.
        assert_eq!(writes(&[(1, 20)], &[s(1, 10)], 1000, true), vec![s(1, 20)]);
        assert_eq!(writes(&[(1, 30)], &[s(1, 20)], 1000, true), vec![s(21, 30)]);
        assert_eq!(
            writes(&[(1, 40)], &[s(1, 20), s(21, 30)], 1000, true),
            vec![s(1, 40)]
        );
    }

    #[test]
    fn a_chunk_held_whole_is_written_whole_by_anyone() {
        let present = [s(1, 640), s(641, 960), s(961, 990)];
        assert_eq!(
            writes(&[(1, 1005)], &present, 1000, false),
            vec![s(1, 1000), s(1001, 1005)]
        );
        assert_eq!(writes(&[(1, 1000)], &[s(1, 1000)], 1000, true), vec![]);
    }

    #[test]
    fn relays_fill_only_what_is_missing() {
        assert_eq!(
            writes(&[(1, 5), (9, 12)], &[s(1, 3)], 1000, false),
            vec![s(4, 5), s(9, 12)]
        );
    }

    #[test]
    fn only_strictly_covered_files_are_dominated() {
        let files = [s(1, 10), s(1, 20), s(11, 20), s(1, 20)];
        let d = dominated(&files, &[true, true, true, false], &[true; 4]);
        assert_eq!(d, vec![(0, 1), (2, 1), (3, 1)]);
        // Two spellings of one file: only the non-canonical one goes.
        let two = [s(1, 5), s(1, 5)];
        assert_eq!(dominated(&two, &[false, true], &[true; 2]), vec![(0, 1)]);
        assert!(dominated(&two, &[true, true], &[true; 2]).is_empty());
        // A damaged file covers nothing.
        assert!(dominated(&[s(1, 5), s(1, 9)], &[true; 2], &[true, false]).is_empty());
    }
}
