//! Federation peers: remote TAXII 2.1 collections an organization pulls from and pushes to,
//! with their credentials sealed under the server secret and their sync state (cursors,
//! failures, next attempt, a lease so that one peer is synced by one runner at a time).
//!
//! Access. Admins and owners of the organization that configured a peer manage it. A sync
//! runs as a [`Tenant`] of that organization whose actor is `federation:<peer id>`
//! ([`Store::intel_peer_tenant`]); that tenant reads and writes intel like any member of the
//! organization (collection grants and the TLP rule apply) and may update only its peer's
//! state. The scheduler learns which peers are due from [`Store::intel_due_peers`], which
//! returns bare ids.

use mamori_intel::federation::{Backoff, Direction, check_push_ceiling, parse_collection_url};
use mamori_intel::tlp::Tlp;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait};
use serde::Serialize;

use super::schema::*;
use crate::audit::{self, Event};
use crate::{Actor, Role, Store, StoreError, Tenant, lookup_key, new_id, now_ms};

/// Shortest and longest time between scheduled syncs.
pub const INTERVAL_SECS: std::ops::RangeInclusive<i64> = 60..=7 * 24 * 3600;

/// How this hub authenticates to a peer.
#[derive(Clone, PartialEq, Eq)]
pub enum PeerCredentials {
    None,
    Basic { username: String, password: String },
    Bearer(String),
}

impl std::fmt::Debug for PeerCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PeerCredentials::None => "None",
            PeerCredentials::Basic { .. } => "Basic(..)",
            PeerCredentials::Bearer(_) => "Bearer(..)",
        })
    }
}

/// What an administrator sets. `secret` is the password or token; on update, `None` keeps
/// the stored one.
#[derive(Clone, Debug)]
pub struct PeerInput {
    pub name: String,
    pub collection_url: String,
    /// `none`, `basic` or `bearer`.
    pub auth: String,
    pub username: Option<String>,
    pub secret: Option<String>,
    pub direction: String,
    pub local_collection_id: String,
    pub max_tlp: String,
    pub interval_secs: i64,
    pub enabled: bool,
}

/// A peer's sync state.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PeerState {
    /// The remote `added_after` the next pull starts from.
    pub pull_cursor: Option<String>,
    /// A remote `next` token of an unfinished paging (not shown to users).
    #[serde(skip)]
    pub pull_next: Option<String>,
    /// Local `(date_added, row_id)` of the last object considered for pushing.
    pub push_after: (i64, i64),
    pub last_attempt_at: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub failures: i32,
    pub next_attempt_at: i64,
    /// Objects stored by the last pull and accepted by the last push.
    pub last_pulled: i64,
    pub last_pushed: i64,
    /// True while a runner holds the peer.
    pub running: bool,
}

/// A configured peer (never with its secret).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PeerInfo {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub collection_url: String,
    pub auth: String,
    pub username: Option<String>,
    pub has_secret: bool,
    pub direction: Direction,
    pub local_collection_id: String,
    pub max_tlp: Tlp,
    pub interval_secs: i64,
    pub enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub state: PeerState,
}

/// How a sync run ended, for [`Store::intel_peer_finish`].
#[derive(Clone, Debug, Default)]
pub struct RunResult {
    pub pulled: i64,
    pub pushed: i64,
    /// Objects refused on either side (rejected by validation, TLP:RED, or by the peer).
    pub refused: i64,
    /// Why the run failed, if it did.
    pub error: Option<String>,
    /// The run stopped with more to do (page cap or time budget): the next one is due at once.
    pub incomplete: bool,
    /// The peer asked us to wait at least this long (`Retry-After`, milliseconds).
    pub retry_after_ms: Option<i64>,
}

const COLS: [IntelCol; 27] = [
    IntelCol::Id,
    IntelCol::OrgId,
    IntelCol::Name,
    IntelCol::CollectionUrl,
    IntelCol::AuthKind,
    IntelCol::Username,
    IntelCol::SecretEnc,
    IntelCol::Direction,
    IntelCol::LocalCollectionId,
    IntelCol::MaxTlp,
    IntelCol::IntervalSecs,
    IntelCol::Enabled,
    IntelCol::CreatedBy,
    IntelCol::CreatedAt,
    IntelCol::UpdatedAt,
    IntelCol::PullCursor,
    IntelCol::PullNext,
    IntelCol::PushAfterDate,
    IntelCol::PushAfterRow,
    IntelCol::LastAttemptAt,
    IntelCol::LastSuccessAt,
    IntelCol::LastError,
    IntelCol::Failures,
    IntelCol::NextAttemptAt,
    IntelCol::LeaseUntil,
    IntelCol::LastPulled,
    IntelCol::LastPushed,
];

fn from_row(r: &QueryResult, now: i64) -> Result<(PeerInfo, Option<String>), StoreError> {
    let bad = |what: &str| StoreError::Internal(format!("stored peer has an invalid {what}"));
    let direction: String = r.try_get("", "direction")?;
    let max_tlp: String = r.try_get("", "max_tlp")?;
    let sealed: Option<String> = r.try_get("", "secret_enc")?;
    let lease: Option<i64> = r.try_get("", "lease_until")?;
    let info = PeerInfo {
        id: r.try_get("", "id")?,
        org_id: r.try_get("", "org_id")?,
        name: r.try_get("", "name")?,
        collection_url: r.try_get("", "collection_url")?,
        auth: r.try_get("", "auth_kind")?,
        username: r.try_get("", "username")?,
        has_secret: sealed.is_some(),
        direction: Direction::parse(&direction).ok_or_else(|| bad("direction"))?,
        local_collection_id: r.try_get("", "local_collection_id")?,
        max_tlp: Tlp::parse(&max_tlp).ok_or_else(|| bad("max_tlp"))?,
        interval_secs: r.try_get("", "interval_secs")?,
        enabled: r.try_get("", "enabled")?,
        created_at: r.try_get("", "created_at")?,
        updated_at: r.try_get("", "updated_at")?,
        state: PeerState {
            pull_cursor: r.try_get("", "pull_cursor")?,
            pull_next: r.try_get("", "pull_next")?,
            push_after: (r.try_get("", "push_after_date")?, r.try_get("", "push_after_row")?),
            last_attempt_at: r.try_get("", "last_attempt_at")?,
            last_success_at: r.try_get("", "last_success_at")?,
            last_error: r.try_get("", "last_error")?,
            failures: r.try_get("", "failures")?,
            next_attempt_at: r.try_get("", "next_attempt_at")?,
            last_pulled: r.try_get("", "last_pulled")?,
            last_pushed: r.try_get("", "last_pushed")?,
            running: lease.is_some_and(|l| l > now),
        },
    };
    Ok((info, sealed))
}

async fn load<C: ConnectionTrait>(conn: &C, id: &str) -> Result<(PeerInfo, Option<String>), StoreError> {
    let q = Query::select()
        .columns(COLS)
        .from(IntelPeers::Table)
        .and_where(Expr::col(IntelCol::Id).eq(lookup_key(id)?))
        .to_owned();
    let row = conn.query_one(&q).await?.ok_or(StoreError::NotFound)?;
    from_row(&row, now_ms())
}

fn aad(org_id: &str, peer_id: &str) -> String {
    format!("mamori-peer-secret:{org_id}:{peer_id}")
}

/// The checked form of a [`PeerInput`].
struct Checked {
    name: String,
    url: String,
    auth: &'static str,
    username: Option<String>,
    direction: Direction,
    max_tlp: Tlp,
}

fn check(input: &PeerInput) -> Result<Checked, StoreError> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(StoreError::invalid("name", "use 1–100 characters"));
    }
    let url = parse_collection_url(&input.collection_url).map_err(|m| StoreError::invalid("collection_url", m))?;
    let auth = match input.auth.as_str() {
        "none" => "none",
        "basic" => "basic",
        "bearer" => "bearer",
        _ => return Err(StoreError::invalid("auth", "use none, basic or bearer")),
    };
    let username = input.username.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let username = match (auth, username) {
        ("basic", None) => return Err(StoreError::invalid("username", "Basic authentication needs a user name")),
        ("basic", Some(u)) if u.contains(':') || u.chars().count() > 200 => {
            return Err(StoreError::invalid("username", "use at most 200 characters and no colon"));
        }
        ("basic", Some(u)) => Some(u.to_owned()),
        _ => None,
    };
    if input.secret.as_deref().is_some_and(|s| s.len() > 4096 || s.contains(['\r', '\n', '\0'])) {
        return Err(StoreError::invalid("secret", "use at most 4096 characters on one line"));
    }
    let direction =
        Direction::parse(&input.direction).ok_or_else(|| StoreError::invalid("direction", "use pull, push or both"))?;
    let max_tlp = Tlp::parse(&input.max_tlp)
        .ok_or_else(|| StoreError::invalid("max_tlp", "use clear, green or amber"))
        .and_then(|t| check_push_ceiling(t).map_err(|m| StoreError::invalid("max_tlp", m)))?;
    if !INTERVAL_SECS.contains(&input.interval_secs) {
        return Err(StoreError::invalid("interval", "use between 1 minute and 7 days"));
    }
    Ok(Checked { name: name.to_owned(), url: url.collection, auth, username, direction, max_tlp })
}

impl Store {
    async fn check_local_collection(&self, tenant: &Tenant, id: &str, d: Direction) -> Result<(), StoreError> {
        let all = self.intel_all_collections(tenant).await?;
        let c = all
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| StoreError::invalid("local_collection", "choose a collection of your circles"))?;
        if d.pulls() && !c.can_write {
            return Err(StoreError::invalid("local_collection", "pulling needs write access to this collection"));
        }
        if d.pushes() && !c.can_read {
            return Err(StoreError::invalid("local_collection", "pushing needs read access to this collection"));
        }
        Ok(())
    }

    /// The organization's peers, by name (admins).
    pub async fn intel_peers(&self, tenant: &Tenant) -> Result<Vec<PeerInfo>, StoreError> {
        tenant.require(Role::Admin)?;
        let q = Query::select()
            .columns(COLS)
            .from(IntelPeers::Table)
            .and_where(Expr::col(IntelCol::OrgId).eq(tenant.org_id()))
            .order_by(IntelCol::Name, Order::Asc)
            .order_by(IntelCol::Id, Order::Asc)
            .to_owned();
        let now = now_ms();
        self.conn().query_all(&q).await?.iter().map(|r| from_row(r, now).map(|(p, _)| p)).collect()
    }

    /// One peer of the organization (admins, or the peer's own sync runner).
    pub async fn intel_peer(&self, tenant: &Tenant, id: &str) -> Result<PeerInfo, StoreError> {
        let (p, _) = load(self.conn(), id).await?;
        guard(tenant, &p, true)?;
        Ok(p)
    }

    /// Adds a peer; its first sync is due at once.
    pub async fn intel_create_peer(&self, tenant: &Tenant, input: &PeerInput) -> Result<PeerInfo, StoreError> {
        tenant.require(Role::Admin)?;
        let c = check(input)?;
        self.check_local_collection(tenant, &input.local_collection_id, c.direction).await?;
        let id = new_id();
        let sealed = match (c.auth, input.secret.as_deref().filter(|s| !s.is_empty())) {
            ("none", _) => None,
            (_, Some(s)) => Some(self.secret()?.seal(s.as_bytes(), &aad(tenant.org_id(), &id))?),
            (_, None) => return Err(StoreError::invalid("secret", "enter the password or token")),
        };
        let now = now_ms();
        let txn = self.conn().begin().await?;
        let q = Query::insert()
            .into_table(IntelPeers::Table)
            .columns(COLS)
            .values_panic([
                id.as_str().into(),
                tenant.org_id().into(),
                c.name.as_str().into(),
                c.url.as_str().into(),
                c.auth.into(),
                c.username.clone().into(),
                sealed.into(),
                c.direction.as_str().into(),
                input.local_collection_id.as_str().into(),
                c.max_tlp.as_str().into(),
                input.interval_secs.into(),
                input.enabled.into(),
                tenant.actor().user_id().map(str::to_owned).into(),
                now.into(),
                now.into(),
                None::<String>.into(),
                None::<String>.into(),
                0i64.into(),
                0i64.into(),
                None::<i64>.into(),
                None::<i64>.into(),
                None::<String>.into(),
                0i32.into(),
                now.into(),
                None::<i64>.into(),
                0i64.into(),
                0i64.into(),
            ])
            .to_owned();
        txn.execute(&q).await?;
        audit_peer(&txn, tenant, "intel.peer.create", &id, &c, &input.local_collection_id).await?;
        txn.commit().await?;
        self.intel_peer(tenant, &id).await
    }

    /// Changes a peer. A new URL restarts pulling from the beginning; a new local
    /// collection restarts pushing. The secret is kept unless a new one is given.
    pub async fn intel_update_peer(
        &self,
        tenant: &Tenant,
        id: &str,
        input: &PeerInput,
    ) -> Result<PeerInfo, StoreError> {
        tenant.require(Role::Admin)?;
        let (old, old_sealed) = load(self.conn(), id).await?;
        guard(tenant, &old, false)?;
        let c = check(input)?;
        self.check_local_collection(tenant, &input.local_collection_id, c.direction).await?;
        let sealed = match (c.auth, input.secret.as_deref().filter(|s| !s.is_empty())) {
            ("none", _) => None,
            (_, Some(s)) => Some(self.secret()?.seal(s.as_bytes(), &aad(tenant.org_id(), id))?),
            (kind, None) if kind == old.auth && old_sealed.is_some() => old_sealed,
            (_, None) => return Err(StoreError::invalid("secret", "enter the password or token")),
        };
        let txn = self.conn().begin().await?;
        let mut q = Query::update();
        q.table(IntelPeers::Table)
            .value(IntelCol::Name, c.name.as_str())
            .value(IntelCol::CollectionUrl, c.url.as_str())
            .value(IntelCol::AuthKind, c.auth)
            .value(IntelCol::Username, c.username.clone())
            .value(IntelCol::SecretEnc, sealed)
            .value(IntelCol::Direction, c.direction.as_str())
            .value(IntelCol::LocalCollectionId, input.local_collection_id.as_str())
            .value(IntelCol::MaxTlp, c.max_tlp.as_str())
            .value(IntelCol::IntervalSecs, input.interval_secs)
            .value(IntelCol::Enabled, input.enabled)
            .value(IntelCol::UpdatedAt, now_ms())
            .and_where(Expr::col(IntelCol::Id).eq(id));
        if c.url != old.collection_url {
            q.value(IntelCol::PullCursor, None::<String>).value(IntelCol::PullNext, None::<String>);
        }
        if input.local_collection_id != old.local_collection_id {
            q.value(IntelCol::PushAfterDate, 0i64).value(IntelCol::PushAfterRow, 0i64);
        }
        if input.enabled && !old.enabled {
            q.value(IntelCol::NextAttemptAt, now_ms()).value(IntelCol::Failures, 0i32);
        }
        txn.execute(&q).await?;
        audit_peer(&txn, tenant, "intel.peer.update", id, &c, &input.local_collection_id).await?;
        txn.commit().await?;
        self.intel_peer(tenant, id).await
    }

    /// Removes a peer (objects it pulled stay).
    pub async fn intel_delete_peer(&self, tenant: &Tenant, id: &str) -> Result<(), StoreError> {
        tenant.require(Role::Admin)?;
        let (old, _) = load(self.conn(), id).await?;
        guard(tenant, &old, false)?;
        let txn = self.conn().begin().await?;
        txn.execute(
            &Query::delete().from_table(IntelPeers::Table).and_where(Expr::col(IntelCol::Id).eq(id)).to_owned(),
        )
        .await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "intel.peer.delete",
                object_type: "intel_peer",
                object_id: id,
                detail: serde_json::json!({"name": old.name, "url": old.collection_url}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Ids of enabled peers whose next attempt is due and that no runner holds. For the
    /// scheduler only: it learns nothing but ids, and syncs each as its own tenant.
    pub async fn intel_due_peers(&self) -> Result<Vec<String>, StoreError> {
        self.enabled_peers(true).await
    }

    /// Ids of every enabled peer (`mamori intel federate --once`).
    pub async fn intel_enabled_peers(&self) -> Result<Vec<String>, StoreError> {
        self.enabled_peers(false).await
    }

    async fn enabled_peers(&self, due_only: bool) -> Result<Vec<String>, StoreError> {
        let now = now_ms();
        let mut q = Query::select();
        q.column(IntelCol::Id)
            .from(IntelPeers::Table)
            .and_where(Expr::col(IntelCol::Enabled).eq(true))
            .order_by(IntelCol::NextAttemptAt, Order::Asc)
            .order_by(IntelCol::Id, Order::Asc);
        if due_only {
            q.and_where(Expr::col(IntelCol::NextAttemptAt).lte(now)).and_where(free(now));
        }
        self.conn().query_all(&q).await?.iter().map(|r| r.try_get("", "id").map_err(StoreError::from)).collect()
    }

    /// The tenant a sync of this peer runs as: the peer's organization, actor
    /// `federation:<id>`, the lowest role (intel access comes from the organization's grants).
    pub async fn intel_peer_tenant(&self, id: &str) -> Result<Tenant, StoreError> {
        let (p, _) = load(self.conn(), id).await?;
        Ok(Tenant::new(p.org_id, Role::Viewer, Actor::Federation { peer_id: p.id }))
    }

    /// Takes the peer for `lease_ms`; `Conflict` when another runner holds it.
    pub async fn intel_peer_claim(&self, tenant: &Tenant, id: &str, lease_ms: i64) -> Result<PeerInfo, StoreError> {
        let (p, _) = load(self.conn(), id).await?;
        runner_guard(tenant, &p)?;
        let now = now_ms();
        let q = Query::update()
            .table(IntelPeers::Table)
            .value(IntelCol::LeaseUntil, now + lease_ms)
            .value(IntelCol::LastAttemptAt, now)
            .and_where(Expr::col(IntelCol::Id).eq(id))
            .and_where(free(now))
            .to_owned();
        if self.conn().execute(&q).await?.rows_affected() != 1 {
            return Err(StoreError::Conflict("a sync of this peer is already running".into()));
        }
        load(self.conn(), id).await.map(|(p, _)| p)
    }

    /// The decrypted credentials, for the peer's own runner only.
    pub async fn intel_peer_credentials(&self, tenant: &Tenant, id: &str) -> Result<PeerCredentials, StoreError> {
        let (p, sealed) = load(self.conn(), id).await?;
        runner_guard(tenant, &p)?;
        let secret = match sealed {
            Some(s) => String::from_utf8(self.secret()?.open(&s, &aad(&p.org_id, &p.id))?)
                .map_err(|_| StoreError::Internal("peer secret is not text".into()))?,
            None => String::new(),
        };
        Ok(match p.auth.as_str() {
            "basic" => PeerCredentials::Basic { username: p.username.unwrap_or_default(), password: secret },
            "bearer" => PeerCredentials::Bearer(secret),
            _ => PeerCredentials::None,
        })
    }

    /// Records pull progress after each stored page, so an interrupted run resumes.
    pub async fn intel_peer_save_pull(
        &self,
        tenant: &Tenant,
        id: &str,
        cursor: Option<&str>,
        next: Option<&str>,
    ) -> Result<(), StoreError> {
        let (cursor, next) = (cursor.map(str::to_owned), next.map(str::to_owned));
        self.save_state(tenant, id, [(IntelCol::PullCursor, cursor.into()), (IntelCol::PullNext, next.into())]).await
    }

    /// Records push progress after each accepted batch.
    pub async fn intel_peer_save_push(&self, tenant: &Tenant, id: &str, after: (i64, i64)) -> Result<(), StoreError> {
        self.save_state(
            tenant,
            id,
            [(IntelCol::PushAfterDate, after.0.into()), (IntelCol::PushAfterRow, after.1.into())],
        )
        .await
    }

    async fn save_state(
        &self,
        tenant: &Tenant,
        id: &str,
        values: [(IntelCol, SimpleExpr); 2],
    ) -> Result<(), StoreError> {
        let (p, _) = load(self.conn(), id).await?;
        runner_guard(tenant, &p)?;
        let mut q = Query::update();
        q.table(IntelPeers::Table).and_where(Expr::col(IntelCol::Id).eq(id));
        for (col, v) in values {
            q.value(col, v);
        }
        self.conn().execute(&q).await?;
        Ok(())
    }

    /// Ends a run: records its outcome, schedules the next attempt (the interval after a
    /// success, `backoff` after a failure) and releases the peer, audited in one transaction.
    pub async fn intel_peer_finish(
        &self,
        tenant: &Tenant,
        id: &str,
        result: &RunResult,
        backoff: Backoff,
        jitter: f64,
    ) -> Result<PeerInfo, StoreError> {
        let (p, _) = load(self.conn(), id).await?;
        runner_guard(tenant, &p)?;
        let now = now_ms();
        let failures = if result.error.is_some() { p.state.failures.saturating_add(1) } else { 0 };
        let wait_ms = match result.error {
            Some(_) => i64::try_from(backoff.delay(failures.unsigned_abs(), jitter).as_millis()).unwrap_or(i64::MAX),
            None if result.incomplete => 0,
            None => p.interval_secs.saturating_mul(1000),
        };
        let wait_ms = std::cmp::max(wait_ms, result.retry_after_ms.unwrap_or(0));
        let error: Option<String> = result.error.as_ref().map(|e| e.chars().take(2000).collect());
        let txn = self.conn().begin().await?;
        let mut q = Query::update();
        q.table(IntelPeers::Table)
            .value(IntelCol::LeaseUntil, None::<i64>)
            .value(IntelCol::Failures, failures)
            .value(IntelCol::LastError, error.clone())
            .value(IntelCol::NextAttemptAt, now.saturating_add(wait_ms))
            .value(IntelCol::LastPulled, result.pulled)
            .value(IntelCol::LastPushed, result.pushed)
            .and_where(Expr::col(IntelCol::Id).eq(id));
        if error.is_none() {
            q.value(IntelCol::LastSuccessAt, now);
        }
        txn.execute(&q).await?;
        // Quiet successful runs only move timestamps; runs that moved objects or failed are audited.
        if result.pulled + result.pushed + result.refused > 0 || error.is_some() {
            audit::append(
                &txn,
                Event {
                    tenant_id: Some(&p.org_id),
                    actor: tenant.actor(),
                    action: "intel.peer.sync",
                    object_type: "intel_peer",
                    object_id: id,
                    detail: serde_json::json!({"pulled": result.pulled, "pushed": result.pushed,
                        "refused": result.refused, "error": error, "failures": failures,
                        "incomplete": result.incomplete}),
                },
            )
            .await?;
        }
        txn.commit().await?;
        load(self.conn(), id).await.map(|(p, _)| p)
    }
}

/// Not held by any runner at `now`.
fn free(now: i64) -> SimpleExpr {
    Expr::col(IntelCol::LeaseUntil).is_null().or(Expr::col(IntelCol::LeaseUntil).lt(now))
}

/// The peer belongs to the tenant's organization, and the tenant is an admin (or, with
/// `runner_ok`, the peer's own runner). Others get `NotFound`, which reveals nothing.
fn guard(tenant: &Tenant, p: &PeerInfo, runner_ok: bool) -> Result<(), StoreError> {
    if p.org_id != tenant.org_id() {
        return Err(StoreError::NotFound);
    }
    match tenant.actor() {
        Actor::Federation { peer_id } if runner_ok && *peer_id == p.id => Ok(()),
        Actor::Federation { .. } => Err(StoreError::NotFound),
        _ => tenant.require(Role::Admin),
    }
}

fn runner_guard(tenant: &Tenant, p: &PeerInfo) -> Result<(), StoreError> {
    match tenant.actor() {
        Actor::Federation { peer_id } if *peer_id == p.id && p.org_id == tenant.org_id() => Ok(()),
        _ => Err(StoreError::NotFound),
    }
}

async fn audit_peer<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    action: &str,
    id: &str,
    c: &Checked,
    local: &str,
) -> Result<(), StoreError> {
    audit::append(
        conn,
        Event {
            tenant_id: Some(tenant.org_id()),
            actor: tenant.actor(),
            action,
            object_type: "intel_peer",
            object_id: id,
            detail: serde_json::json!({"name": c.name, "url": c.url, "auth": c.auth, "direction": c.direction.as_str(),
                "local_collection": local, "max_tlp": c.max_tlp.as_str()}),
        },
    )
    .await?;
    Ok(())
}
