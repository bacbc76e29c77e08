//! xuncha (巡查): offline safety inspection for health facilities.

pub mod catalog;
pub mod domain;
