//! Evidence: files (bytes in the database, SHA-256, size and type limits) and links, with expiry,
//! reusable across requirements and assessments through a link table.

use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::migration::{Evidence, EvidenceBlobs, EvidenceLinks};
use super::{audit_assess, iso_date, load_assessment, parse_date};
use crate::{Role, Store, StoreError, Tenant, new_id, now_ms};

/// Largest evidence file accepted: 20 MiB.
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;

/// Accepted file types (MIME type, file extensions). Anything else is refused, because
/// evidence is served back to other users and must not be active content (no HTML, SVG or scripts).
pub const ALLOWED_EVIDENCE_TYPES: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("text/plain", &["txt", "log"]),
    ("text/csv", &["csv"]),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &["xlsx"]),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", &["docx"]),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", &["pptx"]),
    ("application/zip", &["zip"]),
    ("application/json", &["json"]),
];

/// Evidence metadata (never the bytes).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EvidenceInfo {
    pub id: String,
    pub name: String,
    /// `file` or `link`.
    pub kind: String,
    pub mime: Option<String>,
    pub size: i64,
    pub sha256: Option<String>,
    pub url: Option<String>,
    pub expires_on: Option<String>,
    pub created_by: String,
    pub created_at: i64,
}

/// Where a piece of evidence is attached.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EvidenceLinkInfo {
    pub evidence: EvidenceInfo,
    pub assessment_id: String,
    pub requirement_id: String,
}

/// An uploaded file.
#[derive(Clone, Debug)]
pub struct NewFileEvidence {
    pub name: String,
    /// The MIME type the client declared; checked against the name's extension.
    pub mime: Option<String>,
    pub bytes: Vec<u8>,
    pub expires_on: Option<String>,
}

/// A link to evidence kept elsewhere.
#[derive(Clone, Debug)]
pub struct NewLinkEvidence {
    pub name: String,
    pub url: String,
    pub expires_on: Option<String>,
}

const COLS: [Evidence; 10] = [
    Evidence::Id,
    Evidence::Name,
    Evidence::Kind,
    Evidence::Mime,
    Evidence::Size,
    Evidence::Sha256,
    Evidence::Url,
    Evidence::ExpiresOn,
    Evidence::CreatedBy,
    Evidence::CreatedAt,
];

fn from_row(r: &QueryResult) -> Result<EvidenceInfo, StoreError> {
    Ok(EvidenceInfo {
        id: r.try_get("", "id")?,
        name: r.try_get("", "name")?,
        kind: r.try_get("", "kind")?,
        mime: r.try_get("", "mime")?,
        size: r.try_get("", "size")?,
        sha256: r.try_get("", "sha256")?,
        url: r.try_get("", "url")?,
        expires_on: r.try_get("", "expires_on")?,
        created_by: r.try_get("", "created_by")?,
        created_at: r.try_get("", "created_at")?,
    })
}

/// The MIME type for a file name, if its extension is on the allow-list.
pub fn mime_for(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    ALLOWED_EVIDENCE_TYPES.iter().find(|(_, exts)| exts.contains(&ext.as_str())).map(|(m, _)| *m)
}

fn check_name(name: &str) -> Result<String, StoreError> {
    let n = name.trim().rsplit(['/', '\\']).next().unwrap_or("").trim();
    if n.is_empty() || n.chars().count() > 200 || n.chars().any(char::is_control) {
        return Err(StoreError::invalid("name", "give a file name of 1–200 characters"));
    }
    Ok(n.to_owned())
}

fn check_expiry(e: Option<&str>) -> Result<Option<String>, StoreError> {
    match e.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(iso_date(parse_date("expires_on", s)?))),
        None => Ok(None),
    }
}

async fn by_id<C: ConnectionTrait>(conn: &C, tenant: &Tenant, id: &str) -> Result<EvidenceInfo, StoreError> {
    by_id_of(conn, tenant.org_id(), id).await
}

async fn by_id_of<C: ConnectionTrait>(conn: &C, org_id: &str, id: &str) -> Result<EvidenceInfo, StoreError> {
    let q = Query::select()
        .columns(COLS)
        .from(Evidence::Table)
        .and_where(Expr::col(Evidence::Id).eq(id))
        .and_where(Expr::col(Evidence::OrgId).eq(org_id))
        .to_owned();
    from_row(&conn.query_one(&q).await?.ok_or(StoreError::NotFound)?)
}

async fn insert<C: ConnectionTrait>(conn: &C, tenant: &Tenant, e: &EvidenceInfo) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(Evidence::Table)
        .columns([
            Evidence::Id,
            Evidence::OrgId,
            Evidence::Name,
            Evidence::Kind,
            Evidence::Mime,
            Evidence::Size,
            Evidence::Sha256,
            Evidence::Url,
            Evidence::ExpiresOn,
            Evidence::CreatedBy,
            Evidence::CreatedAt,
        ])
        .values_panic([
            e.id.clone().into(),
            tenant.org_id().into(),
            e.name.clone().into(),
            e.kind.clone().into(),
            e.mime.clone().into(),
            e.size.into(),
            e.sha256.clone().into(),
            e.url.clone().into(),
            e.expires_on.clone().into(),
            e.created_by.clone().into(),
            e.created_at.into(),
        ])
        .to_owned();
    conn.execute(&q).await?;
    Ok(())
}

/// Stores new evidence, audits it and, when asked, attaches it to a requirement, inside the
/// caller's transaction (a file's sealed bytes are added by the caller).
async fn record<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    info: &EvidenceInfo,
    action: &str,
    detail: serde_json::Value,
    attach: Option<(&str, &str)>,
) -> Result<(), StoreError> {
    insert(txn, tenant, info).await?;
    audit_assess(txn, tenant, action, "evidence", &info.id, detail).await?;
    if let Some((a, r)) = attach {
        link(txn, tenant, &info.id, a, r).await?;
    }
    Ok(())
}

impl Store {
    /// Stores a file as evidence, optionally attaching it to a requirement of an assessment.
    pub async fn add_file_evidence(
        &self,
        tenant: &Tenant,
        file: NewFileEvidence,
        attach: Option<(&str, &str)>,
    ) -> Result<EvidenceInfo, StoreError> {
        tenant.require(Role::Assessor)?;
        let name = check_name(&file.name)?;
        if file.bytes.is_empty() {
            return Err(StoreError::invalid("file", "the file is empty"));
        }
        if file.bytes.len() > MAX_EVIDENCE_BYTES {
            return Err(StoreError::invalid("file", "the file is larger than 20 MiB"));
        }
        let mime = mime_for(&name).ok_or_else(|| {
            StoreError::invalid("file", "this file type is not accepted (PDF, PNG, JPEG, text, CSV, Office, ZIP, JSON)")
        })?;
        if let Some(declared) = file.mime.as_deref().map(|m| m.split(';').next().unwrap_or("").trim())
            && !declared.is_empty()
            && declared != "application/octet-stream"
            && declared != mime
        {
            return Err(StoreError::invalid("file", "the declared type does not match the file name"));
        }
        let info = EvidenceInfo {
            id: new_id(),
            name,
            kind: "file".into(),
            mime: Some(mime.to_owned()),
            size: file.bytes.len() as i64,
            sha256: Some(hex::encode(Sha256::digest(&file.bytes))),
            url: None,
            expires_on: check_expiry(file.expires_on.as_deref())?,
            created_by: tenant.actor().audit_label(),
            created_at: now_ms(),
        };
        let sealed = self.seal_evidence(&info.id, file.bytes)?;
        let detail = serde_json::json!({
            "name": info.name, "size": info.size, "sha256": info.sha256, "mime": info.mime,
        });
        let txn = self.conn().begin().await?;
        record(&txn, tenant, &info, "evidence.upload", detail, attach).await?;
        let q = Query::insert()
            .into_table(EvidenceBlobs::Table)
            .columns([EvidenceBlobs::EvidenceId, EvidenceBlobs::Content])
            .values_panic([info.id.clone().into(), sealed.into()])
            .to_owned();
        txn.execute(&q).await?;
        txn.commit().await?;
        Ok(info)
    }

    /// Records a link as evidence (http or https only).
    pub async fn add_link_evidence(
        &self,
        tenant: &Tenant,
        new: NewLinkEvidence,
        attach: Option<(&str, &str)>,
    ) -> Result<EvidenceInfo, StoreError> {
        tenant.require(Role::Assessor)?;
        let url = new.url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.len() > 2_000
            || url.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(StoreError::invalid("url", "give an http:// or https:// address"));
        }
        let info = EvidenceInfo {
            id: new_id(),
            name: check_name(if new.name.trim().is_empty() { url } else { &new.name })?,
            kind: "link".into(),
            mime: None,
            size: 0,
            sha256: None,
            url: Some(url.to_owned()),
            expires_on: check_expiry(new.expires_on.as_deref())?,
            created_by: tenant.actor().audit_label(),
            created_at: now_ms(),
        };
        let txn = self.conn().begin().await?;
        record(&txn, tenant, &info, "evidence.link_add", serde_json::json!({"url": url}), attach).await?;
        txn.commit().await?;
        Ok(info)
    }

    /// Attaches existing evidence of the tenant to a requirement of one of its assessments.
    pub async fn attach_evidence(
        &self,
        tenant: &Tenant,
        evidence: &str,
        assessment: &str,
        requirement: &str,
    ) -> Result<(), StoreError> {
        tenant.require(Role::Assessor)?;
        let txn = self.conn().begin().await?;
        link(&txn, tenant, evidence, assessment, requirement).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The tenant's evidence library, newest first.
    pub async fn evidence_list(&self, tenant: &Tenant) -> Result<Vec<EvidenceInfo>, StoreError> {
        let q = Query::select()
            .columns(COLS)
            .from(Evidence::Table)
            .and_where(Expr::col(Evidence::OrgId).eq(tenant.org_id()))
            .order_by(Evidence::CreatedAt, Order::Desc)
            .limit(500)
            .to_owned();
        self.conn().query_all(&q).await?.iter().map(from_row).collect()
    }

    /// Evidence attached to an assessment, in one query.
    pub async fn assessment_evidence(&self, tenant: &Tenant, id: &str) -> Result<Vec<EvidenceLinkInfo>, StoreError> {
        load_assessment(self.conn(), tenant, id).await?;
        self.evidence_of(tenant.org_id(), id).await
    }

    /// The evidence attached to an assessment of `org_id` (the caller has checked the right to read it).
    pub(crate) async fn evidence_of(&self, org_id: &str, id: &str) -> Result<Vec<EvidenceLinkInfo>, StoreError> {
        let q = Query::select()
            .columns(COLS.map(|c| (Evidence::Table, c)))
            .columns([
                (EvidenceLinks::Table, EvidenceLinks::AssessmentId),
                (EvidenceLinks::Table, EvidenceLinks::RequirementId),
            ])
            .from(EvidenceLinks::Table)
            .inner_join(
                Evidence::Table,
                Expr::col((Evidence::Table, Evidence::Id)).equals((EvidenceLinks::Table, EvidenceLinks::EvidenceId)),
            )
            .and_where(Expr::col((EvidenceLinks::Table, EvidenceLinks::AssessmentId)).eq(id))
            .and_where(Expr::col((Evidence::Table, Evidence::OrgId)).eq(org_id))
            .order_by((EvidenceLinks::Table, EvidenceLinks::CreatedAt), Order::Asc)
            .to_owned();
        self.conn()
            .query_all(&q)
            .await?
            .iter()
            .map(|r| {
                Ok(EvidenceLinkInfo {
                    evidence: from_row(r)?,
                    assessment_id: r.try_get("", "assessment_id")?,
                    requirement_id: r.try_get("", "requirement_id")?,
                })
            })
            .collect()
    }

    /// One piece of evidence with its bytes (empty for links).
    pub async fn evidence_content(&self, tenant: &Tenant, id: &str) -> Result<(EvidenceInfo, Vec<u8>), StoreError> {
        self.evidence_content_of(tenant.org_id(), id).await
    }

    /// Evidence of `org_id` with its bytes (the caller has checked the right to read it).
    pub(crate) async fn evidence_content_of(
        &self,
        org_id: &str,
        id: &str,
    ) -> Result<(EvidenceInfo, Vec<u8>), StoreError> {
        let info = by_id_of(self.conn(), org_id, id).await?;
        if info.kind != "file" {
            return Ok((info, Vec::new()));
        }
        let q = Query::select()
            .column(EvidenceBlobs::Content)
            .from(EvidenceBlobs::Table)
            .and_where(Expr::col(EvidenceBlobs::EvidenceId).eq(id))
            .to_owned();
        let row = self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?;
        let stored: Vec<u8> = row.try_get("", "content")?;
        Ok((info, self.open_evidence(id, stored)?))
    }

    /// Evidence that expires on or before `until` (`YYYY-MM-DD`), soonest first: the reminder list.
    pub async fn expiring_evidence(&self, tenant: &Tenant, until: time::Date) -> Result<Vec<EvidenceInfo>, StoreError> {
        let q = Query::select()
            .columns(COLS)
            .from(Evidence::Table)
            .and_where(Expr::col(Evidence::OrgId).eq(tenant.org_id()))
            .and_where(Expr::col(Evidence::ExpiresOn).is_not_null())
            .and_where(Expr::col(Evidence::ExpiresOn).lte(iso_date(until)))
            .order_by(Evidence::ExpiresOn, Order::Asc)
            .to_owned();
        self.conn().query_all(&q).await?.iter().map(from_row).collect()
    }
}

async fn link<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    evidence: &str,
    assessment: &str,
    requirement: &str,
) -> Result<(), StoreError> {
    by_id(conn, tenant, evidence).await?;
    let info = load_assessment(conn, tenant, assessment).await?;
    mamori_assess::ensure_editable(info.state).map_err(|e| StoreError::Conflict(e.to_string()))?;
    let plan = super::plan(&info.framework_id, &info.framework_version).ok_or(StoreError::NotFound)?;
    plan.item(requirement).ok_or_else(|| StoreError::invalid("requirement", "not in this framework"))?;
    let q = Query::insert()
        .into_table(EvidenceLinks::Table)
        .columns([
            EvidenceLinks::EvidenceId,
            EvidenceLinks::AssessmentId,
            EvidenceLinks::RequirementId,
            EvidenceLinks::CreatedAt,
        ])
        .values_panic([evidence.into(), assessment.into(), requirement.into(), now_ms().into()])
        .to_owned();
    conn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "this attachment"))?;
    audit_assess(
        conn,
        tenant,
        "evidence.attach",
        "assessment",
        assessment,
        serde_json::json!({
            "evidence": evidence, "requirement": requirement,
        }),
    )
    .await
}

/// Marks evidence bytes encrypted with the server secret (files stored before there was one stay as they are).
const SEALED: &[u8] = b"mamori-sealed-v1:";

impl Store {
    /// Evidence bytes as stored: encrypted with the server secret, bound to the evidence id, when
    /// the server has one (a running server always does).
    fn seal_evidence(&self, id: &str, bytes: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        let Ok(secret) = self.secret() else { return Ok(bytes) };
        let mut out = SEALED.to_vec();
        out.extend(secret.seal_bytes(&bytes, &format!("evidence:{id}"))?);
        Ok(out)
    }

    /// The plain bytes of stored evidence.
    fn open_evidence(&self, id: &str, stored: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        let Some(sealed) = stored.strip_prefix(SEALED) else { return Ok(stored) };
        self.secret()?.open_bytes(sealed, &format!("evidence:{id}")).ok_or_else(|| {
            StoreError::Config("evidence cannot be decrypted: wrong MAMORI_SECRET_KEY or secret.key".into())
        })
    }
}
