//! STIX objects in collections: batch ingest with de-duplication and one audit entry per
//! envelope, keyset-paginated reads with the TLP rule in SQL, versions, delete and the
//! TAXII status resources.

use std::collections::{BTreeMap, HashMap};

use mamori_intel::stix::{Rejected, ValidObject};
use mamori_intel::tlp::{MarkingKind, Recipient, Tlp, TlpPolicy, classify_marking_definition};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::schema::*;
use super::sql::{Sql, like_escape};
use super::{CollectionInfo, Scope, circle_by_id, is_analyst};
use crate::audit::{self, Event};
use crate::{Store, StoreError, Tenant, now_ms};

/// Rows per multi-row `INSERT` (18 parameters each stays under every backend's limit).
const INSERT_CHUNK: usize = 500;
/// Ids per de-duplication lookup.
const LOOKUP_CHUNK: usize = 500;
/// The status message of a TLP:RED object stored without any named individual.
pub const RED_WITHOUT_RECIPIENTS: &str = "TLP:RED objects are readable only by named individual recipients, and this \
     request names none (TAXII: list their e-mail addresses in the envelope property x_mamori_recipients)";
/// Longest text kept for search.
const SEARCH_TEXT_MAX: usize = 2_000;

/// `match[version]` in store terms: `exact` holds microseconds since the epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionSel {
    pub all: bool,
    pub first: bool,
    pub last: bool,
    pub exact: Vec<i64>,
}

impl Default for VersionSel {
    fn default() -> Self {
        VersionSel { all: false, first: false, last: true, exact: Vec::new() }
    }
}

impl VersionSel {
    /// Every version.
    pub fn all() -> Self {
        VersionSel { all: true, first: false, last: false, exact: Vec::new() }
    }
}

/// Filters of an object listing (TAXII filters plus the UI's text and relationship search).
#[derive(Clone, Debug, Default)]
pub struct ObjectFilter {
    /// Only objects added strictly after this instant (microseconds).
    pub added_after: Option<i64>,
    pub ids: Option<Vec<String>>,
    pub types: Option<Vec<String>>,
    pub versions: VersionSel,
    pub spec_versions: Option<Vec<String>>,
    /// Case-insensitive substring of name, description, pattern, value or external ids.
    pub text: Option<String>,
    /// Only relationships and sightings whose source or target is this id.
    pub touching: Option<String>,
    /// Leave out objects pulled from this federation peer (no echo when pushing back).
    pub exclude_origin: Option<String>,
}

/// One stored object version.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectRow {
    pub row_id: i64,
    pub collection_id: String,
    pub stix_id: String,
    pub stix_type: String,
    /// `modified`, else `created`, exactly as received; empty for unversioned objects.
    pub version: String,
    pub spec_version: String,
    /// Microseconds since the epoch; unique and strictly increasing across the hub.
    pub date_added: i64,
    pub tlp: String,
    /// The object JSON, when requested.
    pub body: Option<String>,
}

/// A page of objects in `(date_added, row_id)` order.
#[derive(Clone, Debug)]
pub struct ObjectPage {
    pub rows: Vec<ObjectRow>,
    pub more: bool,
}

/// One entry of a status resource's `successes`, `failures` or `pendings`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct StatusDetail {
    pub id: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// How an ingest assigns levels, recipients and provenance.
#[derive(Clone, Debug, Default)]
pub struct IngestOptions {
    pub policy: TlpPolicy,
    /// Named recipients stored with every object (AMBER need-to-know, RED individuals).
    pub recipients: Vec<Recipient>,
    /// Keep a status resource (TAXII POST); bulk CLI imports skip it.
    pub record_status: bool,
    /// Test and benchmark hook: give every object this `date_added` (microseconds)
    /// instead of a fresh, strictly increasing one. Row ids stay unique.
    pub fixed_date_added: Option<i64>,
    /// The federation peer the objects were pulled from.
    pub origin_peer: Option<String>,
}

/// What an ingest did; also the content of the status resource.
#[derive(Clone, Debug, Serialize)]
pub struct IngestOutcome {
    pub status_id: String,
    pub request_micros: i64,
    pub successes: Vec<StatusDetail>,
    pub failures: Vec<StatusDetail>,
    /// Accepted objects that were already stored (counted as successes).
    pub duplicates: usize,
}

/// A stored status resource.
#[derive(Clone, Debug, Serialize)]
pub struct StatusRecord {
    pub id: String,
    pub request_micros: i64,
    pub total: i64,
    pub successes: Vec<StatusDetail>,
    pub failures: Vec<StatusDetail>,
}

#[derive(Serialize, Deserialize, Default)]
struct StatusDetails {
    successes: Vec<StatusDetail>,
    failures: Vec<StatusDetail>,
}

/// Status-detail entries for rejected objects, reading `id` and version from the raw body.
pub fn rejection_details(body: &Value, rejected: &[Rejected]) -> Vec<StatusDetail> {
    let objects = body.get("objects").and_then(Value::as_array);
    rejected
        .iter()
        .map(|r| {
            let raw = objects.and_then(|o| o.get(r.index));
            let version = raw
                .and_then(|o| o.get("modified").or_else(|| o.get("created")))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            StatusDetail {
                id: r.id.clone().unwrap_or_else(|| format!("objects[{}]", r.index)),
                version,
                message: Some(r.reasons.join("; ")),
            }
        })
        .collect()
}

fn now_micros() -> i64 {
    i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

fn search_text(v: &Value) -> String {
    let mut out = String::new();
    for key in ["name", "description", "pattern", "value", "x_mitre_shortname"] {
        if let Some(s) = v.get(key).and_then(Value::as_str) {
            out.push_str(s);
            out.push('\n');
        }
    }
    if let Some(refs) = v.get("external_references").and_then(Value::as_array) {
        for r in refs {
            if let Some(s) = r.get("external_id").and_then(Value::as_str) {
                out.push_str(s);
                out.push('\n');
            }
        }
    }
    let mut lower = out.to_lowercase();
    if lower.len() > SEARCH_TEXT_MAX {
        let mut cut = SEARCH_TEXT_MAX;
        while !lower.is_char_boundary(cut) {
            cut -= 1;
        }
        lower.truncate(cut);
    }
    lower
}

fn refs_of(v: &Value) -> (Option<String>, Option<String>) {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    match v.get("type").and_then(Value::as_str) {
        Some("relationship") => (s("source_ref"), s("target_ref")),
        Some("sighting") => (s("sighting_of_ref"), None),
        _ => (None, None),
    }
}

fn row_from(r: &QueryResult, with_body: bool) -> Result<ObjectRow, StoreError> {
    Ok(ObjectRow {
        row_id: r.try_get("", "row_id")?,
        collection_id: r.try_get("", "collection_id")?,
        stix_id: r.try_get("", "stix_id")?,
        stix_type: r.try_get("", "stix_type")?,
        version: r.try_get("", "version")?,
        spec_version: r.try_get("", "spec_version")?,
        date_added: r.try_get("", "date_added")?,
        tlp: r.try_get("", "tlp")?,
        body: if with_body { Some(r.try_get("", "body")?) } else { None },
    })
}

struct Prepared {
    obj: ValidObject,
    body: String,
    digest: String,
    tlp: &'static str,
    version: String,
    version_micros: i64,
}

impl Store {
    /// Stores the accepted objects of one envelope in `collection_id`, in one transaction
    /// with one audit entry. `failures` (from validation) are recorded in the status as is.
    pub async fn intel_ingest(
        &self,
        tenant: &Tenant,
        collection_id: &str,
        accepted: Vec<ValidObject>,
        failures: Vec<StatusDetail>,
        opts: &IngestOptions,
    ) -> Result<IngestOutcome, StoreError> {
        let coll = self.collections_for_write(tenant, collection_id).await?;
        let producer_user = tenant.actor().user_id().map(str::to_owned);
        self.ingest_as(tenant, &coll, tenant.org_id(), producer_user.as_deref(), accepted, failures, opts).await
    }

    pub(super) async fn collections_for_write(
        &self,
        tenant: &Tenant,
        collection_id: &str,
    ) -> Result<CollectionInfo, StoreError> {
        let all = self.intel_all_collections(tenant).await?;
        let coll = all.into_iter().find(|c| c.id == collection_id).ok_or(StoreError::NotFound)?;
        if !coll.can_write {
            return Err(StoreError::Forbidden("no write access to this collection"));
        }
        Ok(coll)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn ingest_as(
        &self,
        tenant: &Tenant,
        coll: &CollectionInfo,
        producer_org: &str,
        producer_user: Option<&str>,
        accepted: Vec<ValidObject>,
        mut failures: Vec<StatusDetail>,
        opts: &IngestOptions,
    ) -> Result<IngestOutcome, StoreError> {
        let request_micros = now_micros();
        // Marking definitions shipped in the same envelope give meaning to their ids.
        let known: HashMap<String, MarkingKind> = accepted
            .iter()
            .filter(|o| o.object_type() == "marking-definition")
            .map(|o| (o.id().to_owned(), classify_marking_definition(o.value())))
            .collect();
        let names_a_user = opts.recipients.iter().any(|r| matches!(r, Recipient::User(_)));
        let mut prepared = Vec::with_capacity(accepted.len());
        for obj in accepted {
            let tlp = opts.policy.resolve_object(&obj, |id| known.get(id).copied()).tlp;
            let (version, version_micros) =
                obj.version().map_or((String::new(), 0), |v| (v.as_str().to_owned(), v.unix_micros()));
            if tlp == Tlp::Red && !names_a_user {
                // Nobody could ever read it: TLP:RED opens only to named individuals.
                failures.push(StatusDetail {
                    id: obj.id().to_owned(),
                    version,
                    message: Some(RED_WITHOUT_RECIPIENTS.into()),
                });
                continue;
            }
            let body = serde_json::to_string(obj.value()).map_err(|e| StoreError::Internal(e.to_string()))?;
            let digest = hex::encode(Sha256::digest(body.as_bytes()));
            prepared.push(Prepared { obj, body, digest, tlp: tlp.as_str(), version, version_micros });
        }
        let txn = self.conn().begin().await?;
        // Existing versions of the same ids in this collection, for idempotent re-POSTs.
        let mut existing: HashMap<(String, i64), String> = HashMap::new();
        let ids: Vec<String> = {
            let mut v: Vec<String> = prepared.iter().map(|p| p.obj.id().to_owned()).collect();
            v.sort();
            v.dedup();
            v
        };
        for chunk in ids.chunks(LOOKUP_CHUNK) {
            let q = Query::select()
                .columns([IntelCol::StixId, IntelCol::VersionMicros, IntelCol::Digest])
                .from(IntelObjects::Table)
                .and_where(Expr::col(IntelCol::CollectionId).eq(coll.id.as_str()))
                .and_where(Expr::col(IntelCol::StixId).is_in(chunk.iter().map(String::as_str)))
                .to_owned();
            for r in txn.query_all(&q).await? {
                existing
                    .insert((r.try_get("", "stix_id")?, r.try_get("", "version_micros")?), r.try_get("", "digest")?);
            }
        }
        let mut successes = Vec::with_capacity(prepared.len());
        let mut duplicates = 0;
        let mut fresh = Vec::with_capacity(prepared.len());
        for p in prepared {
            let key = (p.obj.id().to_owned(), p.version_micros);
            let detail = StatusDetail { id: key.0.clone(), version: p.version.clone(), message: None };
            match existing.get(&key) {
                Some(d) if *d == p.digest => {
                    duplicates += 1;
                    successes.push(detail);
                }
                Some(_) => failures.push(StatusDetail {
                    message: Some("another object with this id and version is already stored".into()),
                    ..detail
                }),
                None => {
                    existing.insert(key, p.digest.clone());
                    successes.push(detail);
                    fresh.push(p);
                }
            }
        }
        // Allocate row ids and date_added from the clock row (locked by the first UPDATE).
        let lock = Query::update()
            .table(IntelClock::Table)
            .value(IntelCol::LastRowId, Expr::col(IntelCol::LastRowId))
            .and_where(Expr::col(IntelCol::Id).eq(1))
            .to_owned();
        txn.execute(&lock).await?;
        let q = Query::select()
            .columns([IntelCol::LastRowId, IntelCol::LastMicros])
            .from(IntelClock::Table)
            .and_where(Expr::col(IntelCol::Id).eq(1))
            .to_owned();
        let clock = txn.query_one(&q).await?.ok_or_else(|| StoreError::Internal("intel clock missing".into()))?;
        let mut row_id: i64 = clock.try_get("", "last_row_id")?;
        let mut micros: i64 = clock.try_get("", "last_micros")?;
        micros = std::cmp::max(micros, now_micros() - 1);
        let mut set_digest = Sha256::new();
        for chunk in fresh.chunks(INSERT_CHUNK) {
            let mut ins = Query::insert();
            ins.into_table(IntelObjects::Table).columns([
                IntelCol::RowId,
                IntelCol::CollectionId,
                IntelCol::CircleId,
                IntelCol::StixId,
                IntelCol::StixType,
                IntelCol::Version,
                IntelCol::VersionMicros,
                IntelCol::SpecVersion,
                IntelCol::DateAdded,
                IntelCol::ProducerOrg,
                IntelCol::ProducerUser,
                IntelCol::Tlp,
                IntelCol::Digest,
                IntelCol::SourceRef,
                IntelCol::TargetRef,
                IntelCol::SearchText,
                IntelCol::Body,
                IntelCol::OriginPeer,
            ]);
            let mut recipients = Query::insert();
            recipients.into_table(IntelRecipients::Table).columns([
                IntelCol::RowId,
                IntelCol::Kind,
                IntelCol::PrincipalId,
            ]);
            for p in chunk {
                row_id += 1;
                let date_added = match opts.fixed_date_added {
                    Some(d) => d,
                    None => {
                        micros += 1;
                        micros
                    }
                };
                set_digest.update(p.digest.as_bytes());
                let (source, target) = refs_of(p.obj.value());
                ins.values_panic([
                    row_id.into(),
                    coll.id.as_str().into(),
                    coll.circle_id.as_str().into(),
                    p.obj.id().into(),
                    p.obj.object_type().into(),
                    p.version.as_str().into(),
                    p.version_micros.into(),
                    p.obj.spec_version().unwrap_or("2.1").into(),
                    date_added.into(),
                    producer_org.into(),
                    producer_user.map(str::to_owned).into(),
                    p.tlp.into(),
                    p.digest.as_str().into(),
                    source.into(),
                    target.into(),
                    search_text(p.obj.value()).into(),
                    p.body.as_str().into(),
                    opts.origin_peer.clone().into(),
                ]);
                // Recipients count only for AMBER (need-to-know) and RED (individuals).
                let named = if matches!(p.tlp, "amber" | "red") { opts.recipients.as_slice() } else { &[] };
                for r in named {
                    let (kind, id) = match r {
                        Recipient::Org(o) => ("org", o),
                        Recipient::User(u) => ("user", u),
                    };
                    recipients.values_panic([row_id.into(), kind.into(), id.as_str().into()]);
                }
            }
            txn.execute(&ins).await?;
            if chunk.iter().any(|p| matches!(p.tlp, "amber" | "red")) && !opts.recipients.is_empty() {
                txn.execute(&recipients).await?;
            }
        }
        let upd = Query::update()
            .table(IntelClock::Table)
            .value(IntelCol::LastRowId, row_id)
            .value(IntelCol::LastMicros, micros)
            .and_where(Expr::col(IntelCol::Id).eq(1))
            .to_owned();
        txn.execute(&upd).await?;
        let status_id = uuid::Uuid::new_v4().to_string();
        if opts.record_status {
            let details =
                serde_json::to_string(&StatusDetails { successes: successes.clone(), failures: failures.clone() })
                    .map_err(|e| StoreError::Internal(e.to_string()))?;
            let q = Query::insert()
                .into_table(IntelStatus::Table)
                .columns([
                    IntelCol::Id,
                    IntelCol::CircleId,
                    IntelCol::CollectionId,
                    IntelCol::OrgId,
                    IntelCol::RequestMicros,
                    IntelCol::TotalCount,
                    IntelCol::SuccessCount,
                    IntelCol::FailureCount,
                    IntelCol::Details,
                    IntelCol::CreatedAt,
                ])
                .values_panic([
                    status_id.as_str().into(),
                    coll.circle_id.as_str().into(),
                    coll.id.as_str().into(),
                    tenant.org_id().into(),
                    request_micros.into(),
                    ((successes.len() + failures.len()) as i64).into(),
                    (successes.len() as i64).into(),
                    (failures.len() as i64).into(),
                    details.into(),
                    now_ms().into(),
                ])
                .to_owned();
            txn.execute(&q).await?;
        }
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "intel.objects.ingest",
                object_type: "intel_collection",
                object_id: &coll.id,
                detail: serde_json::json!({
                    "stored": fresh.len(),
                    "duplicates": duplicates,
                    "rejected": failures.len(),
                    "producer_org": producer_org,
                    "status": opts.record_status.then_some(&status_id),
                    "digest": hex::encode(set_digest.finalize()),
                }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(IngestOutcome { status_id, request_micros, successes, failures, duplicates })
    }

    /// A status resource of the tenant's organization in the circle `root`.
    pub async fn intel_status(&self, tenant: &Tenant, root: &str, id: &str) -> Result<StatusRecord, StoreError> {
        let circle = self.intel_circle(tenant, root).await?;
        let q = Query::select()
            .columns([IntelCol::Id, IntelCol::RequestMicros, IntelCol::TotalCount, IntelCol::Details])
            .from(IntelStatus::Table)
            .and_where(Expr::col(IntelCol::Id).eq(id))
            .and_where(Expr::col(IntelCol::CircleId).eq(circle.id))
            .and_where(Expr::col(IntelCol::OrgId).eq(tenant.org_id()))
            .to_owned();
        let r = self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?;
        let details: String = r.try_get("", "details")?;
        let d: StatusDetails = serde_json::from_str(&details).unwrap_or_default();
        Ok(StatusRecord {
            id: r.try_get("", "id")?,
            request_micros: r.try_get("", "request_micros")?,
            total: r.try_get("", "total_count")?,
            successes: d.successes,
            failures: d.failures,
        })
    }

    /// One page of objects the tenant may read, in `collection` (or in every readable
    /// collection), after the keyset position `after = (date_added, row_id)`.
    pub async fn intel_objects_page(
        &self,
        tenant: &Tenant,
        collection: Option<&str>,
        filter: &ObjectFilter,
        after: Option<(i64, i64)>,
        limit: u32,
        with_body: bool,
    ) -> Result<ObjectPage, StoreError> {
        let scope = self.intel_scope(tenant).await?;
        self.objects_page_in(&scope, collection, filter, after, limit, with_body).await
    }

    /// [`Store::intel_objects_page`] for a scope computed by the caller.
    pub(crate) async fn objects_page_in(
        &self,
        scope: &Scope,
        collection: Option<&str>,
        filter: &ObjectFilter,
        after: Option<(i64, i64)>,
        limit: u32,
        with_body: bool,
    ) -> Result<ObjectPage, StoreError> {
        let collections: Vec<String> = match collection {
            Some(c) if scope.readable.iter().any(|r| r == c) => vec![c.to_owned()],
            Some(_) => return Err(StoreError::Forbidden("no read access to this collection")),
            None => scope.readable.clone(),
        };
        if collections.is_empty() {
            return Ok(ObjectPage { rows: Vec::new(), more: false });
        }
        let limit = limit.clamp(1, 100_000);
        let mut s = Sql::new(
            "SELECT o.row_id, o.collection_id, o.stix_id, o.stix_type, o.version, o.spec_version, o.date_added, o.tlp",
        );
        if with_body {
            s.push(", o.body");
        }
        s.push(" FROM intel_objects o WHERE o.collection_id IN ").bind_list(collections);
        s.push(" AND ").read_rule(&mamori_intel::tlp::read_filter(&scope.viewer));
        if let Some(a) = filter.added_after {
            s.push(" AND o.date_added > ").bind(a);
        }
        if let Some((d, r)) = after {
            s.push(" AND (o.date_added > ").bind(d).push(" OR (o.date_added = ").bind(d);
            s.push(" AND o.row_id > ").bind(r).push("))");
        }
        push_common_filters(&mut s, filter);
        s.push(" ORDER BY o.date_added, o.row_id LIMIT ").bind(i64::from(limit) + 1);
        let rows = self.conn().query_all_raw(s.build(self.conn().get_database_backend())).await?;
        let mut out: Vec<ObjectRow> = rows.iter().map(|r| row_from(r, with_body)).collect::<Result<_, _>>()?;
        let more = out.len() > limit as usize;
        out.truncate(limit as usize);
        Ok(ObjectPage { rows: out, more })
    }

    /// Deletes the versions of `stix_id` selected by `versions`/`spec_versions` from a
    /// collection. Only versions the tenant can read count; they must have been produced
    /// by the tenant's organization, or the tenant must be an analyst of the circle's hub.
    pub async fn intel_delete(
        &self,
        tenant: &Tenant,
        collection_id: &str,
        stix_id: &str,
        versions: VersionSel,
        spec_versions: Option<Vec<String>>,
    ) -> Result<usize, StoreError> {
        let coll = self.collections_for_write(tenant, collection_id).await?;
        if !coll.can_read {
            return Err(StoreError::Forbidden("no read access to this collection"));
        }
        let circle = circle_by_id(self.conn(), &coll.circle_id).await?;
        let filter =
            ObjectFilter { ids: Some(vec![stix_id.to_owned()]), versions, spec_versions, ..Default::default() };
        let page = self.intel_objects_page(tenant, Some(collection_id), &filter, None, 100_000, false).await?;
        if page.rows.is_empty() {
            return Err(StoreError::NotFound);
        }
        let row_ids: Vec<i64> = page.rows.iter().map(|r| r.row_id).collect();
        if !is_analyst(tenant, &circle) {
            let q = Query::select()
                .column(IntelCol::RowId)
                .from(IntelObjects::Table)
                .and_where(Expr::col(IntelCol::RowId).is_in(row_ids.clone()))
                .and_where(Expr::col(IntelCol::ProducerOrg).ne(tenant.org_id()))
                .to_owned();
            if self.conn().query_one(&q).await?.is_some() {
                return Err(StoreError::Forbidden("only the producing organization or the hub may delete"));
            }
        }
        let txn = self.conn().begin().await?;
        // Every change to the stored objects moves the clock (the matching cache keys on it);
        // a delete burns one row id.
        let tick = Query::update()
            .table(IntelClock::Table)
            .value(IntelCol::LastRowId, Expr::col(IntelCol::LastRowId).add(1))
            .and_where(Expr::col(IntelCol::Id).eq(1))
            .to_owned();
        txn.execute(&tick).await?;
        // Logged under that tick, so a cached matching index can drop exactly these.
        let q = Query::select()
            .column(IntelCol::LastRowId)
            .from(IntelClock::Table)
            .and_where(Expr::col(IntelCol::Id).eq(1))
            .to_owned();
        let clock = txn.query_one(&q).await?.ok_or_else(|| StoreError::Internal("intel clock missing".into()))?;
        let tick: i64 = clock.try_get("", "last_row_id")?;
        for chunk in page.rows.chunks(LOOKUP_CHUNK) {
            let mut log = Query::insert();
            log.into_table(IntelDeletions::Table).columns([
                IntelCol::Tick,
                IntelCol::CollectionId,
                IntelCol::StixId,
                IntelCol::StixType,
            ]);
            for r in chunk {
                log.values_panic([
                    tick.into(),
                    r.collection_id.as_str().into(),
                    r.stix_id.as_str().into(),
                    r.stix_type.as_str().into(),
                ]);
            }
            txn.execute(&log).await?;
        }
        for chunk in row_ids.chunks(LOOKUP_CHUNK) {
            let q = Query::delete()
                .from_table(IntelRecipients::Table)
                .and_where(Expr::col(IntelCol::RowId).is_in(chunk.to_vec()))
                .to_owned();
            txn.execute(&q).await?;
            let q = Query::delete()
                .from_table(IntelObjects::Table)
                .and_where(Expr::col(IntelCol::RowId).is_in(chunk.to_vec()))
                .to_owned();
            txn.execute(&q).await?;
        }
        let versions: Vec<&str> = page.rows.iter().map(|r| r.version.as_str()).collect();
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "intel.objects.delete",
                object_type: "intel_object",
                object_id: stix_id,
                detail: serde_json::json!({"collection": collection_id, "versions": versions}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(row_ids.len())
    }

    /// Counts of readable objects by type, for the browse page.
    pub async fn intel_type_counts(&self, tenant: &Tenant) -> Result<BTreeMap<String, i64>, StoreError> {
        let scope = self.intel_scope(tenant).await?;
        if scope.readable.is_empty() {
            return Ok(BTreeMap::new());
        }
        let mut s = Sql::new("SELECT o.stix_type, COUNT(*) AS n FROM intel_objects o WHERE o.collection_id IN ");
        s.bind_list(scope.readable.clone());
        s.push(" AND ").read_rule(&mamori_intel::tlp::read_filter(&scope.viewer));
        push_common_filters(&mut s, &ObjectFilter::default());
        s.push(" GROUP BY o.stix_type");
        let rows = self.conn().query_all_raw(s.build(self.conn().get_database_backend())).await?;
        rows.iter().map(|r| Ok((r.try_get("", "stix_type")?, r.try_get("", "n")?))).collect()
    }
}

pub(super) fn push_common_filters(s: &mut Sql, f: &ObjectFilter) {
    if let Some(ids) = f.ids.as_ref().filter(|v| !v.is_empty()) {
        s.push(" AND o.stix_id IN ").bind_list(ids.clone());
    }
    if let Some(types) = f.types.as_ref().filter(|v| !v.is_empty()) {
        s.push(" AND o.stix_type IN ").bind_list(types.clone());
    }
    if let Some(specs) = f.spec_versions.as_ref().filter(|v| !v.is_empty()) {
        s.push(" AND o.spec_version IN ").bind_list(specs.clone());
    }
    if let Some(text) = f.text.as_ref().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()) {
        s.push(" AND o.search_text LIKE ").bind(format!("%{}%", like_escape(&text))).push(" ESCAPE '\\'");
    }
    if let Some(peer) = &f.exclude_origin {
        s.push(" AND (o.origin_peer IS NULL OR o.origin_peer <> ").bind(peer.clone()).push(")");
    }
    if let Some(id) = &f.touching {
        s.push(" AND (o.source_ref = ").bind(id.clone()).push(" OR o.target_ref = ").bind(id.clone()).push(")");
    }
    let v = &f.versions;
    if !v.all {
        // The newest/oldest version is computed over every stored version in the collection.
        let newer = "NOT EXISTS (SELECT 1 FROM intel_objects v WHERE v.collection_id = o.collection_id \
                     AND v.stix_id = o.stix_id AND v.version_micros > o.version_micros)";
        let older = "NOT EXISTS (SELECT 1 FROM intel_objects v WHERE v.collection_id = o.collection_id \
                     AND v.stix_id = o.stix_id AND v.version_micros < o.version_micros)";
        let mut parts = 0;
        s.push(" AND (");
        if v.last {
            s.push(newer);
            parts += 1;
        }
        if v.first {
            if parts > 0 {
                s.push(" OR ");
            }
            s.push(older);
            parts += 1;
        }
        if !v.exact.is_empty() {
            if parts > 0 {
                s.push(" OR ");
            }
            s.push("o.version_micros IN ").bind_list(v.exact.clone());
            parts += 1;
        }
        if parts == 0 {
            s.push("1 = 0");
        }
        s.push(")");
    }
}
