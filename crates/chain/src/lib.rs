//! Supply-chain assurance domain logic for mamori: signed attestations,
//! SCS ★3/★4 level advice and multi-tier supply-graph analytics.
//!
//! The crate is pure: it never reads the clock, never draws randomness and
//! performs no IO. Callers pass `now`, RNGs and key material.

pub mod advice;
pub mod attest;
pub mod bench;
pub mod graph;

use serde::{Deserialize, Serialize};
use std::fmt;

pub use attest::{Attestation, Envelope, KeyPair, PublicKey, canonical_json, countersign, sign, verify};
pub use graph::SupplyGraph;

/// SCS evaluation-scheme level (jp-frameworks.md §3.2). ★1/★2 are
/// self-declarations outside this crate's scope and ★5 is not yet specified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// ★3: self-assessment checked by a security expert, executive pledge.
    Star3,
    /// ★4: third-party evaluation with technical verification.
    Star4,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Star3 => "★3",
            Level::Star4 => "★4",
        })
    }
}

/// Criticality of a buyer → supplier relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Criticality {
    /// Easily replaced, little impact.
    Low = 0,
    /// Noticeable impact.
    Medium = 1,
    /// Serious impact.
    High = 2,
    /// The buyer's operations depend on it.
    Critical = 3,
}

impl Criticality {
    /// All values, lowest first.
    pub const ALL: [Criticality; 4] = [Self::Low, Self::Medium, Self::High, Self::Critical];

    /// Decodes the `repr(u8)` value; values above 3 saturate to `Critical`.
    pub fn from_u8(v: u8) -> Self {
        match v {
            0 => Self::Low,
            1 => Self::Medium,
            2 => Self::High,
            _ => Self::Critical,
        }
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}
