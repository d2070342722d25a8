//! Federation peers in the UI (`/intel/peers`, organization admins): list with sync state,
//! add, edit, delete, and sync now. The store checks every input and who may change what;
//! secrets are write-only (an empty field keeps the stored one).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use mamori_intel::tlp::Tlp;
use mamori_store::intel::{PeerInfo, PeerInput};
use serde::Deserialize;

use super::enc;
use super::intel::{collection_names, frame, tenant};
use super::intel_reports::Choice;
use super::{Chrome, FormErrors, PageError, PageResult, render, see_other, when};
use crate::AppState;
use crate::ctx::Ctx;

#[derive(Deserialize)]
pub(crate) struct NoticeQuery {
    notice: Option<String>,
}

/// The form, as posted and as shown again with errors.
#[derive(Deserialize, Default)]
pub(crate) struct PeerForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    collection_url: String,
    #[serde(default)]
    auth: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    local_collection: String,
    #[serde(default)]
    max_tlp: String,
    #[serde(default)]
    interval_minutes: String,
    #[serde(default)]
    enabled: Option<String>,
}

impl PeerForm {
    fn from_peer(p: &PeerInfo) -> Self {
        PeerForm {
            name: p.name.clone(),
            collection_url: p.collection_url.clone(),
            auth: p.auth.clone(),
            username: p.username.clone().unwrap_or_default(),
            secret: String::new(),
            direction: p.direction.as_str().into(),
            local_collection: p.local_collection_id.clone(),
            max_tlp: p.max_tlp.as_str().into(),
            interval_minutes: (p.interval_secs / 60).to_string(),
            enabled: p.enabled.then(|| "on".into()),
        }
    }

    fn input(&self, errors: &mut FormErrors, t: crate::i18n::Tr) -> PeerInput {
        let minutes = self.interval_minutes.trim().parse::<i64>().unwrap_or_else(|_| {
            errors.add("interval", t.s("field.invalid"));
            0
        });
        PeerInput {
            name: self.name.clone(),
            collection_url: self.collection_url.clone(),
            auth: self.auth.clone(),
            username: Some(self.username.clone()),
            secret: Some(self.secret.clone()).filter(|s| !s.is_empty()),
            direction: self.direction.clone(),
            local_collection_id: self.local_collection.clone(),
            max_tlp: self.max_tlp.clone(),
            interval_secs: minutes.saturating_mul(60),
            enabled: self.enabled.is_some(),
        }
    }
}

pub struct PeerRow {
    pub href: String,
    pub name: String,
    pub url: String,
    pub direction: &'static str,
    pub tlp: String,
    pub enabled: bool,
    pub last_success: String,
    pub last_error: String,
    pub failures: i32,
    pub next_attempt: String,
}

fn row(p: &PeerInfo) -> PeerRow {
    PeerRow {
        href: format!("/intel/peers/{}", enc(&p.id)),
        name: p.name.clone(),
        url: p.collection_url.clone(),
        direction: direction_key(p.direction.as_str()),
        tlp: p.max_tlp.label(),
        enabled: p.enabled,
        last_success: p.state.last_success_at.map(when).unwrap_or_default(),
        last_error: p.state.last_error.clone().unwrap_or_default(),
        failures: p.state.failures,
        next_attempt: when(p.state.next_attempt_at),
    }
}

fn direction_key(d: &str) -> &'static str {
    DIRECTIONS.iter().find(|(v, _)| *v == d).map_or("peers.dir.both", |(_, k)| k)
}

#[derive(Template)]
#[template(path = "intel_peers.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<PeerRow>,
    /// The form's target (`/intel/peers` or `/intel/peers/{id}`), and the peer being edited.
    action: String,
    editing: Option<PeerRow>,
    collections: Vec<Choice>,
    form: PeerForm,
    errors: FormErrors,
    auths: [(&'static str, &'static str); 3],
    directions: [(&'static str, &'static str); 3],
    levels: Vec<(&'static str, String)>,
}

const AUTHS: [(&str, &str); 3] =
    [("basic", "peers.auth.basic"), ("bearer", "peers.auth.bearer"), ("none", "peers.auth.none")];
const DIRECTIONS: [(&str, &str); 3] =
    [("pull", "peers.dir.pull"), ("push", "peers.dir.push"), ("both", "peers.dir.both")];

async fn view(
    state: &AppState,
    c: &Ctx,
    editing: Option<&PeerInfo>,
    form: PeerForm,
    errors: FormErrors,
    notice: Option<&str>,
) -> PageResult {
    let tenant = tenant(state, c).await?;
    let t = c.t();
    let store = |e| PageError::Store(t, e);
    let peers = state.store.intel_peers(&tenant).await.map_err(store)?;
    let mut collections: Vec<Choice> =
        collection_names(state, t, &tenant).await?.into_iter().map(|(value, label)| Choice { value, label }).collect();
    collections.sort_by(|a, b| a.label.cmp(&b.label));
    let failed = !errors.is_empty();
    let page = ListPage {
        c: frame(state, c, "peers.title", notice).await,
        rows: peers.iter().map(row).collect(),
        action: editing.map_or_else(|| "/intel/peers".to_owned(), |p| format!("/intel/peers/{}", enc(&p.id))),
        editing: editing.map(row),
        collections,
        form,
        errors,
        auths: AUTHS,
        directions: DIRECTIONS,
        levels: [Tlp::Clear, Tlp::Green, Tlp::Amber].iter().map(|l| (l.as_str(), l.label())).collect(),
    };
    let mut resp = render(&page);
    if failed {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

pub(crate) async fn list(State(state): State<AppState>, c: Ctx, Query(nq): Query<NoticeQuery>) -> PageResult {
    let form = PeerForm {
        auth: "basic".into(),
        direction: "pull".into(),
        max_tlp: "green".into(),
        interval_minutes: "60".into(),
        enabled: Some("on".into()),
        ..Default::default()
    };
    view(&state, &c, None, form, FormErrors::default(), nq.notice.as_deref()).await
}

pub(crate) async fn create(State(state): State<AppState>, c: Ctx, Form(f): Form<PeerForm>) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    let input = f.input(&mut errors, t);
    if errors.is_empty() {
        match state.store.intel_create_peer(&tenant, &input).await {
            Ok(_) => return Ok(see_other("/intel/peers", "peers.notice.saved")),
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    view(&state, &c, None, PeerForm { secret: String::new(), ..f }, errors, None).await
}

pub(crate) async fn edit(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    let p = state.store.intel_peer(&tenant, &id).await.map_err(|e| PageError::Store(c.t(), e))?;
    view(&state, &c, Some(&p), PeerForm::from_peer(&p), FormErrors::default(), None).await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<PeerForm>,
) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    let t = c.t();
    let p = state.store.intel_peer(&tenant, &id).await.map_err(|e| PageError::Store(t, e))?;
    let mut errors = FormErrors::default();
    let input = f.input(&mut errors, t);
    if errors.is_empty() {
        match state.store.intel_update_peer(&tenant, &id, &input).await {
            Ok(_) => return Ok(see_other("/intel/peers", "peers.notice.saved")),
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    view(&state, &c, Some(&p), PeerForm { secret: String::new(), ..f }, errors, None).await
}

pub(crate) async fn delete(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    state.store.intel_delete_peer(&tenant, &id).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok(see_other("/intel/peers", "peers.notice.deleted"))
}

pub(crate) async fn sync(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    let report =
        crate::api::intel_peers::run_now(&state, &tenant, &id).await.map_err(|e| PageError::Store(c.t(), e))?;
    let notice = if report.error.is_some() { "peers.notice.sync_failed" } else { "peers.notice.synced" };
    Ok(see_other("/intel/peers", notice))
}
