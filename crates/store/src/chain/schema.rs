//! Table and column names of the supply-chain tables (migration `M0005Chain`).

use sea_orm::DeriveIden;

/// Columns `M0005Chain` adds to `supply_links`.
#[derive(DeriveIden, Clone, Copy)]
pub enum LinkCol {
    HandlesConfidentialData,
    ConnectsToBuyerSystems,
    InterruptionImpact,
    OverrideLevel,
    OverrideReason,
    OverrideBy,
    OverrideAt,
}

/// Per-organization consent and registry settings.
#[derive(DeriveIden, Clone, Copy)]
pub enum ChainSettings {
    Table,
}

/// Ed25519 key pairs of organizations (private halves encrypted).
#[derive(DeriveIden, Clone, Copy)]
pub enum OrgKeys {
    Table,
}

/// Buyer requests for a level or profile.
#[derive(DeriveIden, Clone, Copy)]
pub enum ChainRequests {
    Table,
}

/// Invitations of suppliers that have no account yet.
#[derive(DeriveIden, Clone, Copy)]
pub enum ChainInvitations {
    Table,
}

/// Issued or pending attestations.
#[derive(DeriveIden, Clone, Copy)]
pub enum Attestations {
    Table,
}

/// Shares of attestations with buyers.
#[derive(DeriveIden, Clone, Copy)]
pub enum AttestationShares {
    Table,
}

/// Reminders of requests already sent, one row per request and kind.
#[derive(DeriveIden, Clone, Copy)]
pub enum ChainReminders {
    Table,
}

/// Users registered as expert reviewers (e.g. with a RISS number).
#[derive(DeriveIden, Clone, Copy)]
pub enum ExpertReviewers {
    Table,
}

/// Column names shared by the supply-chain tables.
#[derive(DeriveIden, Clone, Copy)]
pub enum ChainCol {
    Id,
    OrgId,
    UserId,
    DiscloseSuppliers,
    RegistryListed,
    UpdatedAt,
    PublicKey,
    PrivateEnc,
    CreatedAt,
    RetiredAt,
    BuyerOrgId,
    SupplierOrgId,
    Level,
    Profile,
    Deadline,
    State,
    CreatedBy,
    ClosedAt,
    TokenHash,
    Email,
    SupplierName,
    Relationship,
    ExpiresAt,
    AcceptedAt,
    ReviewerOrgId,
    AssessmentRef,
    Body,
    Envelope,
    ValidFrom,
    ValidUntil,
    IssuedAt,
    RevokedAt,
    RevokeReason,
    AttestationId,
    Scope,
    Registration,
    RequestId,
    Kind,
    SentAt,
    Recipients,
    DeactivatedAt,
}
