//! The company-group page: the tenant and its subsidiaries side by side for one framework (radar
//! and a table of values), the subsidiaries it asked to join, and the groups that asked it.

#[allow(clippy::wildcard_imports)]
use super::*;
use mamori_assess::{GROUP_RADAR_MAX, Metric, group_radar_svg};
use mamori_store::assess::{GroupLink, GroupLinkState, GroupView, group_errors};

/// Frameworks offered for comparison, by id: (id, name in the interface language).
fn comparable_frameworks(l: &str) -> Vec<(String, String)> {
    let mut seen = std::collections::BTreeSet::new();
    frameworks()
        .iter()
        .filter(|f| seen.insert(f.id.clone()))
        .map(|f| (f.id.clone(), f.name.get(l).to_owned()))
        .collect()
}

pub(super) struct LinkRow {
    id: String,
    name: String,
    slug: String,
    state: GroupLinkState,
    state_key: String,
    since: String,
}

fn link_row(l: &GroupLink, other_is_child: bool, lang: &str) -> LinkRow {
    let o = if other_is_child { &l.child } else { &l.parent };
    let name = if lang == "ja" { o.name_ja.clone().unwrap_or_else(|| o.name.clone()) } else { o.name.clone() };
    LinkRow {
        id: l.id.clone(),
        name,
        slug: o.slug.clone(),
        state: l.state,
        state_key: format!("group.state.{}", l.state.code()),
        since: day(l.decided_at.unwrap_or(l.requested_at)),
    }
}

fn day(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .map(|t| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()))
        .unwrap_or_default()
}

pub(super) struct CompareRow {
    name: String,
    is_self: bool,
    assessment_id: Option<String>,
    assessed_on: String,
    version: String,
    state_key: Option<String>,
    overall: String,
    not_comparable: bool,
    /// (value text, heat class 0–4 or "none")
    cells: Vec<(String, String)>,
}

fn number(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite()).map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}

fn heat(v: Option<f64>, max: f64) -> String {
    match v.filter(|v| v.is_finite()) {
        Some(v) if max > 0.0 => ((v / max * 5.0).floor() as i64).clamp(0, 4).to_string(),
        _ => "none".to_owned(),
    }
}

#[derive(Template)]
#[template(path = "assess_group.html")]
pub(super) struct GroupPage {
    c: Chrome,
    frameworks: Vec<(String, String)>,
    framework: String,
    radar: Option<String>,
    more_than_drawn: bool,
    axes: Vec<String>,
    metric_key: &'static str,
    rows: Vec<CompareRow>,
    subsidiaries: Vec<LinkRow>,
    parents: Vec<LinkRow>,
    is_admin: bool,
    error: Option<String>,
    slug: String,
}

#[derive(Deserialize)]
pub(super) struct GroupQuery {
    framework: Option<String>,
    notice: Option<String>,
}

async fn group_page_with(
    state: &AppState,
    c: &Ctx,
    t: &Tenant,
    framework: Option<String>,
    notice: Option<&str>,
    error: Option<String>,
    slug: String,
) -> Result<GroupPage, PageError> {
    let l = lc(c);
    let options = comparable_frameworks(l);
    let framework = framework
        .filter(|f| options.iter().any(|(id, _)| id == f))
        .unwrap_or_else(|| mamori_catalog::builtin::GUIDELINES_3_0.to_owned());
    let view: GroupView = state.store.group_comparison(t, &framework).await.map_err(store_err(c))?;
    let links = state.store.group_links(t).await.map_err(store_err(c))?;
    let g = &view.comparison;
    let al = lang(c);
    let entities = std::iter::once(&g.parent).chain(&g.subsidiaries);
    let values: std::collections::HashMap<&str, &Vec<Option<f64>>> =
        entities.map(|e| (e.entity_id.as_str(), &e.values)).collect();
    let rows = view
        .rows
        .iter()
        .map(|r| {
            let name = if l == "ja" {
                r.org.name_ja.clone().unwrap_or_else(|| r.org.name.clone())
            } else {
                r.org.name.clone()
            };
            let cells = values
                .get(r.org.id.as_str())
                .map(|vs| vs.iter().map(|v| (number(*v), heat(*v, g.max))).collect())
                .unwrap_or_default();
            CompareRow {
                name,
                is_self: r.is_self,
                assessment_id: r.assessment_id.clone(),
                assessed_on: r.assessed_on.clone().unwrap_or_default(),
                version: r.framework_version.clone().unwrap_or_default(),
                state_key: r.state.map(|s| format!("assess.state.{}", s.code())),
                overall: number(r.overall),
                not_comparable: r.not_comparable,
                cells,
            }
        })
        .collect();
    // The chart labels follow the interface language, like the table.
    let mut labelled = g.clone();
    for e in std::iter::once(&mut labelled.parent).chain(labelled.subsidiaries.iter_mut()) {
        if let Some(r) = view.rows.iter().find(|r| r.org.id == e.entity_id) {
            e.label = if l == "ja" {
                r.org.name_ja.clone().unwrap_or_else(|| r.org.name.clone())
            } else {
                r.org.name.clone()
            };
        }
    }
    let has_subsidiaries = !g.subsidiaries.is_empty();
    let ch = chrome(state, c, "group.title", notice).await;
    Ok(GroupPage {
        c: ch,
        frameworks: options,
        radar: has_subsidiaries.then(|| group_radar_svg(&labelled, 460, al)),
        more_than_drawn: 1 + g.subsidiaries.len() > GROUP_RADAR_MAX,
        axes: g.axes.iter().map(|a| a.label(al).to_owned()).collect(),
        metric_key: match g.metric {
            Metric::Maturity => "group.metric.maturity",
            Metric::CompliancePercent => "group.metric.percent",
        },
        framework,
        rows,
        subsidiaries: links.subsidiaries.iter().map(|x| link_row(x, true, l)).collect(),
        parents: links.parents.iter().map(|x| link_row(x, false, l)).collect(),
        is_admin: t.role().at_least(Role::Admin),
        error,
        slug,
    })
}

pub(super) async fn group_page(State(state): State<AppState>, c: Ctx, Query(q): Query<GroupQuery>) -> PageResult {
    let t = tenant(&state, &c).await?;
    Ok(render(&group_page_with(&state, &c, &t, q.framework, q.notice.as_deref(), None, String::new()).await?))
}

/// The interface key for a store refusal of a group action; `None` for other errors.
fn refusal_key(e: &StoreError) -> Option<&'static str> {
    let message = match e {
        StoreError::Invalid { message, .. } => message.as_str(),
        StoreError::Conflict(message) => message.as_str(),
        _ => return None,
    };
    Some(match message {
        m if m == group_errors::UNKNOWN_ORG => "group.err.unknown",
        m if m == group_errors::SELF => "group.err.self",
        m if m == group_errors::CYCLE => "group.err.cycle",
        m if m == group_errors::ASKED_YOU => "group.err.asked_you",
        m if m == group_errors::EXISTS => "group.err.exists",
        m if m == group_errors::HAS_PARENT => "group.err.has_parent",
        _ => "group.err.state",
    })
}

#[derive(Deserialize)]
pub(super) struct SubsidiaryForm {
    slug: String,
}

pub(super) async fn request_subsidiary(
    State(state): State<AppState>,
    c: Ctx,
    Form(f): Form<SubsidiaryForm>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    match state.store.group_request(&t, &f.slug).await {
        Ok(_) => Ok(see_other("/group", "group.requested")),
        Err(e) => match refusal_key(&e) {
            Some(key) => {
                let msg = c.t().s(key).to_owned();
                let mut resp = render(&group_page_with(&state, &c, &t, None, None, Some(msg), f.slug).await?);
                *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                Ok(resp)
            }
            None => Err(PageError::Store(c.t(), e)),
        },
    }
}

/// Accept, decline or end a link; refusals come back as a notice on the page.
pub(super) async fn link_action(
    State(state): State<AppState>,
    c: Ctx,
    Path((id, action)): Path<(String, String)>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    let (result, done) = match action.as_str() {
        "accept" => (state.store.group_decide(&t, &id, true).await, "group.accepted"),
        "decline" => (state.store.group_decide(&t, &id, false).await, "group.declined"),
        "end" => (state.store.group_end(&t, &id).await, "group.ended"),
        _ => return Err(PageError::Store(c.t(), StoreError::NotFound)),
    };
    match result {
        Ok(()) => Ok(see_other("/group", done)),
        Err(e) => match refusal_key(&e) {
            Some(key) => Ok(see_other("/group", key)),
            None => Err(PageError::Store(c.t(), e)),
        },
    }
}
