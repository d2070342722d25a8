//! Answers (one per requirement), comments, all-or-nothing imports and inference across crosswalks.

use std::collections::BTreeMap;

use mamori_assess::{
    AnswerInput, AnswerView, ImplementationStatus, Link, Proposal, Provenance, Relation, SelfCheckChoice, ValidAnswer,
    confirm_as, ensure_editable, infer,
};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait};
use serde::{Deserialize, Serialize};

use super::frameworks::{AnswerKind, Plan, crosswalks, plan};
use super::migration::{AssessmentAnswers, AssessmentComments};
use super::{AssessmentInfo, audit_assess, iso_date, load_assessment, touch};
use crate::{Role, Store, StoreError, Tenant, new_id, now_ms};

/// Where a confirmed inferred answer came from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct InferredFrom {
    pub source_assessment: String,
    pub source_framework: String,
    pub provenance: Provenance,
}

/// A stored answer.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AnswerRecord {
    pub requirement_id: String,
    pub view: AnswerView,
    pub notes: Option<String>,
    pub owner: Option<String>,
    pub due_date: Option<String>,
    pub inferred: Option<InferredFrom>,
    pub updated_by: String,
    pub updated_at: i64,
}

/// A comment on one requirement of an assessment.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Comment {
    pub id: String,
    pub requirement_id: String,
    pub author: String,
    pub body: String,
    pub created_at: i64,
}

/// One row of an import, already located by the caller for error messages.
#[derive(Clone, Debug)]
pub struct ImportRow {
    pub requirement_id: String,
    pub input: AnswerInput,
}

fn self_check_code(c: SelfCheckChoice) -> &'static str {
    match c {
        SelfCheckChoice::Implemented => "implemented",
        SelfCheckChoice::Partial => "partial",
        SelfCheckChoice::NotImplemented => "not_implemented",
        SelfCheckChoice::Unknown => "unknown",
    }
}

fn self_check_from(code: &str) -> Option<SelfCheckChoice> {
    Some(match code {
        "implemented" => SelfCheckChoice::Implemented,
        "partial" => SelfCheckChoice::Partial,
        "not_implemented" => SelfCheckChoice::NotImplemented,
        "unknown" => SelfCheckChoice::Unknown,
        _ => return None,
    })
}

fn answer_from_row(r: &QueryResult) -> Result<AnswerRecord, StoreError> {
    let status: String = r.try_get("", "status")?;
    let na: Option<String> = r.try_get("", "na_reason")?;
    let status = ImplementationStatus::from_code(&status, na.as_deref())
        .map_err(|e| StoreError::Internal(format!("stored answer is invalid: {e}")))?;
    let maturity: Option<i32> = r.try_get("", "maturity")?;
    let self_check: Option<String> = r.try_get("", "self_check")?;
    let inferred: Option<String> = r.try_get("", "provenance")?;
    let inferred: Option<InferredFrom> = inferred.and_then(|s| serde_json::from_str(&s).ok());
    let view = AnswerView {
        status,
        maturity: maturity.and_then(|m| u8::try_from(m).ok()),
        points: self_check.as_deref().and_then(self_check_from),
        provenance: inferred.as_ref().map(|i| i.provenance.clone()),
    };
    Ok(AnswerRecord {
        requirement_id: r.try_get("", "requirement_id")?,
        view,
        notes: r.try_get("", "notes")?,
        owner: r.try_get("", "owner")?,
        due_date: r.try_get("", "due_date")?,
        inferred,
        updated_by: r.try_get("", "updated_by")?,
        updated_at: r.try_get("", "updated_at")?,
    })
}

/// Validates one input against the requirement's answer kind and the framework's scale.
pub(crate) fn validate_for(plan: &Plan, requirement: &str, input: &AnswerInput) -> Result<ValidAnswer, StoreError> {
    let item = plan.item(requirement).ok_or_else(|| StoreError::invalid("requirement", "not in this framework"))?;
    let valid = input.validate(&plan.scale).map_err(|e| StoreError::invalid("answer", e.to_string()))?;
    if valid.view.maturity.is_some() && item.kind != AnswerKind::Maturity {
        return Err(StoreError::invalid("maturity", "this requirement has no maturity scale"));
    }
    if valid.view.points.is_some() && item.kind != AnswerKind::Points {
        return Err(StoreError::invalid("self_check", "this requirement is not a self-check item"));
    }
    Ok(valid)
}

/// The columns of an answer row, in the order reads and writes use.
const ANSWER_COLS: [AssessmentAnswers; 12] = [
    AssessmentAnswers::AssessmentId,
    AssessmentAnswers::RequirementId,
    AssessmentAnswers::Status,
    AssessmentAnswers::NaReason,
    AssessmentAnswers::Maturity,
    AssessmentAnswers::SelfCheck,
    AssessmentAnswers::Notes,
    AssessmentAnswers::Owner,
    AssessmentAnswers::DueDate,
    AssessmentAnswers::Provenance,
    AssessmentAnswers::UpdatedBy,
    AssessmentAnswers::UpdatedAt,
];

pub(crate) async fn load_answers<C: ConnectionTrait>(
    conn: &C,
    ids: &[String],
) -> Result<Vec<(String, AnswerRecord)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let q = Query::select()
        .columns(ANSWER_COLS)
        .from(AssessmentAnswers::Table)
        .and_where(Expr::col(AssessmentAnswers::AssessmentId).is_in(ids.to_vec()))
        .to_owned();
    conn.query_all(&q)
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<String>("", "assessment_id")?, answer_from_row(r)?)))
        .collect()
}

async fn upsert<C: ConnectionTrait>(
    conn: &C,
    assessment: &str,
    requirement: &str,
    valid: &ValidAnswer,
    inferred: Option<&InferredFrom>,
    by: &str,
) -> Result<(), StoreError> {
    let na = match &valid.view.status {
        ImplementationStatus::NotApplicable { reason } => Some(reason.as_str().to_owned()),
        _ => None,
    };
    let provenance =
        inferred.map(serde_json::to_string).transpose().map_err(|e| StoreError::Internal(e.to_string()))?;
    let q = Query::insert()
        .into_table(AssessmentAnswers::Table)
        .columns(ANSWER_COLS)
        .values_panic([
            assessment.into(),
            requirement.into(),
            valid.view.status.code().into(),
            na.into(),
            valid.view.maturity.map(i32::from).into(),
            valid.view.points.map(self_check_code).into(),
            valid.notes.clone().into(),
            valid.owner.clone().into(),
            valid.due_date.map(iso_date).into(),
            provenance.into(),
            by.into(),
            now_ms().into(),
        ])
        .on_conflict(
            OnConflict::columns([AssessmentAnswers::AssessmentId, AssessmentAnswers::RequirementId])
                .update_columns([
                    AssessmentAnswers::Status,
                    AssessmentAnswers::NaReason,
                    AssessmentAnswers::Maturity,
                    AssessmentAnswers::SelfCheck,
                    AssessmentAnswers::Notes,
                    AssessmentAnswers::Owner,
                    AssessmentAnswers::DueDate,
                    AssessmentAnswers::Provenance,
                    AssessmentAnswers::UpdatedBy,
                    AssessmentAnswers::UpdatedAt,
                ])
                .to_owned(),
        )
        .to_owned();
    conn.execute(&q).await?;
    Ok(())
}

fn editable(tenant: &Tenant, info: &AssessmentInfo) -> Result<(), StoreError> {
    tenant.require(Role::Assessor)?;
    ensure_editable(info.state).map_err(|e| StoreError::Conflict(e.to_string()))
}

fn plan_of(info: &AssessmentInfo) -> Result<std::sync::Arc<Plan>, StoreError> {
    plan(&info.framework_id, &info.framework_version)
        .ok_or_else(|| StoreError::Internal("assessment refers to an unknown framework version".into()))
}

/// Maps a catalog crosswalk relation (read from the source side) to the assess crate's.
fn relation(r: mamori_catalog::Relation) -> Option<Relation> {
    Some(match r {
        mamori_catalog::Relation::Equal => Relation::Equal,
        mamori_catalog::Relation::Subset => Relation::Subset,
        mamori_catalog::Relation::Superset => Relation::Superset,
        mamori_catalog::Relation::Intersects => Relation::Intersects,
        mamori_catalog::Relation::Related => Relation::Related,
        mamori_catalog::Relation::NotRelated => return None,
    })
}

impl Store {
    /// All answers of an assessment, keyed by requirement id.
    pub async fn answers(&self, tenant: &Tenant, id: &str) -> Result<BTreeMap<String, AnswerRecord>, StoreError> {
        load_assessment(self.conn(), tenant, id).await?;
        Ok(load_answers(self.conn(), &[id.to_owned()])
            .await?
            .into_iter()
            .map(|(_, a)| (a.requirement_id.clone(), a))
            .collect())
    }

    /// Saves (creates or replaces) the answer to one requirement.
    pub async fn save_answer(
        &self,
        tenant: &Tenant,
        id: &str,
        requirement: &str,
        input: &AnswerInput,
    ) -> Result<AnswerRecord, StoreError> {
        let txn = self.conn().begin().await?;
        let info = load_assessment(&txn, tenant, id).await?;
        editable(tenant, &info)?;
        let plan = plan_of(&info)?;
        let valid = validate_for(&plan, requirement, input)?;
        upsert(&txn, id, requirement, &valid, None, &tenant.actor().audit_label()).await?;
        touch(&txn, id).await?;
        audit_assess(
            &txn,
            tenant,
            "assessment.answer",
            "assessment",
            id,
            serde_json::json!({
                "requirement": requirement, "status": valid.view.status.code(), "maturity": valid.view.maturity,
                "self_check": valid.view.points.map(self_check_code),
            }),
        )
        .await?;
        let rec = load_answers(&txn, &[id.to_owned()])
            .await?
            .into_iter()
            .map(|(_, a)| a)
            .find(|a| a.requirement_id == requirement)
            .ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok(rec)
    }

    /// Removes the answer to one requirement, so it counts as not answered again (for example a
    /// status chosen by mistake). Comments and evidence links stay. Returns whether there was an answer.
    pub async fn clear_answer(&self, tenant: &Tenant, id: &str, requirement: &str) -> Result<bool, StoreError> {
        let txn = self.conn().begin().await?;
        let info = load_assessment(&txn, tenant, id).await?;
        editable(tenant, &info)?;
        let plan = plan_of(&info)?;
        if plan.item(requirement).is_none() {
            return Err(StoreError::invalid("requirement", "not a requirement of this framework"));
        }
        let q = Query::delete()
            .from_table(AssessmentAnswers::Table)
            .and_where(Expr::col(AssessmentAnswers::AssessmentId).eq(id))
            .and_where(Expr::col(AssessmentAnswers::RequirementId).eq(requirement))
            .to_owned();
        let removed = txn.execute(&q).await?.rows_affected() > 0;
        if removed {
            touch(&txn, id).await?;
            audit_assess(
                &txn,
                tenant,
                "assessment.answer_clear",
                "assessment",
                id,
                serde_json::json!({ "requirement": requirement }),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(removed)
    }

    /// Applies many answers at once: every row is validated first, and nothing is written
    /// unless all are valid. The error names the first offending row by its index.
    pub async fn import_answers(&self, tenant: &Tenant, id: &str, rows: &[ImportRow]) -> Result<usize, StoreError> {
        let txn = self.conn().begin().await?;
        let info = load_assessment(&txn, tenant, id).await?;
        editable(tenant, &info)?;
        let plan = plan_of(&info)?;
        let mut valid = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let v = validate_for(&plan, &row.requirement_id, &row.input).map_err(|e| match e {
                StoreError::Invalid { message, .. } => StoreError::Invalid {
                    field: "rows",
                    message: format!("row {} ({}): {message}", i + 1, row.requirement_id),
                },
                other => other,
            })?;
            valid.push((row.requirement_id.as_str(), v));
        }
        let by = tenant.actor().audit_label();
        for (req, v) in &valid {
            upsert(&txn, id, req, v, None, &by).await?;
        }
        touch(&txn, id).await?;
        audit_assess(&txn, tenant, "assessment.import", "assessment", id, serde_json::json!({"rows": valid.len()}))
            .await?;
        txn.commit().await?;
        Ok(valid.len())
    }

    /// Adds a comment to a requirement (assessors and above, in any state but archived).
    pub async fn add_comment(
        &self,
        tenant: &Tenant,
        id: &str,
        requirement: &str,
        body: &str,
    ) -> Result<Comment, StoreError> {
        tenant.require(Role::Assessor)?;
        let body = body.trim().to_owned();
        if body.is_empty() || body.chars().count() > 5_000 {
            return Err(StoreError::invalid("body", "write 1–5000 characters"));
        }
        if body.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err(StoreError::invalid("body", "must not contain control characters"));
        }
        let txn = self.conn().begin().await?;
        let info = load_assessment(&txn, tenant, id).await?;
        if info.state == mamori_assess::AssessmentState::Archived {
            return Err(StoreError::Conflict("the assessment is archived".into()));
        }
        plan_of(&info)?.item(requirement).ok_or_else(|| StoreError::invalid("requirement", "not in this framework"))?;
        let c = Comment {
            id: new_id(),
            requirement_id: requirement.to_owned(),
            author: tenant.actor().audit_label(),
            body,
            created_at: now_ms(),
        };
        let q = Query::insert()
            .into_table(AssessmentComments::Table)
            .columns([
                AssessmentComments::Id,
                AssessmentComments::AssessmentId,
                AssessmentComments::RequirementId,
                AssessmentComments::Author,
                AssessmentComments::Body,
                AssessmentComments::CreatedAt,
            ])
            .values_panic([
                c.id.clone().into(),
                id.into(),
                requirement.into(),
                c.author.clone().into(),
                c.body.clone().into(),
                c.created_at.into(),
            ])
            .to_owned();
        txn.execute(&q).await?;
        audit_assess(
            &txn,
            tenant,
            "assessment.comment",
            "assessment",
            id,
            serde_json::json!({"requirement": requirement, "comment": c.id}),
        )
        .await?;
        txn.commit().await?;
        Ok(c)
    }

    /// Comments of an assessment, oldest first.
    pub async fn comments(&self, tenant: &Tenant, id: &str) -> Result<Vec<Comment>, StoreError> {
        load_assessment(self.conn(), tenant, id).await?;
        let q = Query::select()
            .columns([
                AssessmentComments::Id,
                AssessmentComments::RequirementId,
                AssessmentComments::Author,
                AssessmentComments::Body,
                AssessmentComments::CreatedAt,
            ])
            .from(AssessmentComments::Table)
            .and_where(Expr::col(AssessmentComments::AssessmentId).eq(id))
            .order_by(AssessmentComments::CreatedAt, Order::Asc)
            .to_owned();
        self.conn()
            .query_all(&q)
            .await?
            .iter()
            .map(|r| {
                Ok(Comment {
                    id: r.try_get("", "id")?,
                    requirement_id: r.try_get("", "requirement_id")?,
                    author: r.try_get("", "author")?,
                    body: r.try_get("", "body")?,
                    created_at: r.try_get("", "created_at")?,
                })
            })
            .collect()
    }

    /// Proposals for the unanswered requirements of `target` from the answers of `source`,
    /// through the crosswalks between their frameworks. Nothing is written.
    pub async fn propose_answers(
        &self,
        tenant: &Tenant,
        target: &str,
        source: &str,
    ) -> Result<Vec<Proposal>, StoreError> {
        let t = load_assessment(self.conn(), tenant, target).await?;
        let s = load_assessment(self.conn(), tenant, source).await?;
        let (tp, sp) = (plan_of(&t)?, plan_of(&s)?);
        let all = load_answers(self.conn(), &[target.to_owned(), source.to_owned()]).await?;
        let mut source_answers = BTreeMap::new();
        let mut answered_targets = std::collections::HashSet::new();
        for (aid, a) in all {
            if aid == source {
                source_answers.insert(a.requirement_id.clone(), a.view);
            } else {
                answered_targets.insert(a.requirement_id);
            }
        }
        let index = crosswalks();
        let mut links = Vec::new();
        for item in &sp.items {
            if !source_answers.contains_key(&item.req.id) {
                continue;
            }
            for (_, other, rel) in index.links_for_node(&s.framework_id, &item.req.id) {
                if other.framework != t.framework_id || tp.item(&other.ref_id).is_none() {
                    continue;
                }
                if let Some(relation) = relation(rel) {
                    links.push(Link { source: item.req.id.clone(), target: other.ref_id.clone(), relation });
                }
            }
        }
        let mut out: Vec<Proposal> =
            infer(&source_answers, &links).into_iter().filter(|p| !answered_targets.contains(&p.target)).collect();
        out.sort_by_key(|p| tp.position(&p.target).unwrap_or(usize::MAX));
        Ok(out)
    }

    /// Confirms one proposal, optionally with another status; the answer keeps its provenance.
    pub async fn confirm_proposal(
        &self,
        tenant: &Tenant,
        target: &str,
        source: &str,
        requirement: &str,
        status: Option<ImplementationStatus>,
    ) -> Result<AnswerRecord, StoreError> {
        let proposals = self.propose_answers(tenant, target, source).await?;
        let p = proposals.into_iter().find(|p| p.target == requirement).ok_or(StoreError::NotFound)?;
        let s = load_assessment(self.conn(), tenant, source).await?;
        let view = confirm_as(&p, status.unwrap_or_else(|| p.status.clone()));
        let txn = self.conn().begin().await?;
        let info = load_assessment(&txn, tenant, target).await?;
        editable(tenant, &info)?;
        let inferred = InferredFrom {
            source_assessment: source.to_owned(),
            source_framework: s.framework_id.clone(),
            provenance: view.provenance.clone().ok_or_else(|| StoreError::Internal("no provenance".into()))?,
        };
        let valid = ValidAnswer { view, notes: None, owner: None, due_date: None };
        upsert(&txn, target, requirement, &valid, Some(&inferred), &tenant.actor().audit_label()).await?;
        touch(&txn, target).await?;
        audit_assess(
            &txn,
            tenant,
            "assessment.confirm_inferred",
            "assessment",
            target,
            serde_json::json!({
                "requirement": requirement, "source": source, "kind": p.kind, "status": valid.view.status.code(),
            }),
        )
        .await?;
        txn.commit().await?;
        self.answers(tenant, target).await?.remove(requirement).ok_or(StoreError::NotFound)
    }
}
