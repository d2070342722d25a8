//! The catalog pages: framework list, tree with search and tag filter, requirement page with
//! crosswalk links in both directions, and a coverage comparison of two frameworks.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use mamori_catalog::{Framework, I18n, Node, Tag};
use mamori_store::{CatalogView, StoreError, StoredFramework};
use serde::Deserialize;

use super::enc;
use super::{Chrome, PageError, PageResult, chrome, render, user};
use crate::AppState;
use crate::api::catalog::{mapping_dto, node_links};
use crate::api::catalog_dto::text_of;
use crate::ctx::Ctx;
use crate::i18n::{Lang, Tr};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/frameworks/compare", get(compare_page))
        .route("/frameworks/{id}", get(framework_page))
        .route("/frameworks/{id}/nodes/{ref_id}", get(node_page))
}

fn node_href(fw: &str, version: Option<&str>, ref_id: &str) -> String {
    match version {
        Some(v) => format!("/frameworks/{}/nodes/{}?version={}", enc(fw), enc(ref_id), enc(v)),
        None => format!("/frameworks/{}/nodes/{}", enc(fw), enc(ref_id)),
    }
}

pub(super) fn pick(t: Tr, s: &I18n) -> String {
    s.get(t.lang()).to_owned()
}

pub(super) fn verification_key(v: &impl serde::Serialize) -> &'static str {
    match text_of(v).as_str() {
        "verified" => "catalog.v.verified",
        "secondary" => "catalog.v.secondary",
        "own" => "catalog.v.own",
        _ => "catalog.v.unverified",
    }
}

fn relation_key(r: &str) -> &'static str {
    match r {
        "equal" => "catalog.rel.equal",
        "subset" => "catalog.rel.subset",
        "superset" => "catalog.rel.superset",
        "intersects" => "catalog.rel.intersects",
        "not_related" => "catalog.rel.not_related",
        _ => "catalog.rel.related",
    }
}

fn confidence_key(c: &str) -> &'static str {
    match c {
        "high" => "catalog.conf.high",
        "medium" => "catalog.conf.medium",
        _ => "catalog.conf.low",
    }
}

fn authorship_key(a: &str) -> &'static str {
    match a {
        "official" => "catalog.auth.official",
        "ours" => "catalog.auth.ours",
        _ => "catalog.auth.imported",
    }
}

pub(super) async fn view_for(state: &AppState, c: &Ctx) -> Result<std::sync::Arc<CatalogView>, PageError> {
    user(c)?;
    let tenant = crate::ctx::tenant(state, c).await;
    state.store.catalog_view(tenant.as_ref()).await.map_err(|e| PageError::Store(c.t(), e))
}

fn found<'a>(c: &Ctx, v: Option<&'a StoredFramework>) -> Result<&'a StoredFramework, PageError> {
    v.ok_or(PageError::Store(c.t(), StoreError::NotFound))
}

pub struct TreeRow {
    pub href: String,
    pub ref_id: String,
    pub title: String,
    pub assessable: bool,
    pub withdrawn: bool,
    pub has_children: bool,
    pub open: bool,
    /// How many open `<details>` end after this row.
    pub close: usize,
}

fn tree(t: Tr, fw: &Framework, version: Option<&str>) -> Vec<TreeRow> {
    let mut kids: HashMap<Option<&str>, Vec<&Node>> = HashMap::new();
    for n in &fw.nodes {
        kids.entry(n.parent.as_deref()).or_default().push(n);
    }
    fn visit(
        t: Tr,
        fw: &Framework,
        version: Option<&str>,
        n: &Node,
        depth: usize,
        kids: &HashMap<Option<&str>, Vec<&Node>>,
        out: &mut Vec<TreeRow>,
    ) {
        let children = kids.get(&Some(n.ref_id.as_str()));
        out.push(TreeRow {
            href: node_href(&fw.id, version, &n.ref_id),
            ref_id: n.ref_id.clone(),
            title: pick(t, &n.title),
            assessable: n.assessable,
            withdrawn: n.withdrawn,
            has_children: children.is_some_and(|c| !c.is_empty()) && depth < 16,
            open: depth == 0,
            close: 0,
        });
        if let Some(children) = children.filter(|_| depth < 16) {
            for ch in children {
                visit(t, fw, version, ch, depth + 1, kids, out);
            }
            if let Some(last) = out.last_mut() {
                last.close += 1;
            }
        }
    }
    let mut out = Vec::with_capacity(fw.nodes.len());
    for root in kids.get(&None).into_iter().flatten() {
        visit(t, fw, version, root, 0, &kids, &mut out);
    }
    out
}

#[derive(Deserialize, Default)]
struct FrameworkQuery {
    version: Option<String>,
    q: Option<String>,
    tag: Option<String>,
    notice: Option<String>,
}

pub struct Hit {
    pub href: String,
    pub ref_id: String,
    pub title: String,
    pub tags: Vec<String>,
}

#[derive(Template)]
#[template(path = "catalog_framework.html")]
struct FrameworkPage {
    c: Chrome,
    id: String,
    name: String,
    other_name: String,
    publisher: String,
    version: String,
    published: String,
    description: String,
    status: &'static str,
    requirements: i64,
    expected: Option<usize>,
    versions: Vec<(String, String, bool)>,
    provenance: Vec<(String, String, String)>,
    licence: String,
    notes: Vec<String>,
    q: String,
    tag: String,
    tags: Vec<String>,
    searching: bool,
    hits: Vec<Hit>,
    rows: Vec<TreeRow>,
    version_param: String,
}

async fn framework_page(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Query(q): Query<FrameworkQuery>,
) -> PageResult {
    let view = view_for(&state, &c).await?;
    let t = c.t();
    let f = found(&c, view.get(&id, q.version.as_deref()))?;
    let fw = &f.framework;
    let pinned = q.version.as_deref();
    let text = q.q.clone().unwrap_or_default();
    let tag_text = q.tag.clone().unwrap_or_default();
    let tag = Tag::parse(&tag_text);
    let searching = !text.trim().is_empty() || tag.is_some();
    let hits = if searching {
        let base: Vec<&Node> = if text.trim().is_empty() { fw.nodes.iter().collect() } else { fw.search(&text) };
        base.into_iter()
            .filter(|n| tag.as_ref().is_none_or(|tg| n.tags.contains(tg)))
            .map(|n| Hit {
                href: node_href(&fw.id, pinned, &n.ref_id),
                ref_id: n.ref_id.clone(),
                title: pick(t, &n.title),
                tags: n.tags.iter().map(Tag::to_text).collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let tags: BTreeSet<String> = fw.nodes.iter().flat_map(|n| n.tags.iter().map(Tag::to_text)).collect();
    let other = if t.0 == Lang::Ja { &fw.name.en } else { &fw.name.ja };
    let page = FrameworkPage {
        c: chrome(&state, &c, "catalog.title", q.notice.as_deref()).await,
        id: fw.id.clone(),
        name: pick(t, &fw.name),
        other_name: other.clone(),
        publisher: fw.publisher.clone(),
        version: fw.version.clone(),
        published: fw.published.clone().unwrap_or_default(),
        description: pick(t, &fw.description),
        status: verification_key(&fw.verification),
        requirements: f.info.assessable_count,
        expected: fw.expected_assessable.filter(|e| *e as i64 != f.info.assessable_count),
        versions: view
            .versions(&fw.id)
            .iter()
            .map(|v| {
                let href = format!("/frameworks/{}?version={}", enc(&fw.id), enc(&v.info.version));
                (href, v.info.version.clone(), v.info.version == fw.version)
            })
            .collect(),
        provenance: fw
            .provenance
            .iter()
            .map(|s| (s.title.clone(), s.url.clone().unwrap_or_default(), s.date.clone().unwrap_or_default()))
            .collect(),
        licence: fw.licence_note.clone(),
        notes: fw.notes.clone(),
        q: text,
        tag: tag_text,
        tags: tags.into_iter().collect(),
        searching,
        hits,
        rows: if searching { Vec::new() } else { tree(t, fw, pinned) },
        version_param: pinned.unwrap_or_default().to_owned(),
    };
    Ok(render(&page))
}

pub struct LinkRow {
    pub direction: &'static str,
    pub other: String,
    pub href: Option<String>,
    pub relation: &'static str,
    pub confidence: &'static str,
    pub authorship: &'static str,
    pub crosswalk: String,
    pub rationale: String,
}

#[derive(Template)]
#[template(path = "catalog_node.html")]
struct NodePage {
    c: Chrome,
    fw_href: String,
    fw_name: String,
    version: String,
    path: Vec<(String, String)>,
    ref_id: String,
    title: String,
    other_title: String,
    text: String,
    other_text: String,
    tags: Vec<String>,
    status: &'static str,
    assessable: bool,
    withdrawn: bool,
    note: String,
    provenance: Vec<(String, String)>,
    children: Vec<(String, String, String)>,
    links: Vec<LinkRow>,
}

async fn node_page(
    State(state): State<AppState>,
    c: Ctx,
    Path((id, ref_id)): Path<(String, String)>,
    Query(q): Query<FrameworkQuery>,
) -> PageResult {
    let view = view_for(&state, &c).await?;
    let t = c.t();
    let f = found(&c, view.get(&id, q.version.as_deref()))?;
    let fw = &f.framework;
    let n = fw.node(&ref_id).ok_or(PageError::Store(t, StoreError::NotFound))?;
    let pinned = q.version.as_deref();
    let mut path: Vec<(String, String)> =
        fw.path(&ref_id).iter().map(|p| (node_href(&fw.id, pinned, &p.ref_id), p.ref_id.clone())).collect();
    path.pop();
    let other_lang = if t.0 == Lang::Ja { "en" } else { "ja" };
    let other_of = |s: &I18n| {
        let o = if other_lang == "ja" { &s.ja } else { &s.en };
        if o == s.get(t.lang()) { String::new() } else { o.clone() }
    };
    let links = node_links(&view, &fw.id, &ref_id)
        .into_iter()
        .map(|l| {
            let visible = view.get(&l.framework, None).is_some_and(|o| o.framework.node(&l.ref_id).is_some());
            LinkRow {
                direction: if l.direction == "outgoing" { "catalog.dir.outgoing" } else { "catalog.dir.incoming" },
                other: format!("{} {}", l.framework, l.ref_id),
                href: visible.then(|| node_href(&l.framework, None, &l.ref_id)),
                relation: relation_key(&l.relation),
                confidence: confidence_key(&l.confidence),
                authorship: authorship_key(l.authorship.as_deref().unwrap_or("")),
                crosswalk: l.crosswalk,
                rationale: l.rationale.unwrap_or_default(),
            }
        })
        .collect();
    let page = NodePage {
        c: chrome(&state, &c, "catalog.title", None).await,
        fw_href: match pinned {
            Some(v) => format!("/frameworks/{}?version={}", enc(&fw.id), enc(v)),
            None => format!("/frameworks/{}", enc(&fw.id)),
        },
        fw_name: pick(t, &fw.name),
        version: fw.version.clone(),
        path,
        ref_id: n.ref_id.clone(),
        title: pick(t, &n.title),
        other_title: other_of(&n.title),
        text: pick(t, &n.text),
        other_text: other_of(&n.text),
        tags: n.tags.iter().map(Tag::to_text).collect(),
        status: verification_key(&n.verification),
        assessable: n.assessable,
        withdrawn: n.withdrawn,
        note: n.note.clone().unwrap_or_default(),
        provenance: fw.provenance.iter().map(|s| (s.title.clone(), s.url.clone().unwrap_or_default())).collect(),
        children: fw
            .children(&ref_id)
            .map(|ch| (node_href(&fw.id, pinned, &ch.ref_id), ch.ref_id.clone(), pick(t, &ch.title)))
            .collect(),
        links,
    };
    Ok(render(&page))
}

#[derive(Deserialize, Default)]
struct CompareQuery {
    a: Option<String>,
    b: Option<String>,
}

pub struct CoverRow {
    pub href: String,
    pub ref_id: String,
    pub title: String,
    /// (target, relation key, pivot) for each mapping.
    pub targets: Vec<(String, &'static str, String)>,
}

#[derive(Template)]
#[template(path = "catalog_compare.html")]
struct ComparePage {
    c: Chrome,
    choices: Vec<(String, String)>,
    a: String,
    b: String,
    shown: bool,
    a_name: String,
    b_name: String,
    total: usize,
    covered: usize,
    direct: usize,
    pivot_only: usize,
    percent: usize,
    rows: Vec<CoverRow>,
}

async fn compare_page(State(state): State<AppState>, c: Ctx, Query(q): Query<CompareQuery>) -> PageResult {
    let view = view_for(&state, &c).await?;
    let t = c.t();
    let choices: Vec<(String, String)> =
        view.latest().iter().map(|f| (f.framework.id.clone(), pick(t, &f.framework.name))).collect();
    let a = q.a.clone().unwrap_or_default();
    let b = q.b.clone().unwrap_or_default();
    let mut page = ComparePage {
        c: chrome(&state, &c, "catalog.compare", None).await,
        choices,
        a: a.clone(),
        b: b.clone(),
        shown: false,
        a_name: String::new(),
        b_name: String::new(),
        total: 0,
        covered: 0,
        direct: 0,
        pivot_only: 0,
        percent: 0,
        rows: Vec::new(),
    };
    if !a.is_empty() && !b.is_empty() {
        let fa = found(&c, view.get(&a, None))?;
        let fb = found(&c, view.get(&b, None))?;
        let cov = view.coverage(&fa.framework, &fb.framework.id);
        page.shown = true;
        page.a_name = pick(t, &fa.framework.name);
        page.b_name = pick(t, &fb.framework.name);
        page.total = cov.total;
        page.covered = cov.covered;
        page.direct = cov.direct;
        page.pivot_only = cov.covered - cov.direct;
        page.percent = (cov.covered * 100).checked_div(cov.total).unwrap_or(0);
        page.rows = cov
            .nodes
            .iter()
            .map(|(r, ms)| CoverRow {
                href: node_href(&fa.framework.id, None, r),
                ref_id: r.clone(),
                title: fa.framework.node(r).map(|n| pick(t, &n.title)).unwrap_or_default(),
                targets: ms
                    .iter()
                    .map(|m| {
                        let d = mapping_dto(&view, &fa.framework.id, r, m);
                        (d.target_ref, relation_key(&d.relation), d.pivot.unwrap_or_default())
                    })
                    .collect(),
            })
            .collect();
    }
    Ok(render(&page))
}
