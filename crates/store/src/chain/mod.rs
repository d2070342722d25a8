//! Supply-chain assurance on top of the relationship table: relationship attributes and
//! level advice, consent to disclose one's own suppliers, requests and supplier
//! invitations, organization keys, signed attestations and their shares, the buyer
//! dashboard and the public registry. The domain rules live in `mamori-chain`; this
//! module stores them and enforces who may see what.

pub mod attest;
pub mod bench;
pub mod dashboard;
pub(crate) mod demo;
pub mod direct;
pub mod keys;
pub mod links;
pub mod migration;
pub mod reminders;
pub mod requests;
pub mod reviewers;
pub(crate) mod schema;
pub mod shares;

use mamori_chain::Criticality;
use mamori_chain::Level;
use mamori_chain::advice::InterruptionImpact;
use serde::Serialize;

use crate::StoreError;

pub use attest::{AttestationInput, AttestationRecord, AttestationState, RegistryEntry, ReviewItem};
pub use dashboard::{
    ConcentrationRow, DeepSupplier, DirectSupplier, HeatCell, HiddenCount, RollupSummary, SpofRow, SupplyDashboard,
};
pub use direct::{DIRECT_MAX_PAGE, DIRECT_PAGE, DirectCount, DirectFilter};
pub use keys::{OrgKeyInfo, SECRET_FILE, SecretKey};
pub use links::{ChainSettingsInfo, LinkInput, OverrideInfo};
pub use reminders::{DueReminder, ReminderKind, ReminderRecipient};
pub use requests::{IncomingRequest, RequestInput, SupplierInvitation, SupplierInvitationInfo};
pub use reviewers::{ExpertReviewerInfo, check_registration};
pub use shares::{ReceivedShare, ShareInfo, ShareScope};

/// Where a buyer stands with one supplier, or what is known about a deeper supplier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplyStatus {
    /// No request and no attestation.
    NotRequested,
    /// A request is open and its deadline has not passed.
    Requested,
    /// A request is open and its deadline has passed.
    Overdue,
    /// A valid ★3 attestation is shared (direct) or held (deeper tiers).
    AttestedStar3,
    /// A valid ★4 attestation.
    AttestedStar4,
    /// The attestation's validity ended.
    Expired,
    /// The attestation or its share was revoked.
    Revoked,
    /// Deeper tiers only: no attestation known.
    Unknown,
}

impl SupplyStatus {
    /// Every status, in display order.
    pub const ALL: [SupplyStatus; 8] = [
        Self::NotRequested,
        Self::Requested,
        Self::Overdue,
        Self::AttestedStar3,
        Self::AttestedStar4,
        Self::Expired,
        Self::Revoked,
        Self::Unknown,
    ];

    /// Stable snake_case name (also the CSS class suffix).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotRequested => "not_requested",
            Self::Requested => "requested",
            Self::Overdue => "overdue",
            Self::AttestedStar3 => "attested_star3",
            Self::AttestedStar4 => "attested_star4",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Unknown => "unknown",
        }
    }

    /// Parses [`SupplyStatus::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The posture score used in roll-ups: attested levels count, everything else is
    /// unknown (scored conservatively as 0 by the roll-up).
    pub(crate) fn posture(self) -> mamori_chain::graph::Posture {
        use mamori_chain::graph::Posture;
        match self {
            Self::AttestedStar4 => Posture::score(100),
            Self::AttestedStar3 => Posture::score(70),
            Self::Expired => Posture::score(30),
            Self::Revoked => Posture::score(0),
            _ => None,
        }
        .unwrap_or(Posture::UNKNOWN)
    }
}

pub(crate) fn level_str(l: Level) -> &'static str {
    match l {
        Level::Star3 => "star3",
        Level::Star4 => "star4",
    }
}

/// Parses `star3` / `star4` (also `3`, `4`, `★3`, `★4`).
pub fn parse_level(s: &str) -> Result<Level, StoreError> {
    match s.trim() {
        "star3" | "3" | "★3" => Ok(Level::Star3),
        "star4" | "4" | "★4" => Ok(Level::Star4),
        _ => Err(StoreError::invalid("level", "must be star3 or star4")),
    }
}

pub(crate) fn crit_from_str(s: &str) -> Criticality {
    match s {
        "low" => Criticality::Low,
        "medium" => Criticality::Medium,
        "high" => Criticality::High,
        _ => Criticality::Critical,
    }
}

pub(crate) fn impact_str(i: InterruptionImpact) -> &'static str {
    match i {
        InterruptionImpact::Negligible => "negligible",
        InterruptionImpact::Tolerable => "tolerable",
        InterruptionImpact::Unacceptable => "unacceptable",
    }
}

/// Parses `negligible`, `tolerable` or `unacceptable`.
pub fn parse_impact(s: &str) -> Result<InterruptionImpact, StoreError> {
    match s.trim() {
        "negligible" => Ok(InterruptionImpact::Negligible),
        "tolerable" => Ok(InterruptionImpact::Tolerable),
        "unacceptable" => Ok(InterruptionImpact::Unacceptable),
        _ => Err(StoreError::invalid("interruption_impact", "must be negligible, tolerable or unacceptable")),
    }
}

/// Splits a long `IN (...)` list so that no statement exceeds parameter limits.
pub(crate) const CHUNK: usize = 900;

/// Milliseconds to an RFC 3339 timestamp (seconds precision).
pub(crate) fn ms_to_time(ms: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}
