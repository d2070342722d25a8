//! Indicator matching: compile simple STIX patterns into terms, index them, and look up
//! observables (IP addresses against addresses and CIDRs, domains with their parents, URLs,
//! file hashes). Unsupported patterns are reported, never silently skipped.

mod index;
mod observable;
mod pattern;

pub use index::{AddError, FastHasher, Match, MatchIndex, MatchKind, SeededState, Unindexed};
pub use observable::{ClassifyError, HashValue, Observable, classify, normalize_domain, normalize_url, parse_hash_hex};
pub use pattern::{PatternError, Term, compile_pattern};
