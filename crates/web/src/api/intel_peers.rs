//! Federation peers under `/api/v1/intel/peers` (organization admins): create, read,
//! update, delete, and run a sync now. Secrets are write-only.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use mamori_store::intel::{PeerInfo, PeerInput};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::extract::{ApiJson, ApiTenant};
use crate::AppState;
use crate::error::ApiResult;
use crate::federation::{SyncOptions, SyncReport, no_progress, sync_peer};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/intel/peers", get(list).post(create))
        .route("/intel/peers/{id}", get(read).put(update).delete(remove))
        .route("/intel/peers/{id}/sync", post(sync))
}

#[derive(OpenApi)]
#[openapi(
    paths(list, create, read, update, remove, sync),
    components(schemas(PeerRequest, PeerDto, PeerStateDto, PeerList, SyncReport))
)]
pub struct PeersApi;

/// A federation peer as sent by an administrator.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeerRequest {
    pub name: String,
    /// The remote TAXII 2.1 collection URL, `https://host/api-root/collections/{id}/`
    /// (`http://` only for loopback addresses).
    pub collection_url: String,
    /// `none`, `basic` or `bearer`.
    pub auth: String,
    /// The user name for Basic authentication.
    pub username: Option<String>,
    /// The password or token; required when setting Basic or Bearer, omit to keep the stored one.
    pub secret: Option<String>,
    /// `pull`, `push` or `both`.
    pub direction: String,
    /// The local collection pulled objects land in and pushed objects come from.
    pub local_collection: String,
    /// The most permissive TLP pushed: `clear`, `green` or `amber` (AMBER+STRICT and RED never leave).
    pub max_tlp: String,
    /// Minutes between scheduled syncs (1–10080, default 60).
    pub interval_minutes: Option<i64>,
    /// Default true.
    pub enabled: Option<bool>,
}

impl PeerRequest {
    fn input(self) -> PeerInput {
        PeerInput {
            name: self.name,
            collection_url: self.collection_url,
            auth: self.auth,
            username: self.username,
            secret: self.secret,
            direction: self.direction,
            local_collection_id: self.local_collection,
            max_tlp: self.max_tlp,
            interval_secs: self.interval_minutes.unwrap_or(60).saturating_mul(60),
            enabled: self.enabled.unwrap_or(true),
        }
    }
}

/// A peer's sync state. Times are milliseconds since the epoch.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeerStateDto {
    /// The remote `added_after` the next pull starts from.
    pub pull_cursor: Option<String>,
    /// Local `date_added` (microseconds) of the last object considered for pushing.
    pub push_cursor_micros: i64,
    pub last_attempt_at: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub consecutive_failures: i32,
    pub next_attempt_at: i64,
    pub last_pulled: i64,
    pub last_pushed: i64,
    pub running: bool,
}

/// A federation peer (the secret is never returned).
#[derive(Debug, Serialize, ToSchema)]
pub struct PeerDto {
    pub id: String,
    pub name: String,
    pub collection_url: String,
    pub auth: String,
    pub username: Option<String>,
    pub has_secret: bool,
    pub direction: String,
    pub local_collection: String,
    pub max_tlp: String,
    pub interval_minutes: i64,
    pub enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub state: PeerStateDto,
}

impl From<PeerInfo> for PeerDto {
    fn from(p: PeerInfo) -> Self {
        let s = p.state;
        PeerDto {
            id: p.id,
            name: p.name,
            collection_url: p.collection_url,
            auth: p.auth,
            username: p.username,
            has_secret: p.has_secret,
            direction: p.direction.as_str().to_owned(),
            local_collection: p.local_collection_id,
            max_tlp: p.max_tlp.as_str().to_owned(),
            interval_minutes: p.interval_secs / 60,
            enabled: p.enabled,
            created_at: p.created_at,
            updated_at: p.updated_at,
            state: PeerStateDto {
                pull_cursor: s.pull_cursor,
                push_cursor_micros: s.push_after.0,
                last_attempt_at: s.last_attempt_at,
                last_success_at: s.last_success_at,
                last_error: s.last_error,
                consecutive_failures: s.failures,
                next_attempt_at: s.next_attempt_at,
                last_pulled: s.last_pulled,
                last_pushed: s.last_pushed,
                running: s.running,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeerList {
    pub items: Vec<PeerDto>,
}

/// The organization's federation peers with their sync state (admins).
#[utoipa::path(get, path = "/api/v1/intel/peers", tag = "intel", security(("bearer" = [])),
    responses((status = 200, body = PeerList), (status = 403, body = crate::Problem)))]
async fn list(State(state): State<AppState>, ApiTenant(t): ApiTenant) -> ApiResult<Json<PeerList>> {
    let items = state.store.intel_peers(&t).await?.into_iter().map(PeerDto::from).collect();
    Ok(Json(PeerList { items }))
}

/// Add a peer: a remote TAXII 2.1 collection to pull from and/or push to. Its first sync is due at once.
#[utoipa::path(post, path = "/api/v1/intel/peers", tag = "intel", request_body = PeerRequest,
    security(("bearer" = [])),
    responses((status = 201, body = PeerDto), (status = 403, body = crate::Problem),
        (status = 422, body = crate::Problem)))]
async fn create(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    ApiJson(req): ApiJson<PeerRequest>,
) -> ApiResult<(StatusCode, Json<PeerDto>)> {
    let p = state.store.intel_create_peer(&t, &req.input()).await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

/// One peer with its state.
#[utoipa::path(get, path = "/api/v1/intel/peers/{id}", tag = "intel", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = PeerDto), (status = 404, body = crate::Problem)))]
async fn read(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<PeerDto>> {
    Ok(Json(state.store.intel_peer(&t, &id).await?.into()))
}

/// Replace a peer's settings. A new URL restarts pulling, a new local collection restarts pushing.
#[utoipa::path(put, path = "/api/v1/intel/peers/{id}", tag = "intel", params(("id" = String, Path)),
    request_body = PeerRequest, security(("bearer" = [])),
    responses((status = 200, body = PeerDto), (status = 404, body = crate::Problem),
        (status = 422, body = crate::Problem)))]
async fn update(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PeerRequest>,
) -> ApiResult<Json<PeerDto>> {
    Ok(Json(state.store.intel_update_peer(&t, &id, &req.input()).await?.into()))
}

/// Remove a peer (objects it pulled stay).
#[utoipa::path(delete, path = "/api/v1/intel/peers/{id}", tag = "intel", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 404, body = crate::Problem)))]
async fn remove(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.intel_delete_peer(&t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sync a peer now and return what the run did. A failure of the peer is reported in the
/// body (and in the peer's state), not as an error status; 409 while another sync runs.
#[utoipa::path(post, path = "/api/v1/intel/peers/{id}/sync", tag = "intel", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = SyncReport), (status = 404, body = crate::Problem),
        (status = 409, body = crate::Problem)))]
async fn sync(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<SyncReport>> {
    Ok(Json(run_now(&state, &t, &id).await?))
}

/// Checks that the tenant administers the peer, then runs it within the request's time.
pub(crate) async fn run_now(
    state: &AppState,
    t: &mamori_store::Tenant,
    id: &str,
) -> Result<SyncReport, mamori_store::StoreError> {
    let peer = state.store.intel_peer(t, id).await?;
    let budget = state.config.request_timeout.saturating_sub(std::time::Duration::from_secs(2));
    let opts = SyncOptions {
        run_timeout: budget.max(std::time::Duration::from_secs(1)),
        request_timeout: budget.max(std::time::Duration::from_secs(1)),
        allow_internal: state.config.federation_allow_internal,
        // A person is waiting for the answer: honour short Retry-After waits only.
        max_retry_wait: budget / 4,
        ..SyncOptions::default()
    };
    sync_peer(&state.store, &peer.id, &opts, &no_progress).await
}
