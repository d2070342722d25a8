//! The information-sharing hub: sharing circles (one TAXII API root each), their member
//! organizations, collections with per-organization read/write, STIX objects with TLP
//! enforced in SQL, TAXII status resources and the de-identification reporting flow.
//!
//! Access model. An organization sees a circle when it is a member; it sees a collection
//! when it has a read or write grant on it; it reads an object when it may read the
//! collection **and** the TLP rule of [`mamori_intel::tlp::can_read`] allows it. The TLP
//! rule is rendered into every object query, so no read path filters after the fact.

pub mod demo;
mod matching;
mod objects;
mod peers;
mod reports;
pub(crate) mod schema;
mod sql;

use std::collections::BTreeSet;

use mamori_intel::tlp::{Recipient, Viewer};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait};
use serde::Serialize;

pub(crate) use matching::MatchCache;
pub use matching::{MAX_OBSERVABLES, MatchHit, MatchProblem, MatchReport, MatchResult, VisibleIndicator};
pub use objects::{
    IngestOptions, IngestOutcome, ObjectFilter, ObjectPage, ObjectRow, RED_WITHOUT_RECIPIENTS, StatusDetail,
    StatusRecord, VersionSel, rejection_details,
};
pub use peers::{INTERVAL_SECS, PeerCredentials, PeerInfo, PeerInput, PeerState, RunResult};
pub use reports::{NewReport, ReportInfo, ReportState, SanitiseOptions};

use crate::audit::{self, Event};
use crate::schema::{Memberships, Orgs, Users};
use crate::{Actor, Role, Store, StoreError, Tenant, new_id, now_ms};
use schema::*;

/// A sharing circle (council or sector ISAC); each is one TAXII API root.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CircleInfo {
    pub id: String,
    /// The API root path segment, e.g. `council`.
    pub root: String,
    pub title: String,
    pub title_ja: String,
    pub description: String,
    /// `council` or `sector`.
    pub kind: String,
    /// The organization that runs the hub of this circle (its admins are the analysts).
    pub hub_org_id: String,
}

/// A collection as seen by one organization.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CollectionInfo {
    pub id: String,
    pub circle_id: String,
    pub alias: String,
    pub title: String,
    pub description: String,
    pub can_read: bool,
    pub can_write: bool,
}

/// What a new circle looks like (administrative path and demo).
pub struct NewCircle<'a> {
    pub root: &'a str,
    pub title: &'a str,
    pub title_ja: &'a str,
    pub description: &'a str,
    pub kind: &'a str,
    pub hub_org_slug: &'a str,
}

/// The caller's view of the hub, computed once per request.
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    pub viewer: Viewer,
    pub readable: Vec<String>,
}

pub(crate) fn check_root(root: &str) -> Result<&str, StoreError> {
    let ok = (2..=40).contains(&root.len())
        && root.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !root.starts_with('-');
    if ok { Ok(root) } else { Err(StoreError::invalid("root", "use 2–40 letters a–z, digits and hyphens")) }
}

fn circle_from_row(r: &QueryResult) -> Result<CircleInfo, StoreError> {
    Ok(CircleInfo {
        id: r.try_get("", "id")?,
        root: r.try_get("", "root")?,
        title: r.try_get("", "title")?,
        title_ja: r.try_get("", "title_ja")?,
        description: r.try_get("", "description")?,
        kind: r.try_get("", "kind")?,
        hub_org_id: r.try_get("", "hub_org_id")?,
    })
}

const CIRCLE_COLS: [IntelCol; 7] = [
    IntelCol::Id,
    IntelCol::Root,
    IntelCol::Title,
    IntelCol::TitleJa,
    IntelCol::Description,
    IntelCol::Kind,
    IntelCol::HubOrgId,
];

pub(crate) async fn circle_by_root<C: ConnectionTrait>(conn: &C, root: &str) -> Result<CircleInfo, StoreError> {
    let q = Query::select()
        .columns(CIRCLE_COLS)
        .from(IntelCircles::Table)
        .and_where(Expr::col(IntelCol::Root).eq(root))
        .to_owned();
    conn.query_one(&q).await?.map(|r| circle_from_row(&r)).transpose()?.ok_or(StoreError::NotFound)
}

pub(crate) async fn circle_by_id<C: ConnectionTrait>(conn: &C, id: &str) -> Result<CircleInfo, StoreError> {
    let q = Query::select()
        .columns(CIRCLE_COLS)
        .from(IntelCircles::Table)
        .and_where(Expr::col(IntelCol::Id).eq(id))
        .to_owned();
    conn.query_one(&q).await?.map(|r| circle_from_row(&r)).transpose()?.ok_or(StoreError::NotFound)
}

pub(crate) async fn circle_secret<C: ConnectionTrait>(conn: &C, circle_id: &str) -> Result<Vec<u8>, StoreError> {
    let q = Query::select()
        .column(IntelCol::Secret)
        .from(IntelCircles::Table)
        .and_where(Expr::col(IntelCol::Id).eq(circle_id))
        .to_owned();
    let row = conn.query_one(&q).await?.ok_or(StoreError::NotFound)?;
    let hex_key: String = row.try_get("", "secret")?;
    hex::decode(hex_key).map_err(|_| StoreError::Internal("circle secret is not hex".into()))
}

pub(crate) async fn is_member<C: ConnectionTrait>(conn: &C, circle_id: &str, org_id: &str) -> Result<bool, StoreError> {
    let q = Query::select()
        .column(IntelCol::OrgId)
        .from(IntelCircleMembers::Table)
        .and_where(Expr::col(IntelCol::CircleId).eq(circle_id))
        .and_where(Expr::col(IntelCol::OrgId).eq(org_id))
        .to_owned();
    Ok(conn.query_one(&q).await?.is_some())
}

/// True when the tenant is an analyst (admin or owner) of the hub that runs `circle`.
pub(crate) fn is_analyst(tenant: &Tenant, circle: &CircleInfo) -> bool {
    tenant.org_id() == circle.hub_org_id && tenant.role().at_least(Role::Admin)
}

fn tenant_user(tenant: &Tenant) -> String {
    // CLI actors have no user; the empty id never equals a stored producer or recipient.
    tenant.actor().user_id().unwrap_or_default().to_owned()
}

impl Store {
    pub(crate) async fn intel_scope(&self, tenant: &Tenant) -> Result<Scope, StoreError> {
        let q = Query::select()
            .column(IntelCol::CircleId)
            .from(IntelCircleMembers::Table)
            .and_where(Expr::col(IntelCol::OrgId).eq(tenant.org_id()))
            .to_owned();
        let circles: BTreeSet<String> =
            self.conn().query_all(&q).await?.iter().map(|r| r.try_get("", "circle_id")).collect::<Result<_, _>>()?;
        let q = Query::select()
            .column(IntelCol::CollectionId)
            .from(IntelCollectionAccess::Table)
            .and_where(Expr::col(IntelCol::OrgId).eq(tenant.org_id()))
            .and_where(Expr::col(IntelCol::CanRead).eq(true))
            .to_owned();
        let readable: Vec<String> = self
            .conn()
            .query_all(&q)
            .await?
            .iter()
            .map(|r| r.try_get("", "collection_id"))
            .collect::<Result<_, _>>()?;
        let viewer =
            Viewer { user_id: tenant_user(tenant), org_id: tenant.org_id().to_owned(), circle_memberships: circles };
        Ok(Scope { viewer, readable })
    }

    /// Key material for signing a circle's TAXII pagination cursors, derived from the
    /// circle's stored secret, so cursors stay valid across restarts.
    pub async fn intel_cursor_secret(&self, circle: &CircleInfo) -> Result<Vec<u8>, StoreError> {
        use sha2::{Digest, Sha256};
        let secret = circle_secret(self.conn(), &circle.id).await?;
        let mut h = Sha256::new();
        h.update(b"mamori-taxii-cursor-v1");
        h.update(&secret);
        Ok(h.finalize().to_vec())
    }

    /// Circles the tenant's organization belongs to, ordered by root.
    pub async fn intel_circles(&self, tenant: &Tenant) -> Result<Vec<CircleInfo>, StoreError> {
        let q = Query::select()
            .columns(CIRCLE_COLS.map(|c| (IntelCircles::Table, c)))
            .from(IntelCircles::Table)
            .inner_join(
                IntelCircleMembers::Table,
                Expr::col((IntelCircleMembers::Table, IntelCol::CircleId)).equals((IntelCircles::Table, IntelCol::Id)),
            )
            .and_where(Expr::col((IntelCircleMembers::Table, IntelCol::OrgId)).eq(tenant.org_id()))
            .order_by((IntelCircles::Table, IntelCol::Root), Order::Asc)
            .to_owned();
        self.conn().query_all(&q).await?.iter().map(circle_from_row).collect()
    }

    /// One circle by API root, if the tenant's organization is a member (else `NotFound`,
    /// which does not reveal whether the root exists).
    pub async fn intel_circle(&self, tenant: &Tenant, root: &str) -> Result<CircleInfo, StoreError> {
        let c = circle_by_root(self.conn(), root).await?;
        if is_member(self.conn(), &c.id, tenant.org_id()).await? { Ok(c) } else { Err(StoreError::NotFound) }
    }

    /// Collections of a circle on which the tenant has a read or write grant, sorted by id.
    pub async fn intel_collections(&self, tenant: &Tenant, root: &str) -> Result<Vec<CollectionInfo>, StoreError> {
        let circle = self.intel_circle(tenant, root).await?;
        self.collections_where(tenant, Some(&circle.id), None).await
    }

    /// Every collection the tenant may read or write, across circles.
    pub async fn intel_all_collections(&self, tenant: &Tenant) -> Result<Vec<CollectionInfo>, StoreError> {
        self.collections_where(tenant, None, None).await
    }

    /// One collection of a circle, if the tenant has any grant on it.
    pub async fn intel_collection(&self, tenant: &Tenant, root: &str, id: &str) -> Result<CollectionInfo, StoreError> {
        let circle = self.intel_circle(tenant, root).await?;
        self.collections_where(tenant, Some(&circle.id), Some(id)).await?.into_iter().next().ok_or(StoreError::NotFound)
    }

    async fn collections_where(
        &self,
        tenant: &Tenant,
        circle_id: Option<&str>,
        id: Option<&str>,
    ) -> Result<Vec<CollectionInfo>, StoreError> {
        let mut q = Query::select()
            .columns(
                [IntelCol::Id, IntelCol::CircleId, IntelCol::Alias, IntelCol::Title, IntelCol::Description]
                    .map(|c| (IntelCollections::Table, c)),
            )
            .columns([IntelCol::CanRead, IntelCol::CanWrite].map(|c| (IntelCollectionAccess::Table, c)))
            .from(IntelCollections::Table)
            .inner_join(
                IntelCollectionAccess::Table,
                Expr::col((IntelCollectionAccess::Table, IntelCol::CollectionId))
                    .equals((IntelCollections::Table, IntelCol::Id)),
            )
            .inner_join(
                IntelCircleMembers::Table,
                Expr::col((IntelCircleMembers::Table, IntelCol::CircleId))
                    .equals((IntelCollections::Table, IntelCol::CircleId))
                    .and(
                        Expr::col((IntelCircleMembers::Table, IntelCol::OrgId))
                            .equals((IntelCollectionAccess::Table, IntelCol::OrgId)),
                    ),
            )
            .and_where(Expr::col((IntelCollectionAccess::Table, IntelCol::OrgId)).eq(tenant.org_id()))
            .order_by((IntelCollections::Table, IntelCol::Id), Order::Asc)
            .to_owned();
        if let Some(c) = circle_id {
            q.and_where(Expr::col((IntelCollections::Table, IntelCol::CircleId)).eq(c));
        }
        if let Some(id) = id {
            q.and_where(Expr::col((IntelCollections::Table, IntelCol::Id)).eq(id));
        }
        let rows = self.conn().query_all(&q).await?;
        rows.iter()
            .map(|r| {
                Ok(CollectionInfo {
                    id: r.try_get("", "id")?,
                    circle_id: r.try_get("", "circle_id")?,
                    alias: r.try_get("", "alias")?,
                    title: r.try_get("", "title")?,
                    description: r.try_get("", "description")?,
                    can_read: r.try_get("", "can_read")?,
                    can_write: r.try_get("", "can_write")?,
                })
            })
            .collect()
    }

    /// The users named by e-mail as recipients of objects posted to `collection_id`, each of
    /// whom must belong to a member organization of the collection's circle (TLP:RED and
    /// AMBER name individuals). An unknown address and a non-member get the same answer, so
    /// the check reveals nothing beyond the circle. The tenant needs write access.
    pub async fn intel_recipients_by_email(
        &self,
        tenant: &Tenant,
        collection_id: &str,
        emails: &[String],
    ) -> Result<Vec<Recipient>, StoreError> {
        if emails.is_empty() {
            return Ok(Vec::new());
        }
        let coll = self.collections_for_write(tenant, collection_id).await?;
        let mut normalized = Vec::with_capacity(emails.len());
        for (i, e) in emails.iter().enumerate() {
            let n = crate::accounts::normalize_email(e).map_err(|_| {
                StoreError::invalid("recipients", format!("entry {i} ({e}) is not a valid e-mail address"))
            })?;
            normalized.push(n);
        }
        let q = Query::select()
            .distinct()
            .columns([(Users::Table, Users::Id), (Users::Table, Users::Email)])
            .from(Users::Table)
            .inner_join(
                Memberships::Table,
                Expr::col((Memberships::Table, Memberships::UserId)).equals((Users::Table, Users::Id)),
            )
            .inner_join(
                IntelCircleMembers::Table,
                Expr::col((IntelCircleMembers::Table, IntelCol::OrgId))
                    .equals((Memberships::Table, Memberships::OrgId)),
            )
            .and_where(Expr::col((IntelCircleMembers::Table, IntelCol::CircleId)).eq(coll.circle_id.as_str()))
            .and_where(Expr::col((Users::Table, Users::Email)).is_in(normalized.iter().map(String::as_str)))
            .to_owned();
        let found: std::collections::HashMap<String, String> = self
            .conn()
            .query_all(&q)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("", "email")?, r.try_get("", "id")?)))
            .collect::<Result<_, StoreError>>()?;
        let mut out: Vec<Recipient> = Vec::with_capacity(normalized.len());
        for (i, e) in normalized.iter().enumerate() {
            let id = found.get(e).ok_or_else(|| {
                StoreError::invalid(
                    "recipients",
                    format!("entry {i} ({e}) is not a user of a member organization of this circle"),
                )
            })?;
            let r = Recipient::User(id.clone());
            if !out.contains(&r) {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Creates a circle run by the hub organization `hub_org_slug`, which becomes its first
    /// member. Administrative path (CLI, demo) only.
    pub async fn intel_create_circle(&self, admin: &Tenant, new: NewCircle<'_>) -> Result<CircleInfo, StoreError> {
        admin_only(admin)?;
        let txn = self.conn().begin().await?;
        let c = insert_circle(&txn, admin.actor(), &new).await?;
        txn.commit().await?;
        Ok(c)
    }

    /// Adds an organization to a circle (administrative path).
    pub async fn intel_add_member(&self, admin: &Tenant, root: &str, org_slug: &str) -> Result<(), StoreError> {
        admin_only(admin)?;
        let txn = self.conn().begin().await?;
        let circle = circle_by_root(&txn, root).await?;
        let org = crate::accounts::org_by(&txn, Orgs::Slug, org_slug).await?;
        insert_member(&txn, admin.actor(), &circle.id, &org.id).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Creates a collection in a circle (administrative path). Returns its id (a UUIDv4).
    pub async fn intel_create_collection(
        &self,
        admin: &Tenant,
        root: &str,
        alias: &str,
        title: &str,
        description: &str,
    ) -> Result<String, StoreError> {
        admin_only(admin)?;
        let txn = self.conn().begin().await?;
        let circle = circle_by_root(&txn, root).await?;
        let id = insert_collection(&txn, admin.actor(), &circle.id, alias, title, description).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Grants an organization read and/or write on a collection (administrative path).
    pub async fn intel_grant(
        &self,
        admin: &Tenant,
        collection_id: &str,
        org_slug: &str,
        can_read: bool,
        can_write: bool,
    ) -> Result<(), StoreError> {
        admin_only(admin)?;
        let txn = self.conn().begin().await?;
        let org = crate::accounts::org_by(&txn, Orgs::Slug, org_slug).await?;
        insert_grant(&txn, admin.actor(), collection_id, &org.id, can_read, can_write).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// The user ids of a circle's hub analysts (admins and owners of the hub organization).
pub(crate) async fn hub_analysts<C: ConnectionTrait>(conn: &C, hub_org_id: &str) -> Result<Vec<String>, StoreError> {
    let q = Query::select()
        .column(Memberships::UserId)
        .from(Memberships::Table)
        .and_where(Expr::col(Memberships::OrgId).eq(hub_org_id))
        .and_where(Expr::col(Memberships::Role).is_in(["admin", "owner"]))
        .to_owned();
    conn.query_all(&q).await?.iter().map(|r| r.try_get("", "user_id").map_err(StoreError::from)).collect()
}

fn admin_only(t: &Tenant) -> Result<(), StoreError> {
    if matches!(t.actor(), Actor::Cli(_)) {
        Ok(())
    } else {
        Err(StoreError::Forbidden("circles are administered from the command line"))
    }
}

pub(crate) async fn insert_circle<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    new: &NewCircle<'_>,
) -> Result<CircleInfo, StoreError> {
    use rand::RngCore;
    let root = check_root(new.root)?;
    if !matches!(new.kind, "council" | "sector") {
        return Err(StoreError::invalid("kind", "must be council or sector"));
    }
    let hub = crate::accounts::org_by(conn, Orgs::Slug, new.hub_org_slug).await?;
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let c = CircleInfo {
        id: new_id(),
        root: root.to_owned(),
        title: new.title.to_owned(),
        title_ja: new.title_ja.to_owned(),
        description: new.description.to_owned(),
        kind: new.kind.to_owned(),
        hub_org_id: hub.id.clone(),
    };
    let q = Query::insert()
        .into_table(IntelCircles::Table)
        .columns([
            IntelCol::Id,
            IntelCol::Root,
            IntelCol::Title,
            IntelCol::TitleJa,
            IntelCol::Description,
            IntelCol::Kind,
            IntelCol::HubOrgId,
            IntelCol::Secret,
            IntelCol::CreatedAt,
        ])
        .values_panic([
            c.id.clone().into(),
            c.root.clone().into(),
            c.title.clone().into(),
            c.title_ja.clone().into(),
            c.description.clone().into(),
            c.kind.clone().into(),
            c.hub_org_id.clone().into(),
            hex::encode(key).into(),
            now_ms().into(),
        ])
        .to_owned();
    conn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "a circle with this root"))?;
    audit::append(
        conn,
        Event {
            tenant_id: Some(&hub.id),
            actor,
            action: "intel.circle.create",
            object_type: "intel_circle",
            object_id: &c.id,
            detail: serde_json::json!({"root": c.root, "kind": c.kind}),
        },
    )
    .await?;
    insert_member(conn, actor, &c.id, &hub.id).await?;
    Ok(c)
}

pub(crate) async fn insert_member<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    circle_id: &str,
    org_id: &str,
) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(IntelCircleMembers::Table)
        .columns([IntelCol::CircleId, IntelCol::OrgId, IntelCol::CreatedAt])
        .values_panic([circle_id.into(), org_id.into(), now_ms().into()])
        .to_owned();
    conn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "this circle membership"))?;
    audit::append(
        conn,
        Event {
            tenant_id: Some(org_id),
            actor,
            action: "intel.circle.join",
            object_type: "intel_circle",
            object_id: circle_id,
            detail: serde_json::json!({}),
        },
    )
    .await?;
    Ok(())
}

pub(crate) async fn insert_collection<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    circle_id: &str,
    alias: &str,
    title: &str,
    description: &str,
) -> Result<String, StoreError> {
    check_root(alias).map_err(|_| StoreError::invalid("alias", "use 2–40 letters a–z, digits and hyphens"))?;
    if title.trim().is_empty() || title.chars().count() > 200 {
        return Err(StoreError::invalid("title", "use 1–200 characters"));
    }
    // TAXII requires collection ids to be UUIDv4.
    let id = uuid::Uuid::new_v4().to_string();
    let q = Query::insert()
        .into_table(IntelCollections::Table)
        .columns([
            IntelCol::Id,
            IntelCol::CircleId,
            IntelCol::Alias,
            IntelCol::Title,
            IntelCol::Description,
            IntelCol::CreatedAt,
        ])
        .values_panic([
            id.clone().into(),
            circle_id.into(),
            alias.into(),
            title.trim().into(),
            description.into(),
            now_ms().into(),
        ])
        .to_owned();
    conn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "a collection with this alias"))?;
    audit::append(
        conn,
        Event {
            tenant_id: None,
            actor,
            action: "intel.collection.create",
            object_type: "intel_collection",
            object_id: &id,
            detail: serde_json::json!({"circle": circle_id, "alias": alias}),
        },
    )
    .await?;
    Ok(id)
}

pub(crate) async fn insert_grant<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    collection_id: &str,
    org_id: &str,
    can_read: bool,
    can_write: bool,
) -> Result<(), StoreError> {
    let del = Query::delete()
        .from_table(IntelCollectionAccess::Table)
        .and_where(Expr::col(IntelCol::CollectionId).eq(collection_id))
        .and_where(Expr::col(IntelCol::OrgId).eq(org_id))
        .to_owned();
    conn.execute(&del).await?;
    let q = Query::insert()
        .into_table(IntelCollectionAccess::Table)
        .columns([IntelCol::CollectionId, IntelCol::OrgId, IntelCol::CanRead, IntelCol::CanWrite])
        .values_panic([collection_id.into(), org_id.into(), can_read.into(), can_write.into()])
        .to_owned();
    conn.execute(&q).await?;
    audit::append(
        conn,
        Event {
            tenant_id: Some(org_id),
            actor,
            action: "intel.collection.grant",
            object_type: "intel_collection",
            object_id: collection_id,
            detail: serde_json::json!({"read": can_read, "write": can_write}),
        },
    )
    .await?;
    Ok(())
}
