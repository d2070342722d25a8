//! Table and column names, shared by the migrations and the queries.

use sea_orm::DeriveIden;

#[derive(DeriveIden, Clone, Copy)]
pub enum Orgs {
    Table,
    Id,
    Slug,
    Name,
    NameJa,
    Kind,
    Sector,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Users {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Lang,
    IsPlatformAdmin,
    TotpSecret,
    TotpEnabled,
    TotpLastStep,
    FailedLogins,
    LockedUntil,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Memberships {
    Table,
    OrgId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Sessions {
    Table,
    IdHash,
    UserId,
    ActiveOrgId,
    Csrf,
    CreatedAt,
    ExpiresAt,
    LastSeen,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Invitations {
    Table,
    Id,
    TokenHash,
    OrgId,
    Email,
    Role,
    InvitedBy,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum PasswordResets {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum ApiTokens {
    Table,
    Id,
    OrgId,
    UserId,
    Name,
    Role,
    TokenHash,
    Prefix,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum AuditLog {
    Table,
    Seq,
    At,
    TenantId,
    Actor,
    Action,
    ObjectType,
    ObjectId,
    Detail,
    Digest,
    PrevHash,
    Hash,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum SupplyLinks {
    Table,
    Id,
    BuyerOrgId,
    SupplierOrgId,
    Supplied,
    Criticality,
    CreatedAt,
}
