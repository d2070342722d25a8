//! The buyer side: dashboard with filters, heat map, roll-up and concentration;
//! relationship drill-down with advice, override and requests; invitations; export.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use mamori_chain::advice::{InterruptionImpact, Question};
use mamori_chain::{Criticality, Level};
use mamori_store::chain::{
    DirectFilter, DirectSupplier, LinkInput, RequestInput, SupplyDashboard, parse_impact, parse_level,
};
use mamori_store::{Role, StoreError, SupplyStatus};
use serde::Deserialize;

use super::{checked, crit_key, day, level_text, org_name, parse_day_end, status_key};
use crate::AppState;
use crate::ctx::Ctx;
use crate::html::{Chrome, FormErrors, PageError, PageResult, chrome, render, see_other, tenant};
use crate::i18n::Lang;

const PAGE: usize = 100;

pub struct Row {
    pub link_id: String,
    pub name: String,
    pub slug: String,
    pub supplied: String,
    pub crit: &'static str,
    pub crit_class: &'static str,
    pub advice: &'static str,
    pub effective: &'static str,
    pub overridden: bool,
    pub status: &'static str,
    pub status_class: &'static str,
    pub deadline: String,
    pub valid_until: String,
    pub next_due: String,
}

pub struct DeepRow {
    pub name: String,
    pub tier: u32,
    pub via: String,
    pub supplied: String,
    pub crit: &'static str,
    pub crit_class: &'static str,
    pub status: &'static str,
    pub status_class: &'static str,
}

pub struct Badge {
    pub key: &'static str,
    pub class: &'static str,
    pub count: usize,
}

pub struct HeatRow {
    pub tier: u32,
    /// (criticality value, badges per status); tier-1 badges link to the filtered list.
    pub cells: Vec<(&'static str, Vec<Badge>)>,
}

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    status: String,
    #[serde(default)]
    crit: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: usize,
    /// Drill-down into one tier of the heat map (2 and deeper: the deeper suppliers).
    tier: Option<u32>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "chain_supply.html")]
struct SupplyPage {
    c: Chrome,
    can_manage: bool,
    rows: Vec<Row>,
    total: usize,
    page: usize,
    pages: usize,
    /// The deeper tier the deeper-supplier list is narrowed to (with `status`).
    deep_tier: Option<u32>,
    deep_status_key: Option<&'static str>,
    status: String,
    crit: String,
    q: String,
    status_counts: Vec<(&'static str, &'static str, &'static str, usize)>,
    crits: Vec<(&'static str, &'static str)>,
    deep: Vec<DeepRow>,
    hidden: Vec<(u32, Badge)>,
    heat: Vec<HeatRow>,
    heat_crits: Vec<&'static str>,
    suppliers: usize,
    unknown: usize,
    weakest: String,
    weighted: String,
    weighted_known: String,
    conc: Vec<(String, u32, u32, u32)>,
    hidden_conc: usize,
    spofs: Vec<(String, u32, u32)>,
    hidden_spofs: usize,
    invite_link: Option<String>,
    /// Invitations the supplier has not accepted yet: (supplier name, e-mail, expires on).
    invitations: Vec<(String, String, String)>,
    errors: FormErrors,
}

const CRIT_ORDER: [Criticality; 4] = [Criticality::Critical, Criticality::High, Criticality::Medium, Criticality::Low];

fn row(d: &DirectSupplier, lang: Lang) -> Row {
    Row {
        link_id: d.link_id.clone(),
        name: org_name(&d.org, lang),
        slug: d.org.slug.clone(),
        supplied: d.supplied.clone(),
        crit: crit_key(d.criticality),
        crit_class: d.criticality.as_str(),
        advice: level_text(d.advice.recommended),
        effective: level_text(d.effective_level),
        overridden: d.override_.is_some(),
        status: status_key(d.status),
        status_class: d.status.as_str(),
        deadline: d.deadline.map(day).unwrap_or_default(),
        valid_until: d.valid_until.map(day).unwrap_or_default(),
        next_due: d.next_due.map(|d| d.to_string()).unwrap_or_default(),
    }
}

async fn render_dashboard(
    state: &AppState,
    c: &Ctx,
    f: Filter,
    invite_link: Option<String>,
    errors: FormErrors,
) -> PageResult {
    let tn = tenant(state, c).await?;
    let t = c.t();
    let status_filter = SupplyStatus::parse(&f.status);
    let crit_filter = CRIT_ORDER.into_iter().find(|c| c.as_str() == f.crit);
    // A deeper tier drills into the deeper suppliers; otherwise the filter pages the
    // direct ones (tier 1), in the store.
    let deep_tier = f.tier.filter(|t| *t >= 2);
    let filter = match deep_tier {
        Some(_) => DirectFilter { offset: f.page.saturating_mul(PAGE), limit: PAGE, ..DirectFilter::default() },
        None => DirectFilter {
            status: status_filter,
            criticality: crit_filter,
            q: f.q.clone(),
            link_id: None,
            offset: f.page.saturating_mul(PAGE),
            limit: PAGE,
        },
    };
    let d: SupplyDashboard =
        state.store.supply_dashboard_page(&tn, &filter).await.map_err(|e| PageError::Store(t, e))?;
    let total = d.direct_total;
    let pages = total.div_ceil(PAGE).max(1);
    let page = d.direct_offset / PAGE;
    let rows = d.direct.iter().map(|r| row(r, c.lang)).collect();
    let status_counts = SupplyStatus::ALL
        .iter()
        .filter(|s| **s != SupplyStatus::Unknown)
        .map(|s| (s.as_str(), status_key(*s), s.as_str(), d.status_count(*s)))
        .collect();
    let deep = d
        .deep
        .iter()
        .filter(|x| deep_tier.is_none_or(|t| x.tier == t && status_filter.is_none_or(|s| x.status == s)))
        .map(|x| DeepRow {
            name: org_name(&x.org, c.lang),
            tier: x.tier,
            via: org_name(&x.via, c.lang),
            supplied: x.supplied.clone(),
            crit: crit_key(x.criticality),
            crit_class: x.criticality.as_str(),
            status: status_key(x.status),
            status_class: x.status.as_str(),
        })
        .collect();
    let hidden = d
        .hidden
        .iter()
        .map(|h| (h.tier, Badge { key: status_key(h.status), class: h.status.as_str(), count: h.count }))
        .collect();
    let heat = (1..=d.max_tier)
        .map(|tier| HeatRow {
            tier,
            cells: CRIT_ORDER
                .iter()
                .map(|crit| {
                    let badges = d
                        .heat
                        .iter()
                        .filter(|h| h.tier == tier && h.criticality == *crit)
                        .map(|h| Badge { key: status_key(h.status), class: h.status.as_str(), count: h.count })
                        .collect();
                    (crit.as_str(), badges)
                })
                .collect(),
        })
        .collect();
    let pct = |v: Option<f64>| v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into());
    let weakest = match &d.rollup.weakest {
        Some((Some(name), tier, score)) => format!("{name} ({} {tier}, {score})", t.s("supply.tier")),
        Some((None, tier, score)) => {
            format!("{} ({} {tier}, {score})", t.s("supply.hidden_supplier"), t.s("supply.tier"))
        }
        None => "–".into(),
    };
    let can_manage = tn.role().at_least(Role::Admin);
    // An invited supplier joins the network only when it accepts; until then it is listed here.
    let invitations = if can_manage {
        let now = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
        state
            .store
            .supplier_invitations(&tn)
            .await
            .map_err(|e| PageError::Store(t, e))?
            .into_iter()
            .filter(|i| !i.accepted && i.expires_at > now)
            .map(|i| (i.supplier_name, i.email, day(i.expires_at)))
            .collect()
    } else {
        Vec::new()
    };
    let ch = chrome(state, c, "supply.title", f.notice.as_deref()).await;
    Ok(render(&SupplyPage {
        c: ch,
        can_manage,
        rows,
        total,
        page,
        pages,
        deep_tier,
        deep_status_key: status_filter.filter(|_| deep_tier.is_some()).map(status_key),
        status: f.status,
        crit: f.crit,
        q: f.q,
        status_counts,
        crits: CRIT_ORDER.iter().map(|c| (c.as_str(), crit_key(*c))).collect(),
        deep,
        hidden,
        heat,
        heat_crits: CRIT_ORDER.iter().map(|c| crit_key(*c)).collect(),
        suppliers: d.rollup.suppliers,
        unknown: d.rollup.unknown,
        weakest,
        weighted: pct(d.rollup.weighted_average),
        weighted_known: pct(d.rollup.weighted_average_known),
        conc: d
            .concentration
            .iter()
            .map(|r| (org_name(&r.org, c.lang), r.tier, r.tier1_dependents, r.direct_buyers))
            .collect(),
        hidden_conc: d.hidden_concentrated,
        spofs: d.spofs.iter().map(|s| (org_name(&s.org, c.lang), s.tier, (s.share * 100.0).round() as u32)).collect(),
        hidden_spofs: d.hidden_spofs,
        invite_link,
        invitations,
        errors,
    }))
}

pub async fn dashboard(State(state): State<AppState>, c: Ctx, Query(f): Query<Filter>) -> PageResult {
    render_dashboard(&state, &c, f, None, FormErrors::default()).await
}

pub async fn export(State(state): State<AppState>, c: Ctx, Path(format): Path<String>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let (fmt, mime, name) = match format.as_str() {
        "supply.csv" => ("csv", "text/csv; charset=utf-8", "supply.csv"),
        "supply.graphml" => ("graphml", "application/graphml+xml", "supply.graphml"),
        _ => return Err(PageError::Store(c.t(), StoreError::NotFound)),
    };
    let body = state.store.supply_export(&tn, fmt).await.map_err(|e| PageError::Store(c.t(), e))?;
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok(([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition)], body).into_response())
}

#[derive(Deserialize, Default)]
pub struct LinkForm {
    #[serde(default)]
    supplier: String,
    #[serde(default)]
    supplied: String,
    #[serde(default)]
    criticality: String,
    confidential: Option<String>,
    connects: Option<String>,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    profile: String,
    #[serde(default)]
    deadline: String,
}

impl LinkForm {
    fn link(&self, errors: &mut FormErrors, t: crate::i18n::Tr) -> LinkInput {
        let impact = parse_impact(&self.impact).unwrap_or_else(|_| {
            errors.add("impact", t.s("field.invalid"));
            InterruptionImpact::Tolerable
        });
        LinkInput {
            supplied: self.supplied.clone(),
            criticality: self.criticality.clone(),
            handles_confidential_data: checked(&self.confidential),
            connects_to_buyer_systems: checked(&self.connects),
            interruption_impact: impact,
        }
    }

    fn request(&self, errors: &mut FormErrors, t: crate::i18n::Tr) -> RequestInput {
        let level = if self.level.is_empty() { None } else { parse_level(&self.level).ok() };
        let deadline = parse_day_end(&self.deadline).unwrap_or_else(|| {
            errors.add("deadline", t.s("field.required"));
            0
        });
        let profile = Some(self.profile.clone()).filter(|p| !p.trim().is_empty());
        RequestInput { level, profile, deadline }
    }
}

pub async fn add_link(State(state): State<AppState>, c: Ctx, Form(f): Form<LinkForm>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    errors.required(t, "supplier", &f.supplier);
    let link = f.link(&mut errors, t);
    if errors.is_empty() {
        match state.store.add_relationship(&tn, &f.supplier, &link).await {
            Ok(_) => return Ok(see_other("/supply", "supply.added")),
            Err(StoreError::NotFound) => errors.add("supplier", t.s("supply.no_such_org")),
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    render_dashboard(&state, &c, Filter::default(), None, errors).await
}

pub async fn invite(State(state): State<AppState>, c: Ctx, Form(f): Form<LinkForm>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    errors.required(t, "email", &f.email);
    errors.required(t, "name", &f.name);
    let link = f.link(&mut errors, t);
    let request = f.request(&mut errors, t);
    if errors.is_empty() {
        match state.store.invite_supplier(&tn, &f.email, &f.name, &link, &request).await {
            Ok((inv, token)) => {
                let url = format!("{}/chain/invite/{token}", state.config.public_url.trim_end_matches('/'));
                let subject = "mamori: supply-chain security request / サプライチェーンセキュリティ評価の依頼";
                let body = format!("You are invited to answer a supply-chain security request.\n{url}\n");
                if let Err(e) = state.mailer.send(&inv.email, subject, &body) {
                    tracing::warn!(error = %e, "supplier invitation mail failed");
                }
                return render_dashboard(&state, &c, Filter::default(), Some(url), errors).await;
            }
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    render_dashboard(&state, &c, Filter::default(), None, errors).await
}

#[derive(Template)]
#[template(path = "chain_link.html")]
struct LinkPage {
    c: Chrome,
    can_manage: bool,
    r: Row,
    d: DirectSupplier,
    yes: Vec<&'static str>,
    beyond: bool,
    override_reason: String,
    override_by: String,
    request_level: String,
    request_profile: String,
    impacts: Vec<(&'static str, &'static str)>,
    impact: &'static str,
    crits: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

fn question_key(q: &Question) -> &'static str {
    match q {
        Question::ConfidentialInformation => "advice.q1",
        Question::UnacceptableInterruption => "advice.q2",
        Question::SystemConnection => "advice.q3",
    }
}

async fn render_link(state: &AppState, c: &Ctx, id: &str, notice: Option<&str>, errors: FormErrors) -> PageResult {
    let tn = tenant(state, c).await?;
    let t = c.t();
    let s = state.store.supply_direct(&tn, id).await.map_err(|e| PageError::Store(t, e))?;
    let ch = chrome(state, c, "supply.link_title", notice).await;
    Ok(render(&LinkPage {
        c: ch,
        can_manage: tn.role().at_least(Role::Admin),
        r: row(&s, c.lang),
        yes: s.advice.yes_answers.iter().map(question_key).collect(),
        beyond: s.advice.beyond_star4_review,
        override_reason: s.override_.as_ref().map(|o| o.reason.clone()).unwrap_or_default(),
        override_by: s
            .override_
            .as_ref()
            .map(|o| format!("{} · {}", o.decided_by, day(o.decided_at)))
            .unwrap_or_default(),
        request_level: s.request_level.map(level_text).unwrap_or_default().to_string(),
        request_profile: s.request_profile.clone().unwrap_or_default(),
        impacts: [InterruptionImpact::Negligible, InterruptionImpact::Tolerable, InterruptionImpact::Unacceptable]
            .iter()
            .map(|i| match i {
                InterruptionImpact::Negligible => ("negligible", "impact.negligible"),
                InterruptionImpact::Tolerable => ("tolerable", "impact.tolerable"),
                InterruptionImpact::Unacceptable => ("unacceptable", "impact.unacceptable"),
            })
            .collect(),
        impact: match s.interruption_impact {
            InterruptionImpact::Negligible => "negligible",
            InterruptionImpact::Tolerable => "tolerable",
            InterruptionImpact::Unacceptable => "unacceptable",
        },
        crits: CRIT_ORDER.iter().map(|c| (c.as_str(), crit_key(*c))).collect(),
        d: s,
        errors,
    }))
}

pub async fn link_page(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Query(f): Query<Filter>,
) -> PageResult {
    render_link(&state, &c, &id, f.notice.as_deref(), FormErrors::default()).await
}

pub async fn edit_link(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<LinkForm>,
) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    let link = f.link(&mut errors, t);
    if errors.is_empty() {
        match state.store.update_relationship(&tn, &id, &link).await {
            Ok(()) => return Ok(see_other(&format!("/supply/links/{id}"), "common.saved")),
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    render_link(&state, &c, &id, None, errors).await
}

#[derive(Deserialize)]
pub struct OverrideForm {
    #[serde(default)]
    level: String,
    #[serde(default)]
    reason: String,
}

pub async fn set_override(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<OverrideForm>,
) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    errors.required(t, "reason", &f.reason);
    let level: Option<Level> = if f.level.is_empty() { None } else { parse_level(&f.level).ok() };
    if errors.is_empty() {
        match state.store.set_level_override(&tn, &id, level, &f.reason).await {
            Ok(()) => return Ok(see_other(&format!("/supply/links/{id}"), "common.saved")),
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    render_link(&state, &c, &id, None, errors).await
}

pub async fn request(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<LinkForm>,
) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    let r = f.request(&mut errors, t);
    if errors.is_empty() {
        match state.store.request_assessment(&tn, &id, &r).await {
            Ok(_) => return Ok(see_other(&format!("/supply/links/{id}"), "supply.requested")),
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    render_link(&state, &c, &id, None, errors).await
}

pub async fn received_envelope(State(state): State<AppState>, c: Ctx, Path(share): Path<String>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let body = state.store.received_envelope(&tn, &share).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"attestation.json\"".to_string()),
        ],
        body,
    )
        .into_response())
}
