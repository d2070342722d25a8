//! The framework catalog in the database: built-in sync, transactional imports, versions,
//! tenant-private frameworks, and cached read views with a crosswalk index.
//!
//! Stored framework versions are immutable: re-importing identical content is a no-op, different
//! content under an existing `(id, version)` is a conflict, and a new version is added alongside
//! the old one so that anything pinned to the old version keeps working.

mod manage;
pub(crate) mod migration;
mod view;

use std::collections::HashSet;
use std::sync::Arc;

use mamori_catalog::{Crosswalk, CrosswalkIndex, Format, Framework, ImportError, ImportOptions, Imported};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{self, Event};
use crate::schema::Users;
use crate::{Actor, AdminPath, Role, Store, StoreError, Tenant, new_id, now_ms};
use migration::{CatalogCrosswalks as Xw, CatalogFrameworks as Fw, CatalogMeta};
pub(crate) use view::SharedCache;
pub use view::{CatalogView, Coverage, CrosswalkInfo, FrameworkInfo, StoredFramework};

/// Who writes to the catalog, and therefore where the content goes.
#[derive(Clone, Debug)]
pub enum CatalogOwner<'a> {
    /// The global catalog, from the command line.
    Global(AdminPath),
    /// The global catalog, by a signed-in platform administrator.
    PlatformAdmin(&'a Tenant),
    /// A framework private to the tenant's organization (role admin or above).
    Tenant(&'a Tenant),
}

/// What happened to one framework version or crosswalk in an import.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Stored for the first time.
    Added,
    /// Already stored with identical content; nothing was written.
    Unchanged,
    /// A crosswalk whose links were replaced.
    Replaced,
}

/// The result of an import.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ImportReport {
    /// The detected or given format.
    pub format: Option<Format>,
    /// `(framework id, version, assessable count, status)` for each framework in the file.
    pub frameworks: Vec<(String, String, usize, ImportStatus)>,
    /// `(crosswalk id, link count, status)` for each crosswalk in the file.
    pub crosswalks: Vec<(String, usize, ImportStatus)>,
}

/// What the built-in sync did.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct SyncReport {
    pub frameworks_added: usize,
    pub crosswalks_added: usize,
    pub updated: usize,
}

/// An import that failed: either the file is wrong (located) or the store refused it.
#[derive(Debug, thiserror::Error)]
pub enum CatalogImportError {
    #[error("{0}")]
    Parse(ImportError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for CatalogImportError {
    fn from(e: sea_orm::DbErr) -> Self {
        CatalogImportError::Store(e.into())
    }
}

fn hash_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn to_json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Internal(format!("cannot serialise catalog content: {e}")))
}

fn authorship_text(a: mamori_catalog::Authorship) -> &'static str {
    match a {
        mamori_catalog::Authorship::Official => "official",
        mamori_catalog::Authorship::Ours => "ours",
        mamori_catalog::Authorship::Imported => "imported",
    }
}

/// Where a write goes: owner key, owner column, audit actor and audit tenant.
struct Target {
    key: String,
    org: Option<String>,
    actor: Actor,
}

async fn bump_generation<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
    let q = Query::update()
        .table(CatalogMeta::Table)
        .value(CatalogMeta::Generation, Expr::col(CatalogMeta::Generation).add(1))
        .and_where(Expr::col(CatalogMeta::Id).eq(1))
        .to_owned();
    conn.execute(&q).await?;
    Ok(())
}

async fn framework_hash<C: ConnectionTrait>(
    conn: &C,
    id: &str,
    version: &str,
    key: &str,
) -> Result<Option<String>, StoreError> {
    let q = Query::select()
        .column(Fw::ContentHash)
        .from(Fw::Table)
        .and_where(Expr::col(Fw::FrameworkId).eq(id))
        .and_where(Expr::col(Fw::Version).eq(version))
        .and_where(Expr::col(Fw::OwnerKey).eq(key))
        .to_owned();
    Ok(match conn.query_one(&q).await? {
        Some(r) => Some(r.try_get("", "content_hash")?),
        None => None,
    })
}

async fn global_framework_exists<C: ConnectionTrait>(conn: &C, id: &str) -> Result<bool, StoreError> {
    let q = Query::select()
        .column(Fw::RowId)
        .from(Fw::Table)
        .and_where(Expr::col(Fw::FrameworkId).eq(id))
        .and_where(Expr::col(Fw::OwnerKey).eq(""))
        .limit(1)
        .to_owned();
    Ok(conn.query_one(&q).await?.is_some())
}

async fn insert_framework<C: ConnectionTrait>(
    conn: &C,
    fw: &Framework,
    content: String,
    hash: String,
    t: &Target,
    builtin: bool,
) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(Fw::Table)
        .columns([
            Fw::RowId,
            Fw::FrameworkId,
            Fw::Version,
            Fw::OwnerKey,
            Fw::OwnerOrgId,
            Fw::Builtin,
            Fw::Content,
            Fw::ContentHash,
            Fw::NodeCount,
            Fw::AssessableCount,
            Fw::ImportedAt,
        ])
        .values_panic([
            new_id().into(),
            fw.id.clone().into(),
            fw.version.clone().into(),
            t.key.clone().into(),
            t.org.clone().into(),
            builtin.into(),
            content.into(),
            hash.into(),
            (fw.nodes.len() as i64).into(),
            (fw.assessable_count() as i64).into(),
            now_ms().into(),
        ])
        .to_owned();
    conn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "this framework version"))?;
    Ok(())
}

async fn crosswalk_hash<C: ConnectionTrait>(conn: &C, id: &str, key: &str) -> Result<Option<String>, StoreError> {
    let q = Query::select()
        .column(Xw::ContentHash)
        .from(Xw::Table)
        .and_where(Expr::col(Xw::CrosswalkId).eq(id))
        .and_where(Expr::col(Xw::OwnerKey).eq(key))
        .to_owned();
    Ok(match conn.query_one(&q).await? {
        Some(r) => Some(r.try_get("", "content_hash")?),
        None => None,
    })
}

async fn write_crosswalk<C: ConnectionTrait>(
    conn: &C,
    xw: &Crosswalk,
    t: &Target,
    builtin: bool,
    replace: bool,
) -> Result<(), StoreError> {
    let content = to_json(xw)?;
    let hash = hash_of(content.as_bytes());
    if replace {
        let q = Query::update()
            .table(Xw::Table)
            .value(Xw::SourceFramework, xw.source_framework.clone())
            .value(Xw::TargetFramework, xw.target_framework.clone())
            .value(Xw::Authorship, authorship_text(xw.authorship))
            .value(Xw::Content, content)
            .value(Xw::ContentHash, hash)
            .value(Xw::LinkCount, xw.links.len() as i64)
            .value(Xw::ImportedAt, now_ms())
            .and_where(Expr::col(Xw::CrosswalkId).eq(xw.id.clone()))
            .and_where(Expr::col(Xw::OwnerKey).eq(t.key.clone()))
            .to_owned();
        conn.execute(&q).await?;
        return Ok(());
    }
    let q = Query::insert()
        .into_table(Xw::Table)
        .columns([
            Xw::RowId,
            Xw::CrosswalkId,
            Xw::OwnerKey,
            Xw::OwnerOrgId,
            Xw::SourceFramework,
            Xw::TargetFramework,
            Xw::Authorship,
            Xw::Builtin,
            Xw::Content,
            Xw::ContentHash,
            Xw::LinkCount,
            Xw::ImportedAt,
        ])
        .values_panic([
            new_id().into(),
            xw.id.clone().into(),
            t.key.clone().into(),
            t.org.clone().into(),
            xw.source_framework.clone().into(),
            xw.target_framework.clone().into(),
            authorship_text(xw.authorship).into(),
            builtin.into(),
            content.into(),
            hash.into(),
            (xw.links.len() as i64).into(),
            now_ms().into(),
        ])
        .to_owned();
    conn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "this crosswalk"))?;
    Ok(())
}

impl Store {
    async fn catalog_target(&self, owner: &CatalogOwner<'_>) -> Result<Target, StoreError> {
        match owner {
            CatalogOwner::Global(AdminPath::Cli { operator }) => {
                Ok(Target { key: String::new(), org: None, actor: Actor::Cli(operator.clone()) })
            }
            CatalogOwner::PlatformAdmin(t) => {
                let uid = t.actor().user_id().ok_or(StoreError::Forbidden("only a platform administrator may"))?;
                let q = Query::select()
                    .column(Users::IsPlatformAdmin)
                    .from(Users::Table)
                    .and_where(Expr::col(Users::Id).eq(uid))
                    .to_owned();
                let admin: bool = match self.conn().query_one(&q).await? {
                    Some(r) => r.try_get("", "is_platform_admin")?,
                    None => false,
                };
                if !admin {
                    return Err(StoreError::Forbidden("only a platform administrator may change the global catalog"));
                }
                Ok(Target { key: String::new(), org: None, actor: t.actor().clone() })
            }
            CatalogOwner::Tenant(t) => {
                t.require(Role::Admin)?;
                Ok(Target { key: t.org_id().to_owned(), org: Some(t.org_id().to_owned()), actor: t.actor().clone() })
            }
        }
    }

    /// Inserts built-in framework versions and crosswalks that are missing. Idempotent and never
    /// deletes; a built-in row whose shipped content changed under the same version is refreshed.
    pub async fn sync_builtin_catalog(&self) -> Result<SyncReport, StoreError> {
        let frameworks =
            mamori_catalog::builtin_frameworks().map_err(|e| StoreError::Internal(format!("built-in catalog: {e}")))?;
        let crosswalks =
            mamori_catalog::builtin_crosswalks().map_err(|e| StoreError::Internal(format!("built-in catalog: {e}")))?;
        let t = Target { key: String::new(), org: None, actor: Actor::Cli("mamori built-in catalog".into()) };
        let txn = self.conn().begin().await?;
        let mut report = SyncReport::default();
        for fw in &frameworks {
            let content = to_json(fw)?;
            let hash = hash_of(content.as_bytes());
            match framework_hash(&txn, &fw.id, &fw.version, "").await? {
                None => {
                    insert_framework(&txn, fw, content, hash, &t, true).await?;
                    report.frameworks_added += 1;
                }
                Some(h) if h != hash => {
                    let q = Query::update()
                        .table(Fw::Table)
                        .value(Fw::Content, content)
                        .value(Fw::ContentHash, hash)
                        .value(Fw::NodeCount, fw.nodes.len() as i64)
                        .value(Fw::AssessableCount, fw.assessable_count() as i64)
                        .and_where(Expr::col(Fw::FrameworkId).eq(fw.id.clone()))
                        .and_where(Expr::col(Fw::Version).eq(fw.version.clone()))
                        .and_where(Expr::col(Fw::OwnerKey).eq(""))
                        .and_where(Expr::col(Fw::Builtin).eq(true))
                        .to_owned();
                    report.updated += txn.execute(&q).await?.rows_affected() as usize;
                }
                Some(_) => {}
            }
        }
        for xw in &crosswalks {
            let content = to_json(xw)?;
            let hash = hash_of(content.as_bytes());
            match crosswalk_hash(&txn, &xw.id, "").await? {
                None => {
                    write_crosswalk(&txn, xw, &t, true, false).await?;
                    report.crosswalks_added += 1;
                }
                Some(h) if h != hash => {
                    write_crosswalk(&txn, xw, &t, true, true).await?;
                    report.updated += 1;
                }
                Some(_) => {}
            }
        }
        if report != SyncReport::default() {
            bump_generation(&txn).await?;
            audit::append(
                &txn,
                Event {
                    tenant_id: None,
                    actor: &t.actor,
                    action: "catalog.sync_builtin",
                    object_type: "catalog",
                    object_id: "builtin",
                    detail: serde_json::json!({"frameworks_added": report.frameworks_added,
                        "crosswalks_added": report.crosswalks_added, "updated": report.updated}),
                },
            )
            .await?;
        }
        txn.commit().await?;
        Ok(report)
    }

    /// Stores everything one file produced, in one transaction: all of it or nothing. Links that
    /// name requirements by URN must resolve against the frameworks the owner can see.
    pub async fn import_catalog(
        &self,
        owner: CatalogOwner<'_>,
        mut imported: Imported,
        source: &str,
    ) -> Result<ImportReport, CatalogImportError> {
        let t = self.catalog_target(&owner).await?;
        if imported.frameworks.is_empty() && imported.mappings.is_empty() {
            return Err(StoreError::invalid("file", "the file holds no frameworks and no mappings").into());
        }
        let mut seen = HashSet::new();
        for fw in &imported.frameworks {
            fw.validate().map_err(|e| StoreError::invalid("framework", e.to_string()))?;
            if !seen.insert((fw.id.clone(), fw.version.clone())) {
                return Err(StoreError::invalid("framework", format!("{}@{} appears twice", fw.id, fw.version)).into());
            }
        }
        // Mapping libraries name requirements by their source identifiers (URNs); rewrite them to
        // ref_ids using the frameworks of this file and those already visible to the owner.
        let visible = match owner {
            CatalogOwner::Tenant(tn) => self.catalog_view(Some(tn)).await?,
            _ => self.catalog_view(None).await?,
        };
        let mut known: Vec<Framework> = imported.frameworks.clone();
        known.extend(visible.latest().into_iter().map(|f| (*f.framework).clone()));
        imported.resolve_links(&known).map_err(|e| CatalogImportError::Parse(e.in_file(source)))?;
        let txn = self.conn().begin().await?;
        let result = self.import_in(&txn, &t, &imported).await;
        let report = match result {
            Ok(r) => r,
            Err(e) => {
                txn.rollback().await?;
                return Err(e.into());
            }
        };
        let changed = report.frameworks.iter().any(|f| f.3 != ImportStatus::Unchanged)
            || report.crosswalks.iter().any(|c| c.2 != ImportStatus::Unchanged);
        if changed {
            bump_generation(&txn).await?;
            let object_id = imported
                .frameworks
                .first()
                .map(|f| f.id.clone())
                .unwrap_or_else(|| imported.mappings.first().map(|m| m.id.clone()).unwrap_or_default());
            audit::append(
                &txn,
                Event {
                    tenant_id: t.org.as_deref(),
                    actor: &t.actor,
                    action: "catalog.import",
                    object_type: "framework",
                    object_id: &object_id,
                    detail: serde_json::json!({
                        "source": source,
                        "scope": if t.org.is_some() { "tenant" } else { "global" },
                        "frameworks": report.frameworks.iter()
                            .map(|f| serde_json::json!({"id": f.0, "version": f.1, "status": f.3}))
                            .collect::<Vec<_>>(),
                        "crosswalks": report.crosswalks.iter()
                            .map(|c| serde_json::json!({"id": c.0, "links": c.1, "status": c.2}))
                            .collect::<Vec<_>>(),
                    }),
                },
            )
            .await?;
        }
        txn.commit().await?;
        Ok(report)
    }

    async fn import_in(
        &self,
        txn: &DatabaseTransaction,
        t: &Target,
        imported: &Imported,
    ) -> Result<ImportReport, StoreError> {
        let mut report = ImportReport { format: imported.format, frameworks: Vec::new(), crosswalks: Vec::new() };
        for fw in &imported.frameworks {
            if t.org.is_some() && global_framework_exists(txn, &fw.id).await? {
                return Err(StoreError::Conflict(format!(
                    "framework id {} belongs to the global catalog; import under another id",
                    fw.id
                )));
            }
            let content = to_json(fw)?;
            let hash = hash_of(content.as_bytes());
            let status = match framework_hash(txn, &fw.id, &fw.version, &t.key).await? {
                Some(h) if h == hash => ImportStatus::Unchanged,
                Some(_) => {
                    return Err(StoreError::Conflict(format!(
                        "version {:?} of {} is already stored with different content; give the new content a new version",
                        fw.version, fw.id
                    )));
                }
                None => {
                    insert_framework(txn, fw, content, hash, t, false).await?;
                    ImportStatus::Added
                }
            };
            report.frameworks.push((fw.id.clone(), fw.version.clone(), fw.assessable_count(), status));
        }
        for xw in &imported.mappings {
            if t.org.is_some() && crosswalk_hash(txn, &xw.id, "").await?.is_some() {
                return Err(StoreError::Conflict(format!("crosswalk id {} belongs to the global catalog", xw.id)));
            }
            let hash = hash_of(to_json(xw)?.as_bytes());
            let status = match crosswalk_hash(txn, &xw.id, &t.key).await? {
                Some(h) if h == hash => ImportStatus::Unchanged,
                Some(_) => {
                    write_crosswalk(txn, xw, t, false, true).await?;
                    ImportStatus::Replaced
                }
                None => {
                    write_crosswalk(txn, xw, t, false, false).await?;
                    ImportStatus::Added
                }
            };
            report.crosswalks.push((xw.id.clone(), xw.links.len(), status));
        }
        Ok(report)
    }

    /// Parses a file and stores it. An OSCAL profile is resolved against `catalog_ref`
    /// (`id` or `id@version`) from the catalog the owner can see.
    pub async fn import_catalog_file(
        &self,
        owner: CatalogOwner<'_>,
        bytes: &[u8],
        filename: &str,
        format: Format,
        framework_id: Option<&str>,
        catalog_ref: Option<&str>,
    ) -> Result<ImportReport, CatalogImportError> {
        let view = match owner {
            CatalogOwner::Tenant(tn) => self.catalog_view(Some(tn)).await?,
            _ => self.catalog_view(None).await?,
        };
        let catalog = match catalog_ref {
            Some(r) => Some(view.get_ref(r).ok_or(StoreError::NotFound)?.framework.clone()),
            None => None,
        };
        let opts = ImportOptions { framework_id, catalog: catalog.as_deref() };
        let imported =
            mamori_catalog::import_with(bytes, filename, format, &opts).map_err(CatalogImportError::Parse)?;
        self.import_catalog(owner, imported, filename).await
    }

    async fn catalog_generation(&self) -> Result<i64, StoreError> {
        let q = Query::select()
            .column(CatalogMeta::Generation)
            .from(CatalogMeta::Table)
            .and_where(Expr::col(CatalogMeta::Id).eq(1))
            .to_owned();
        let row =
            self.conn().query_one(&q).await?.ok_or_else(|| StoreError::Internal("catalog meta missing".into()))?;
        Ok(row.try_get("", "generation")?)
    }

    /// The catalog as the tenant sees it (global plus its own), or the global catalog alone.
    /// Served from a cache that is rebuilt when any process changed the catalog.
    pub async fn catalog_view(&self, tenant: Option<&Tenant>) -> Result<Arc<CatalogView>, StoreError> {
        let generation = self.catalog_generation().await?;
        let key = tenant.map(|t| t.org_id().to_owned()).unwrap_or_default();
        {
            let c = self.catalog_cache().lock();
            if c.generation == Some(generation)
                && let Some(v) = c.views.get(&key)
            {
                return Ok(v.clone());
            }
        }
        let view = Arc::new(self.build_view(&key, generation).await?);
        let mut c = self.catalog_cache().lock();
        if c.generation == Some(generation) {
            c.views.insert(key, view.clone());
        }
        Ok(view)
    }

    async fn build_view(&self, key: &str, generation: i64) -> Result<CatalogView, StoreError> {
        let owners: Vec<String> =
            if key.is_empty() { vec![String::new()] } else { vec![String::new(), key.to_owned()] };
        let q = Query::select()
            .columns([
                Fw::RowId,
                Fw::FrameworkId,
                Fw::Version,
                Fw::OwnerOrgId,
                Fw::Builtin,
                Fw::ContentHash,
                Fw::NodeCount,
                Fw::AssessableCount,
                Fw::ImportedAt,
            ])
            .from(Fw::Table)
            .and_where(Expr::col(Fw::OwnerKey).is_in(owners.clone()))
            .order_by(Fw::FrameworkId, sea_orm::sea_query::Order::Asc)
            .order_by(Fw::ImportedAt, sea_orm::sea_query::Order::Asc)
            .order_by(Fw::RowId, sea_orm::sea_query::Order::Asc)
            .to_owned();
        let rows = self.conn().query_all(&q).await?;
        let mut infos = Vec::with_capacity(rows.len());
        for r in &rows {
            let info = FrameworkInfo {
                row_id: r.try_get("", "row_id")?,
                framework_id: r.try_get("", "framework_id")?,
                version: r.try_get("", "version")?,
                owner_org_id: r.try_get("", "owner_org_id")?,
                builtin: r.try_get("", "builtin")?,
                node_count: r.try_get::<i32>("", "node_count")? as i64,
                assessable_count: r.try_get::<i32>("", "assessable_count")? as i64,
                imported_at: r.try_get("", "imported_at")?,
            };
            let hash: String = r.try_get("", "content_hash")?;
            infos.push((info, hash));
        }
        let xq = Query::select()
            .columns([Xw::RowId, Xw::OwnerOrgId, Xw::Builtin, Xw::ContentHash, Xw::LinkCount])
            .from(Xw::Table)
            .and_where(Expr::col(Xw::OwnerKey).is_in(owners))
            .order_by(Xw::CrosswalkId, sea_orm::sea_query::Order::Asc)
            .to_owned();
        let mut xinfos = Vec::new();
        for r in self.conn().query_all(&xq).await? {
            let row_id: String = r.try_get("", "row_id")?;
            let owner: Option<String> = r.try_get("", "owner_org_id")?;
            let builtin: bool = r.try_get("", "builtin")?;
            let hash: String = r.try_get("", "content_hash")?;
            let links = r.try_get::<i32>("", "link_count")? as i64;
            xinfos.push((row_id, owner, builtin, hash, links));
        }
        let live_fw: HashSet<(String, String)> = infos.iter().map(|(i, h)| (i.row_id.clone(), h.clone())).collect();
        let live_xw: HashSet<(String, String)> = xinfos.iter().map(|x| (x.0.clone(), x.3.clone())).collect();
        self.catalog_cache().retain(generation, &live_fw, &live_xw);
        let (missing_fw, missing_xw): (Vec<String>, Vec<String>) = {
            let c = self.catalog_cache().lock();
            (
                infos
                    .iter()
                    .filter(|(i, h)| !c.frameworks.contains_key(&(i.row_id.clone(), h.clone())))
                    .map(|(i, _)| i.row_id.clone())
                    .collect(),
                xinfos
                    .iter()
                    .filter(|x| !c.crosswalks.contains_key(&(x.0.clone(), x.3.clone())))
                    .map(|x| x.0.clone())
                    .collect(),
            )
        };
        let mut parsed_fw = Vec::new();
        if !missing_fw.is_empty() {
            let q = Query::select()
                .columns([Fw::RowId, Fw::Content, Fw::ContentHash])
                .from(Fw::Table)
                .and_where(Expr::col(Fw::RowId).is_in(missing_fw))
                .to_owned();
            for r in self.conn().query_all(&q).await? {
                let content: String = r.try_get("", "content")?;
                let fw: Framework = serde_json::from_str(&content)
                    .map_err(|e| StoreError::Internal(format!("stored framework does not parse: {e}")))?;
                parsed_fw.push(((r.try_get("", "row_id")?, r.try_get("", "content_hash")?), Arc::new(fw)));
            }
        }
        let mut parsed_xw = Vec::new();
        if !missing_xw.is_empty() {
            let q = Query::select()
                .columns([Xw::RowId, Xw::Content, Xw::ContentHash])
                .from(Xw::Table)
                .and_where(Expr::col(Xw::RowId).is_in(missing_xw))
                .to_owned();
            for r in self.conn().query_all(&q).await? {
                let content: String = r.try_get("", "content")?;
                let xw: Crosswalk = serde_json::from_str(&content)
                    .map_err(|e| StoreError::Internal(format!("stored crosswalk does not parse: {e}")))?;
                parsed_xw.push(((r.try_get("", "row_id")?, r.try_get("", "content_hash")?), Arc::new(xw)));
            }
        }
        let mut c = self.catalog_cache().lock();
        c.frameworks.extend(parsed_fw.iter().cloned());
        c.crosswalks.extend(parsed_xw.iter().cloned());
        let lookup_fw = |k: &(String, String)| {
            c.frameworks.get(k).cloned().or_else(|| parsed_fw.iter().find(|(pk, _)| pk == k).map(|(_, f)| f.clone()))
        };
        let mut frameworks = Vec::with_capacity(infos.len());
        for (info, hash) in infos {
            let fw = lookup_fw(&(info.row_id.clone(), hash))
                .ok_or_else(|| StoreError::Internal("framework row vanished while loading".into()))?;
            frameworks.push(StoredFramework { info, framework: fw });
        }
        let mut crosswalks = Vec::with_capacity(xinfos.len());
        let mut links = Vec::new();
        for (row_id, owner, builtin, hash, link_count) in xinfos {
            let k = (row_id, hash);
            let xw = c
                .crosswalks
                .get(&k)
                .cloned()
                .or_else(|| parsed_xw.iter().find(|(pk, _)| *pk == k).map(|(_, x)| x.clone()))
                .ok_or_else(|| StoreError::Internal("crosswalk row vanished while loading".into()))?;
            links.extend(xw.links.iter().cloned());
            crosswalks.push(CrosswalkInfo {
                id: xw.id.clone(),
                name: xw.name.clone(),
                source_framework: xw.source_framework.clone(),
                target_framework: xw.target_framework.clone(),
                authorship: xw.authorship,
                owner_org_id: owner,
                builtin,
                link_count,
                provenance: xw.provenance.clone(),
                notes: xw.notes.clone(),
            });
        }
        drop(c);
        let owner = (!key.is_empty()).then(|| key.to_owned());
        Ok(CatalogView { frameworks, crosswalks, index: CrosswalkIndex::new(&links), owner })
    }
}
