//! xuncha (巡查): offline safety inspection for health facilities.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod domain;
pub mod ops;
pub mod photo;
pub mod report;
pub mod search;
pub mod store;
pub mod sync;
pub mod tui;
