//! Quick hazard search: one index over the checklist items, every finding and the register
//! entries (chemicals, special equipment), matched in
//! Chinese, full pinyin, pinyin initials or a mix (`mhq`, `miehuoqi`, `gl房`), with `line:`,
//! `status:` and `facility:` filters. The CLI and the TUI call the same `Index::search`.

mod bound;
mod chars;
mod doc;
mod grams;
mod highlight;
mod hit;
mod index;
mod load;
mod matcher;
mod memo;
mod pairs;
mod persist;
mod pick;
mod plan;
mod postings;
mod query;
mod rank;
mod register;
mod sparse;
mod text;

pub use doc::FindingDoc;
pub use highlight::{cell_ranges, runs};
pub use hit::Hit;
pub use index::{Field, Index, Target};
pub use load::LoadTimes;
pub use matcher::Tier;
pub use pick::pick;
pub use query::{Query, QueryError};
pub use register::{CHEMICAL_LINE, EQUIPMENT_LINE};
