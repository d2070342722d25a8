//! The API's request and response bodies, with their OpenAPI schemas.

use mamori_store::{ApiTokenInfo, AuditEntry, Invitation, OrgInfo, Role, SupplierRow, UserInfo};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthTokenRequest {
    pub email: String,
    pub password: String,
    /// The current TOTP code, when two-factor authentication is on.
    pub totp: Option<String>,
    /// The organization slug; defaults to the first membership.
    pub org: Option<String>,
    /// A label for the token (default "api login").
    pub name: Option<String>,
    /// Lifetime in days, 1–3650 (default 30).
    pub expires_in_days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthTokenResponse {
    pub token: String,
    pub token_type: String,
    pub org: OrgDto,
    pub role: String,
    pub expires_at: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrgDto {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub name_ja: Option<String>,
    pub kind: String,
    pub sector: Option<String>,
}

impl From<OrgInfo> for OrgDto {
    fn from(o: OrgInfo) -> Self {
        OrgDto { id: o.id, slug: o.slug, name: o.name, name_ja: o.name_ja, kind: o.kind, sector: o.sector }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    /// The audit label of the caller.
    pub actor: String,
    pub role: String,
    pub org: OrgDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDto {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub role: String,
}

impl From<(UserInfo, Role)> for MemberDto {
    fn from((u, r): (UserInfo, Role)) -> Self {
        MemberDto { user_id: u.id, email: u.email, name: u.name, role: r.as_str().into() }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    pub email: String,
    /// owner, admin, assessor or viewer; at most your own role.
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationDto {
    pub id: String,
    pub email: String,
    pub role: String,
    pub expires_at: i64,
    pub accepted: bool,
}

impl From<Invitation> for InvitationDto {
    fn from(i: Invitation) -> Self {
        InvitationDto {
            id: i.id,
            email: i.email,
            role: i.role.as_str().into(),
            expires_at: i.expires_at,
            accepted: i.accepted,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationCreated {
    pub invitation: InvitationDto,
    /// The one-time link to send to the invitee.
    pub link: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub name: String,
    /// Defaults to the caller's role; never above it.
    pub role: Option<String>,
    pub expires_in_days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    pub id: String,
    pub name: String,
    pub role: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl From<ApiTokenInfo> for TokenDto {
    fn from(t: ApiTokenInfo) -> Self {
        TokenDto {
            id: t.id,
            name: t.name,
            role: t.role.as_str().into(),
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    /// The secret; shown only in this response.
    pub token: String,
    pub info: TokenDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditDto {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub digest: String,
    pub hash: String,
}

impl From<AuditEntry> for AuditDto {
    fn from(e: AuditEntry) -> Self {
        AuditDto {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            digest: e.digest,
            hash: e.hash,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierDto {
    pub org: OrgDto,
    pub tier: u8,
    pub via: String,
    pub supplied: String,
    pub criticality: String,
}

impl From<SupplierRow> for SupplierDto {
    fn from(r: SupplierRow) -> Self {
        SupplierDto { org: r.org.into(), tier: r.tier, via: r.via, supplied: r.supplied, criticality: r.criticality }
    }
}
