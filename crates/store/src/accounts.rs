//! Users, organizations (the tenants), memberships, invitations, password reset and TOTP.

use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait};
use serde::Serialize;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::audit::{self, Event};
use crate::schema::{Invitations, Memberships, Orgs, PasswordResets, Sessions, Users};
use crate::secrets::{self, random_token, token_hash};
use crate::{Actor, Role, Store, StoreError, Tenant, new_id, now_ms};

const MAX_FAILED_LOGINS: i32 = 5;
const LOCKOUT_MS: i64 = 15 * 60 * 1000;
const INVITATION_TTL_MS: i64 = 7 * 24 * 3600 * 1000;
const RESET_TTL_MS: i64 = 3600 * 1000;

/// A user as the rest of the system sees it (never the password hash).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UserInfo {
    pub id: String,
    pub email: String,
    pub name: String,
    pub lang: String,
    pub is_platform_admin: bool,
    pub totp_enabled: bool,
}

/// An organization: the unit of tenancy.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OrgInfo {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub name_ja: Option<String>,
    pub kind: String,
    pub sector: Option<String>,
}

/// One organization a user belongs to, with the role there.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Membership {
    pub org: OrgInfo,
    pub role: Role,
}

/// An open or accepted invitation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Invitation {
    pub id: String,
    pub org: OrgInfo,
    pub email: String,
    pub role: Role,
    pub expires_at: i64,
    pub accepted: bool,
}

/// Validated input for a new account.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password: String,
    pub lang: String,
}

/// TOTP enrolment data shown once to the user.
#[derive(Clone, Debug, Serialize)]
pub struct MfaSetup {
    pub secret_base32: String,
    pub otpauth_url: String,
}

/// How a login attempt ended.
#[derive(Clone, Debug, PartialEq)]
pub enum LoginOutcome {
    Success(UserInfo),
    /// The password was right but the account has TOTP and no code was given.
    MfaRequired,
    Invalid,
    Locked {
        until_ms: i64,
    },
}

/// Password rules, shared by every form and the CLI.
pub struct PasswordPolicy;

impl PasswordPolicy {
    pub const MIN: usize = 10;
    pub const MAX: usize = 256;

    pub fn check(password: &str) -> Result<(), StoreError> {
        let n = password.chars().count();
        if n < Self::MIN {
            return Err(StoreError::invalid("password", format!("must be at least {} characters", Self::MIN)));
        }
        if n > Self::MAX {
            return Err(StoreError::invalid("password", format!("must be at most {} characters", Self::MAX)));
        }
        Ok(())
    }
}

/// Lower-cases and checks an e-mail address.
pub fn normalize_email(email: &str) -> Result<String, StoreError> {
    let e = email.trim().to_lowercase();
    let valid = e.len() <= 254
        && e.chars().all(|c| !c.is_whitespace() && !c.is_control())
        && matches!(e.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@'));
    if valid { Ok(e) } else { Err(StoreError::invalid("email", "is not a valid e-mail address")) }
}

fn check_name(field: &'static str, name: &str, max: usize) -> Result<String, StoreError> {
    let n = name.trim();
    if n.is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    if n.chars().count() > max || n.chars().any(char::is_control) {
        return Err(StoreError::invalid(field, format!("must be at most {max} printable characters")));
    }
    Ok(n.to_string())
}

fn check_lang(lang: &str) -> Result<String, StoreError> {
    match lang {
        "ja" | "en" => Ok(lang.to_string()),
        _ => Err(StoreError::invalid("lang", "must be ja or en")),
    }
}

/// Checks an organization slug: 2–40 of a-z, 0-9 and '-', not starting or ending with '-'.
pub fn check_slug(slug: &str) -> Result<String, StoreError> {
    let s = slug.trim().to_lowercase();
    let ok = (2..=40).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok { Ok(s) } else { Err(StoreError::invalid("slug", "use 2–40 letters a–z, digits or '-'")) }
}

/// Derives a slug from a display name, falling back to a random one for non-Latin names.
pub fn slug_from_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').chars().take(30).collect::<String>();
    let out = out.trim_matches('-').to_string();
    if out.len() >= 2 { out } else { format!("org-{}", &new_id()[24..]) }
}

impl NewUser {
    /// Validates and normalises every field; the error names the first bad field.
    pub fn validate(self) -> Result<NewUser, StoreError> {
        Ok(NewUser {
            email: normalize_email(&self.email)?,
            name: check_name("name", &self.name, 100)?,
            lang: check_lang(&self.lang)?,
            password: {
                PasswordPolicy::check(&self.password)?;
                self.password
            },
        })
    }
}

/// Who accepts an invitation addressed to `email`: the signed-in user (whose address must
/// match), or a new account validated and hashed here, before any transaction starts.
pub(crate) async fn invitee_account(
    email: &str,
    existing: Option<&UserInfo>,
    new_user: Option<NewUser>,
) -> Result<Option<(NewUser, String)>, StoreError> {
    match (existing, new_user) {
        (Some(u), _) => {
            if u.email != email {
                return Err(StoreError::Forbidden("this invitation is for another e-mail address"));
            }
            Ok(None)
        }
        (None, Some(n)) => {
            let n = NewUser { email: email.to_string(), ..n }.validate()?;
            let hash = secrets::hash_password(n.password.clone()).await?;
            Ok(Some((n, hash)))
        }
        (None, None) => Err(StoreError::invalid("password", "choose a password to create your account")),
    }
}

pub(crate) fn user_columns() -> [Users; 6] {
    [Users::Id, Users::Email, Users::Name, Users::Lang, Users::IsPlatformAdmin, Users::TotpEnabled]
}

pub(crate) fn user_from_row(row: &QueryResult, prefix: &str) -> Result<UserInfo, StoreError> {
    Ok(UserInfo {
        id: row.try_get(prefix, "id")?,
        email: row.try_get(prefix, "email")?,
        name: row.try_get(prefix, "name")?,
        lang: row.try_get(prefix, "lang")?,
        is_platform_admin: row.try_get(prefix, "is_platform_admin")?,
        totp_enabled: row.try_get(prefix, "totp_enabled")?,
    })
}

pub(crate) fn org_columns() -> [Orgs; 6] {
    [Orgs::Id, Orgs::Slug, Orgs::Name, Orgs::NameJa, Orgs::Kind, Orgs::Sector]
}

pub(crate) fn org_from_row(row: &QueryResult) -> Result<OrgInfo, StoreError> {
    Ok(OrgInfo {
        id: row.try_get("", "id")?,
        slug: row.try_get("", "slug")?,
        name: row.try_get("", "name")?,
        name_ja: row.try_get("", "name_ja")?,
        kind: row.try_get("", "kind")?,
        sector: row.try_get("", "sector")?,
    })
}

fn parse_role(s: &str) -> Result<Role, StoreError> {
    s.parse().map_err(StoreError::Internal)
}

pub(crate) async fn org_by<C: ConnectionTrait>(conn: &C, col: Orgs, value: &str) -> Result<OrgInfo, StoreError> {
    let value = crate::lookup_key(value)?;
    let q = Query::select().columns(org_columns()).from(Orgs::Table).and_where(Expr::col(col).eq(value)).to_owned();
    let row = conn.query_one(&q).await?.ok_or(StoreError::NotFound)?;
    org_from_row(&row)
}

pub(crate) async fn insert_user<C: ConnectionTrait>(
    conn: &C,
    u: &NewUser,
    hash: &str,
    admin: bool,
) -> Result<UserInfo, StoreError> {
    let id = new_id();
    let q = Query::insert()
        .into_table(Users::Table)
        .columns([
            Users::Id,
            Users::Email,
            Users::Name,
            Users::PasswordHash,
            Users::Lang,
            Users::IsPlatformAdmin,
            Users::TotpEnabled,
            Users::FailedLogins,
            Users::CreatedAt,
        ])
        .values_panic([
            id.clone().into(),
            u.email.clone().into(),
            u.name.clone().into(),
            hash.into(),
            u.lang.clone().into(),
            admin.into(),
            false.into(),
            0i32.into(),
            now_ms().into(),
        ])
        .to_owned();
    conn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "an account with this e-mail"))?;
    Ok(UserInfo {
        id,
        email: u.email.clone(),
        name: u.name.clone(),
        lang: u.lang.clone(),
        is_platform_admin: admin,
        totp_enabled: false,
    })
}

/// Input for a new organization.
#[derive(Clone, Debug)]
pub(crate) struct NewOrg<'a> {
    pub name: &'a str,
    pub name_ja: Option<&'a str>,
    pub slug: Option<&'a str>,
    pub kind: &'a str,
    pub sector: Option<&'a str>,
}

pub(crate) async fn insert_org<C: ConnectionTrait>(conn: &C, o: &NewOrg<'_>) -> Result<OrgInfo, StoreError> {
    let name = check_name("name", o.name, 120)?;
    let name_ja = match o.name_ja {
        Some(n) if !n.trim().is_empty() => Some(check_name("name_ja", n, 120)?),
        _ => None,
    };
    let slug = match o.slug {
        Some(s) if !s.trim().is_empty() => check_slug(s)?,
        _ => slug_from_name(&name),
    };
    let kind = match o.kind {
        "company" | "isac" | "vendor" | "helpdesk" | "evaluator" => o.kind.to_string(),
        _ => return Err(StoreError::invalid("kind", "must be company, isac, vendor, helpdesk or evaluator")),
    };
    let id = new_id();
    let q = Query::insert()
        .into_table(Orgs::Table)
        .columns([Orgs::Id, Orgs::Slug, Orgs::Name, Orgs::NameJa, Orgs::Kind, Orgs::Sector, Orgs::CreatedAt])
        .values_panic([
            id.clone().into(),
            slug.clone().into(),
            name.clone().into(),
            name_ja.clone().into(),
            kind.clone().into(),
            o.sector.map(str::to_string).into(),
            now_ms().into(),
        ])
        .to_owned();
    conn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "an organization with this slug"))?;
    Ok(OrgInfo { id, slug, name, name_ja, kind, sector: o.sector.map(str::to_string) })
}

pub(crate) async fn insert_membership<C: ConnectionTrait>(
    conn: &C,
    org_id: &str,
    user_id: &str,
    role: Role,
) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(Memberships::Table)
        .columns([Memberships::OrgId, Memberships::UserId, Memberships::Role, Memberships::CreatedAt])
        .values_panic([org_id.into(), user_id.into(), role.as_str().into(), now_ms().into()])
        .to_owned();
    conn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "this membership"))?;
    Ok(())
}

fn user_select() -> SelectStatement {
    Query::select().columns(user_columns()).from(Users::Table).to_owned()
}

impl Store {
    /// Creates an account (CLI and demo path). Platform admins manage the whole instance.
    pub async fn create_user(&self, new: NewUser, platform_admin: bool, actor: &Actor) -> Result<UserInfo, StoreError> {
        let new = new.validate()?;
        let hash = secrets::hash_password(new.password.clone()).await?;
        self.create_user_with_hash(&new, &hash, platform_admin, actor).await
    }

    pub(crate) async fn create_user_with_hash(
        &self,
        new: &NewUser,
        hash: &str,
        platform_admin: bool,
        actor: &Actor,
    ) -> Result<UserInfo, StoreError> {
        let txn = self.conn().begin().await?;
        let user = insert_user(&txn, new, hash, platform_admin).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: None,
                actor,
                action: "user.create",
                object_type: "user",
                object_id: &user.id,
                detail: serde_json::json!({"email": user.email, "platform_admin": platform_admin}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(user)
    }

    /// Self-service sign-up: a new account and a new organization it owns, atomically.
    pub async fn signup(&self, new: NewUser, org_name: &str) -> Result<(UserInfo, OrgInfo), StoreError> {
        let new = new.validate()?;
        check_name("org_name", org_name, 120)?;
        let hash = secrets::hash_password(new.password.clone()).await?;
        let txn = self.conn().begin().await?;
        let user = insert_user(&txn, &new, &hash, false).await?;
        let org =
            insert_org(&txn, &NewOrg { name: org_name, name_ja: None, slug: None, kind: "company", sector: None })
                .await
                .map_err(|e| match e {
                    StoreError::Invalid { message, .. } => StoreError::Invalid { field: "org_name", message },
                    other => other,
                })?;
        insert_membership(&txn, &org.id, &user.id, Role::Owner).await?;
        let actor = Actor::User { id: user.id.clone(), email: user.email.clone() };
        audit::append(
            &txn,
            Event {
                tenant_id: Some(&org.id),
                actor: &actor,
                action: "user.signup",
                object_type: "org",
                object_id: &org.id,
                detail: serde_json::json!({"email": user.email, "org": org.slug}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok((user, org))
    }

    /// Checks credentials, applying lockout after repeated failures.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        totp_code: Option<&str>,
    ) -> Result<LoginOutcome, StoreError> {
        let Ok(email) = normalize_email(email) else {
            return Ok(LoginOutcome::Invalid);
        };
        let q = Query::select()
            .columns(user_columns())
            .columns([
                Users::PasswordHash,
                Users::TotpSecret,
                Users::TotpLastStep,
                Users::FailedLogins,
                Users::LockedUntil,
            ])
            .from(Users::Table)
            .and_where(Expr::col(Users::Email).eq(email.clone()))
            .to_owned();
        let Some(row) = self.conn().query_one(&q).await? else {
            // Spend the same time as a real check so response times do not reveal accounts.
            secrets::verify_password(password.to_string(), secrets::DUMMY_HASH.to_string()).await;
            return Ok(LoginOutcome::Invalid);
        };
        let user = user_from_row(&row, "")?;
        let now = now_ms();
        let locked_until: Option<i64> = row.try_get("", "locked_until")?;
        if let Some(until) = locked_until.filter(|u| *u > now) {
            return Ok(LoginOutcome::Locked { until_ms: until });
        }
        let hash: String = row.try_get("", "password_hash")?;
        let mut ok = secrets::verify_password(password.to_string(), hash).await;
        let mut totp_used: Option<i64> = None;
        if ok && user.totp_enabled {
            let secret: Option<String> = row.try_get("", "totp_secret")?;
            let last: Option<i64> = row.try_get("", "totp_last_step")?;
            match totp_code.map(str::trim).filter(|c| !c.is_empty()) {
                None => return Ok(LoginOutcome::MfaRequired),
                Some(code) => {
                    totp_used = secret.and_then(|s| totp_accept(&s, &user.email, code, last));
                    ok = totp_used.is_some();
                }
            }
        }
        let actor = Actor::User { id: user.id.clone(), email: user.email.clone() };
        let txn = self.conn().begin().await?;
        let outcome = if ok {
            let mut q = Query::update();
            q.table(Users::Table)
                .value(Users::FailedLogins, 0i32)
                .value(Users::LockedUntil, Option::<i64>::None)
                .and_where(Expr::col(Users::Id).eq(user.id.clone()));
            if let Some(step) = totp_used {
                q.value(Users::TotpLastStep, step);
            }
            txn.execute(&q).await?;
            LoginOutcome::Success(user.clone())
        } else {
            let failed: i32 = row.try_get::<i32>("", "failed_logins")? + 1;
            let (failed, lock) = if failed >= MAX_FAILED_LOGINS { (0, Some(now + LOCKOUT_MS)) } else { (failed, None) };
            let q = Query::update()
                .table(Users::Table)
                .value(Users::FailedLogins, failed)
                .value(Users::LockedUntil, lock)
                .and_where(Expr::col(Users::Id).eq(user.id.clone()))
                .to_owned();
            txn.execute(&q).await?;
            match lock {
                Some(until_ms) => LoginOutcome::Locked { until_ms },
                None => LoginOutcome::Invalid,
            }
        };
        let action = match &outcome {
            LoginOutcome::Success(_) => "auth.login",
            LoginOutcome::Locked { .. } => "auth.lockout",
            _ => "auth.login_failed",
        };
        audit::append(
            &txn,
            Event {
                tenant_id: None,
                actor: &actor,
                action,
                object_type: "user",
                object_id: &user.id,
                detail: serde_json::json!({}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(outcome)
    }

    /// A user by ID.
    pub async fn user(&self, user_id: &str) -> Result<UserInfo, StoreError> {
        let user_id = crate::lookup_key(user_id)?;
        let q = user_select().and_where(Expr::col(Users::Id).eq(user_id)).to_owned();
        let row = self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?;
        user_from_row(&row, "")
    }

    /// Every organization a user belongs to, by name.
    pub async fn memberships(&self, user_id: &str) -> Result<Vec<Membership>, StoreError> {
        let q = Query::select()
            .columns(org_columns().map(|c| (Orgs::Table, c)))
            .column((Memberships::Table, Memberships::Role))
            .from(Memberships::Table)
            .inner_join(
                Orgs::Table,
                Expr::col((Orgs::Table, Orgs::Id)).equals((Memberships::Table, Memberships::OrgId)),
            )
            .and_where(Expr::col((Memberships::Table, Memberships::UserId)).eq(user_id))
            .order_by((Orgs::Table, Orgs::Name), Order::Asc)
            .to_owned();
        let rows = self.conn().query_all(&q).await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("", "role")?;
                Ok(Membership { org: org_from_row(r)?, role: parse_role(&role)? })
            })
            .collect()
    }

    /// Creates an organization owned by `user`.
    pub async fn create_org(
        &self,
        user: &UserInfo,
        name: &str,
        name_ja: Option<&str>,
        slug: Option<&str>,
    ) -> Result<OrgInfo, StoreError> {
        let txn = self.conn().begin().await?;
        let org = insert_org(&txn, &NewOrg { name, name_ja, slug, kind: "company", sector: None }).await?;
        insert_membership(&txn, &org.id, &user.id, Role::Owner).await?;
        let actor = Actor::User { id: user.id.clone(), email: user.email.clone() };
        audit::append(
            &txn,
            Event {
                tenant_id: Some(&org.id),
                actor: &actor,
                action: "org.create",
                object_type: "org",
                object_id: &org.id,
                detail: serde_json::json!({"name": org.name, "slug": org.slug}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(org)
    }

    /// The tenant's own organization.
    pub async fn org(&self, tenant: &Tenant) -> Result<OrgInfo, StoreError> {
        org_by(self.conn(), Orgs::Id, tenant.org_id()).await
    }

    /// Members of the tenant's organization with their roles.
    pub async fn members(&self, tenant: &Tenant) -> Result<Vec<(UserInfo, Role)>, StoreError> {
        let q = Query::select()
            .columns(user_columns().map(|c| (Users::Table, c)))
            .column((Memberships::Table, Memberships::Role))
            .from(Memberships::Table)
            .inner_join(
                Users::Table,
                Expr::col((Users::Table, Users::Id)).equals((Memberships::Table, Memberships::UserId)),
            )
            .and_where(Expr::col((Memberships::Table, Memberships::OrgId)).eq(tenant.org_id()))
            .order_by((Users::Table, Users::Email), Order::Asc)
            .to_owned();
        let rows = self.conn().query_all(&q).await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("", "role")?;
                Ok((user_from_row(r, "")?, parse_role(&role)?))
            })
            .collect()
    }

    /// Changes a member's role; admins cannot grant more than they have, and the last
    /// owner cannot be demoted.
    pub async fn set_member_role(&self, tenant: &Tenant, user_id: &str, role: Role) -> Result<(), StoreError> {
        tenant.require(Role::Admin)?;
        if role > tenant.role() {
            return Err(StoreError::Forbidden("cannot grant a role above your own"));
        }
        let txn = self.conn().begin().await?;
        let current = member_role(&txn, tenant.org_id(), user_id).await?;
        // The permission check comes first, so a refused caller learns nothing about owners.
        if current > tenant.role() {
            return Err(StoreError::Forbidden("cannot change a member above your own role"));
        }
        if current == Role::Owner && role != Role::Owner && owner_count(&txn, tenant.org_id()).await? <= 1 {
            return Err(StoreError::Conflict("an organization needs at least one owner".into()));
        }
        let q = Query::update()
            .table(Memberships::Table)
            .value(Memberships::Role, role.as_str())
            .and_where(Expr::col(Memberships::OrgId).eq(tenant.org_id()))
            .and_where(Expr::col(Memberships::UserId).eq(user_id))
            .to_owned();
        txn.execute(&q).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "member.role",
                object_type: "user",
                object_id: user_id,
                detail: serde_json::json!({"from": current.as_str(), "to": role.as_str()}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Invites an e-mail address; returns the invitation and the one-time link token.
    pub async fn invite(&self, tenant: &Tenant, email: &str, role: Role) -> Result<(Invitation, String), StoreError> {
        tenant.require(Role::Admin)?;
        let email = normalize_email(email)?;
        if role > tenant.role() {
            return Err(StoreError::invalid("role", "cannot invite with a role above your own"));
        }
        let token = random_token("inv_");
        let id = new_id();
        let expires_at = now_ms() + INVITATION_TTL_MS;
        let txn = self.conn().begin().await?;
        let org = org_by(&txn, Orgs::Id, tenant.org_id()).await?;
        let q = Query::insert()
            .into_table(Invitations::Table)
            .columns([
                Invitations::Id,
                Invitations::TokenHash,
                Invitations::OrgId,
                Invitations::Email,
                Invitations::Role,
                Invitations::InvitedBy,
                Invitations::CreatedAt,
                Invitations::ExpiresAt,
            ])
            .values_panic([
                id.clone().into(),
                token_hash(&token).into(),
                org.id.clone().into(),
                email.clone().into(),
                role.as_str().into(),
                tenant.actor().audit_label().into(),
                now_ms().into(),
                expires_at.into(),
            ])
            .to_owned();
        txn.execute(&q).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "invitation.create",
                object_type: "invitation",
                object_id: &id,
                detail: serde_json::json!({"email": email, "role": role.as_str()}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok((Invitation { id, org, email, role, expires_at, accepted: false }, token))
    }

    /// The tenant's invitations, newest first.
    pub async fn invitations(&self, tenant: &Tenant) -> Result<Vec<Invitation>, StoreError> {
        tenant.require(Role::Admin)?;
        let org = self.org(tenant).await?;
        let q = Query::select()
            .columns([
                Invitations::Id,
                Invitations::Email,
                Invitations::Role,
                Invitations::ExpiresAt,
                Invitations::AcceptedAt,
            ])
            .from(Invitations::Table)
            .and_where(Expr::col(Invitations::OrgId).eq(tenant.org_id()))
            .order_by(Invitations::CreatedAt, Order::Desc)
            .limit(200)
            .to_owned();
        let rows = self.conn().query_all(&q).await?;
        rows.iter().map(|r| invitation_from_row(r, org.clone())).collect()
    }

    /// An open invitation by its link token, if it is still valid.
    pub async fn invitation_by_token(&self, token: &str) -> Result<Invitation, StoreError> {
        let q = Query::select()
            .columns([
                Invitations::Id,
                Invitations::OrgId,
                Invitations::Email,
                Invitations::Role,
                Invitations::ExpiresAt,
                Invitations::AcceptedAt,
            ])
            .from(Invitations::Table)
            .and_where(Expr::col(Invitations::TokenHash).eq(token_hash(token)))
            .to_owned();
        let row = self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?;
        let org_id: String = row.try_get("", "org_id")?;
        let org = org_by(self.conn(), Orgs::Id, &org_id).await?;
        let inv = invitation_from_row(&row, org)?;
        if inv.accepted || inv.expires_at < now_ms() {
            return Err(StoreError::NotFound);
        }
        Ok(inv)
    }

    /// Accepts an invitation as an existing user (whose e-mail must match) or by creating
    /// the account. Returns the member and the organization joined.
    pub async fn accept_invitation(
        &self,
        token: &str,
        existing: Option<&UserInfo>,
        new_user: Option<NewUser>,
    ) -> Result<(UserInfo, OrgInfo), StoreError> {
        let inv = self.invitation_by_token(token).await?;
        let hashed = crate::accounts::invitee_account(&inv.email, existing, new_user).await?;
        let txn = self.conn().begin().await?;
        let user = match (existing, hashed) {
            (Some(u), _) => u.clone(),
            (None, Some((n, hash))) => insert_user(&txn, &n, &hash, false).await?,
            (None, None) => return Err(StoreError::Internal("unreachable invitation state".into())),
        };
        let q = Query::update()
            .table(Invitations::Table)
            .value(Invitations::AcceptedAt, now_ms())
            .and_where(Expr::col(Invitations::Id).eq(inv.id.clone()))
            .and_where(Expr::col(Invitations::AcceptedAt).is_null())
            .to_owned();
        if txn.execute(&q).await?.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        insert_membership(&txn, &inv.org.id, &user.id, inv.role).await?;
        let actor = Actor::User { id: user.id.clone(), email: user.email.clone() };
        audit::append(
            &txn,
            Event {
                tenant_id: Some(&inv.org.id),
                actor: &actor,
                action: "invitation.accept",
                object_type: "invitation",
                object_id: &inv.id,
                detail: serde_json::json!({"role": inv.role.as_str()}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok((user, inv.org))
    }

    /// Starts a password reset. Returns the user and the one-time token when the address is
    /// known; callers must answer the same way either way.
    pub async fn begin_password_reset(&self, email: &str) -> Result<Option<(UserInfo, String)>, StoreError> {
        let Ok(email) = normalize_email(email) else { return Ok(None) };
        let q = user_select().and_where(Expr::col(Users::Email).eq(email)).to_owned();
        let Some(row) = self.conn().query_one(&q).await? else { return Ok(None) };
        let user = user_from_row(&row, "")?;
        let token = random_token("rst_");
        let txn = self.conn().begin().await?;
        let q = Query::insert()
            .into_table(PasswordResets::Table)
            .columns([
                PasswordResets::TokenHash,
                PasswordResets::UserId,
                PasswordResets::CreatedAt,
                PasswordResets::ExpiresAt,
            ])
            .values_panic([
                token_hash(&token).into(),
                user.id.clone().into(),
                now_ms().into(),
                (now_ms() + RESET_TTL_MS).into(),
            ])
            .to_owned();
        txn.execute(&q).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: None,
                actor: &Actor::Anonymous,
                action: "auth.reset_requested",
                object_type: "user",
                object_id: &user.id,
                detail: serde_json::json!({}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(Some((user, token)))
    }

    /// Completes a reset: sets the password, consumes the token, ends every session.
    pub async fn complete_password_reset(&self, token: &str, new_password: &str) -> Result<UserInfo, StoreError> {
        PasswordPolicy::check(new_password)?;
        let q = Query::select()
            .columns([PasswordResets::UserId, PasswordResets::ExpiresAt, PasswordResets::UsedAt])
            .from(PasswordResets::Table)
            .and_where(Expr::col(PasswordResets::TokenHash).eq(token_hash(token)))
            .to_owned();
        let row = self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?;
        let used: Option<i64> = row.try_get("", "used_at")?;
        let expires: i64 = row.try_get("", "expires_at")?;
        if used.is_some() || expires < now_ms() {
            return Err(StoreError::NotFound);
        }
        let user_id: String = row.try_get("", "user_id")?;
        let hash = secrets::hash_password(new_password.to_string()).await?;
        let txn = self.conn().begin().await?;
        let consume = Query::update()
            .table(PasswordResets::Table)
            .value(PasswordResets::UsedAt, now_ms())
            .and_where(Expr::col(PasswordResets::TokenHash).eq(token_hash(token)))
            .and_where(Expr::col(PasswordResets::UsedAt).is_null())
            .to_owned();
        if txn.execute(&consume).await?.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        let q = Query::update()
            .table(Users::Table)
            .value(Users::PasswordHash, hash)
            .value(Users::FailedLogins, 0i32)
            .value(Users::LockedUntil, Option::<i64>::None)
            .and_where(Expr::col(Users::Id).eq(user_id.clone()))
            .to_owned();
        txn.execute(&q).await?;
        let q = Query::delete()
            .from_table(Sessions::Table)
            .and_where(Expr::col(Sessions::UserId).eq(user_id.clone()))
            .to_owned();
        txn.execute(&q).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: None,
                actor: &Actor::Anonymous,
                action: "auth.reset_completed",
                object_type: "user",
                object_id: &user_id,
                detail: serde_json::json!({}),
            },
        )
        .await?;
        txn.commit().await?;
        self.user(&user_id).await
    }

    /// Sets the user's interface language.
    pub async fn set_user_lang(&self, user: &UserInfo, lang: &str) -> Result<(), StoreError> {
        let lang = check_lang(lang)?;
        let txn = self.conn().begin().await?;
        let q = Query::update()
            .table(Users::Table)
            .value(Users::Lang, lang.clone())
            .and_where(Expr::col(Users::Id).eq(user.id.clone()))
            .to_owned();
        txn.execute(&q).await?;
        let actor = Actor::User { id: user.id.clone(), email: user.email.clone() };
        audit::append(
            &txn,
            Event {
                tenant_id: None,
                actor: &actor,
                action: "user.lang",
                object_type: "user",
                object_id: &user.id,
                detail: serde_json::json!({"lang": lang}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Generates and stores a TOTP secret (not yet active) for the user to enrol.
    pub async fn mfa_setup(&self, user: &UserInfo) -> Result<MfaSetup, StoreError> {
        if user.totp_enabled {
            return Err(StoreError::Conflict("two-factor authentication is already on".into()));
        }
        let secret = Secret::generate_secret().to_encoded().to_string();
        let totp = make_totp(&secret, &user.email).ok_or_else(|| StoreError::Internal("totp setup failed".into()))?;
        let q = Query::update()
            .table(Users::Table)
            .value(Users::TotpSecret, secret.clone())
            .and_where(Expr::col(Users::Id).eq(user.id.clone()))
            .to_owned();
        self.conn().execute(&q).await?;
        Ok(MfaSetup { secret_base32: secret, otpauth_url: totp.get_url() })
    }

    /// The enrolment `mfa_setup` started and no code has confirmed yet, so a form that
    /// rejected a code can show the same secret again.
    pub async fn mfa_pending(&self, user: &UserInfo) -> Result<Option<MfaSetup>, StoreError> {
        let q = Query::select()
            .columns([Users::TotpSecret, Users::TotpEnabled])
            .from(Users::Table)
            .and_where(Expr::col(Users::Id).eq(user.id.clone()))
            .to_owned();
        let row = self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?;
        let enabled: bool = row.try_get("", "totp_enabled")?;
        let secret: Option<String> = row.try_get("", "totp_secret")?;
        Ok(secret.filter(|_| !enabled).and_then(|secret| {
            let url = make_totp(&secret, &user.email)?.get_url();
            Some(MfaSetup { secret_base32: secret, otpauth_url: url })
        }))
    }

    /// Turns TOTP on or off after checking a current code.
    pub async fn mfa_set_enabled(&self, user: &UserInfo, code: &str, enable: bool) -> Result<(), StoreError> {
        let q = Query::select()
            .columns([Users::TotpSecret, Users::TotpLastStep])
            .from(Users::Table)
            .and_where(Expr::col(Users::Id).eq(user.id.clone()))
            .to_owned();
        let row = self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?;
        let secret: Option<String> = row.try_get("", "totp_secret")?;
        let last: Option<i64> = row.try_get("", "totp_last_step")?;
        let Some(secret) = secret else {
            return Err(StoreError::invalid("code", "start the set-up first"));
        };
        let Some(step) = totp_accept(&secret, &user.email, code.trim(), last) else {
            return Err(StoreError::invalid("code", "the code is not valid; check your device's clock"));
        };
        let txn = self.conn().begin().await?;
        let mut q = Query::update();
        q.table(Users::Table)
            .value(Users::TotpEnabled, enable)
            .value(Users::TotpLastStep, step)
            .and_where(Expr::col(Users::Id).eq(user.id.clone()));
        if !enable {
            q.value(Users::TotpSecret, Option::<String>::None);
        }
        txn.execute(&q).await?;
        let actor = Actor::User { id: user.id.clone(), email: user.email.clone() };
        audit::append(
            &txn,
            Event {
                tenant_id: None,
                actor: &actor,
                action: if enable { "mfa.enable" } else { "mfa.disable" },
                object_type: "user",
                object_id: &user.id,
                detail: serde_json::json!({}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

fn invitation_from_row(r: &QueryResult, org: OrgInfo) -> Result<Invitation, StoreError> {
    let role: String = r.try_get("", "role")?;
    let accepted: Option<i64> = r.try_get("", "accepted_at")?;
    Ok(Invitation {
        id: r.try_get("", "id")?,
        org,
        email: r.try_get("", "email")?,
        role: parse_role(&role)?,
        expires_at: r.try_get("", "expires_at")?,
        accepted: accepted.is_some(),
    })
}

async fn member_role<C: ConnectionTrait>(conn: &C, org_id: &str, user_id: &str) -> Result<Role, StoreError> {
    let (org_id, user_id) = (crate::lookup_key(org_id)?, crate::lookup_key(user_id)?);
    let q = Query::select()
        .column(Memberships::Role)
        .from(Memberships::Table)
        .and_where(Expr::col(Memberships::OrgId).eq(org_id))
        .and_where(Expr::col(Memberships::UserId).eq(user_id))
        .to_owned();
    let row = conn.query_one(&q).await?.ok_or(StoreError::NotFound)?;
    let role: String = row.try_get("", "role")?;
    parse_role(&role)
}

pub(crate) async fn member_role_opt<C: ConnectionTrait>(
    conn: &C,
    org_id: &str,
    user_id: &str,
) -> Result<Option<Role>, StoreError> {
    match member_role(conn, org_id, user_id).await {
        Ok(r) => Ok(Some(r)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn owner_count<C: ConnectionTrait>(conn: &C, org_id: &str) -> Result<i64, StoreError> {
    let q = Query::select()
        .expr_as(Expr::col(Memberships::UserId).count(), "n")
        .from(Memberships::Table)
        .and_where(Expr::col(Memberships::OrgId).eq(org_id))
        .and_where(Expr::col(Memberships::Role).eq("owner"))
        .to_owned();
    let row = conn.query_one(&q).await?.ok_or(StoreError::NotFound)?;
    Ok(row.try_get("", "n")?)
}

fn make_totp(secret_b32: &str, email: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, Some("mamori".to_string()), email.replace(':', "_")).ok()
}

/// The 30-second time step a code belongs to, if it matches the current step or one step
/// either side (clock drift). Callers reject steps at or before the last one accepted, so a
/// code cannot be replayed (RFC 6238 §5.2).
fn totp_step(secret_b32: &str, email: &str, code: &str) -> Option<i64> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = make_totp(secret_b32, email)?;
    let now = now_ms() / 1000;
    let current = now / 30;
    [current - 1, current, current + 1].into_iter().find(|step| {
        let code_at = totp.generate(u64::try_from(*step * 30).unwrap_or(0));
        bool::from(subtle::ConstantTimeEq::ct_eq(code_at.as_bytes(), code.as_bytes()))
    })
}

/// Checks a code against the secret and the last step used; returns the step to store.
fn totp_accept(secret_b32: &str, email: &str, code: &str, last_step: Option<i64>) -> Option<i64> {
    totp_step(secret_b32, email, code).filter(|s| last_step.is_none_or(|last| *s > last))
}

/// The current TOTP code for a secret; used by tests and the CLI's diagnostics.
pub fn totp_now(secret_b32: &str, email: &str) -> Option<String> {
    make_totp(secret_b32, email)?.generate_current().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(normalize_email("  Alice@Example.COM ").ok(), Some("alice@example.com".into()));
        for bad in ["", "a", "a@b", "@b.c", "a b@c.d", "a@.c", "a@c.", "a@b@c.d"] {
            assert!(normalize_email(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn slugs_are_derived_from_names() {
        assert_eq!(slug_from_name("Acme Motors, Inc."), "acme-motors-inc");
        assert!(slug_from_name("守り株式会社").starts_with("org-"));
        assert!(check_slug("-bad").is_err());
        assert!(check_slug("good-1").is_ok());
    }

    #[test]
    fn short_passwords_are_rejected() {
        assert!(PasswordPolicy::check("short").is_err());
        assert!(PasswordPolicy::check("long enough pass").is_ok());
    }
}
