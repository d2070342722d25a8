//! From an assessment to a signed attestation: "answer once, share with many". The supplier's
//! submitted or approved SCS self-assessment is scored, every requirement's status and every
//! piece of evidence is digested, and the result goes through `submit_attestation` (which
//! signs it and, for ★3, sends it to the expert reviewer).

use mamori_assess::AssessmentState;
use mamori_catalog::builtin;
use mamori_chain::Level;
use mamori_chain::attest::{EvidenceItem, Outcome, RequirementStatus, Score, evidence_digest, requirements_digest};
use sha2::{Digest, Sha256};

use super::scores::SchemeScores;
use crate::chain::{AttestationInput, AttestationRecord};
use crate::{Store, StoreError, Tenant};

/// What the person issuing the attestation adds to the assessment's result.
#[derive(Clone, Debug)]
pub struct AttestFromAssessment {
    pub level: Level,
    pub pledge_name: String,
    pub pledge_title: String,
    /// The expert reviewer's organization (short ID); required for ★3.
    pub reviewer_org_slug: Option<String>,
}

/// The digest entry of one piece of evidence: a file by its content hash, a link by the hash of its URL.
fn evidence_item(e: &super::EvidenceInfo) -> EvidenceItem {
    let sha256 = match (&e.sha256, &e.url) {
        (Some(h), _) => h.clone(),
        (None, Some(url)) => hex::encode(Sha256::digest(url.as_bytes())),
        (None, None) => hex::encode(Sha256::digest(e.id.as_bytes())),
    };
    EvidenceItem { id: e.id.clone(), sha256 }
}

impl Store {
    /// The attestation input for an assessment's result, without submitting it.
    pub async fn attestation_input_for(
        &self,
        tenant: &Tenant,
        assessment_id: &str,
        req: &AttestFromAssessment,
    ) -> Result<AttestationInput, StoreError> {
        let (info, scores) = self.assessment_scores(tenant, assessment_id).await?;
        if info.framework_id != builtin::SCS {
            return Err(StoreError::invalid(
                "assessment",
                "only an SCS supply-chain evaluation (★3/★4) can become an attestation",
            ));
        }
        if !matches!(info.state, AssessmentState::Submitted | AssessmentState::Approved) {
            return Err(StoreError::Conflict("submit or approve the assessment before attesting its result".into()));
        }
        let SchemeScores::Scs(scs) = &scores.scheme else {
            return Err(StoreError::Internal("an SCS assessment scored as another scheme".into()));
        };
        let verdict = match req.level {
            Level::Star3 => &scs.star3,
            Level::Star4 => &scs.star4,
        };
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let score = |name: &str, v: &mamori_assess::ScsVerdict| Score {
            name: name.into(),
            achieved: count(v.criteria_met),
            total: count(v.criteria_total),
        };
        let mut scores_out = vec![score("star3", &scs.star3)];
        if req.level == Level::Star4 {
            scores_out.push(score("star4", &scs.star4));
        }
        let answers = self.answers(tenant, assessment_id).await?;
        let plan = super::plan(&info.framework_id, &info.framework_version).ok_or(StoreError::NotFound)?;
        let statuses: Vec<RequirementStatus> = plan
            .items
            .iter()
            .map(|item| RequirementStatus {
                id: item.req.id.clone(),
                status: answers.get(&item.req.id).map_or("unanswered", |a| a.view.status.code()).to_owned(),
            })
            .collect();
        let mut evidence: Vec<EvidenceItem> =
            self.assessment_evidence(tenant, assessment_id).await?.iter().map(|l| evidence_item(&l.evidence)).collect();
        // One entry per piece of evidence, however many requirements it supports.
        evidence.sort_by(|a, b| a.id.cmp(&b.id));
        evidence.dedup_by(|a, b| a.id == b.id);
        Ok(AttestationInput {
            framework_id: info.framework_id,
            framework_version: info.framework_version,
            level: req.level,
            outcome: if verdict.met { Outcome::Met } else { Outcome::NotMet },
            scores: scores_out,
            requirements: requirements_digest(&statuses),
            evidence: evidence_digest(&evidence),
            valid_days: None,
            pledge_name: req.pledge_name.clone(),
            pledge_title: req.pledge_title.clone(),
            reviewer_org_slug: req.reviewer_org_slug.clone(),
            assessment_ref: Some(info.id),
        })
    }

    /// Scores the assessment and issues its signed attestation. A result that does not meet
    /// the level is refused: an attestation states what was achieved, not what was tried.
    pub async fn attest_assessment(
        &self,
        tenant: &Tenant,
        assessment_id: &str,
        req: &AttestFromAssessment,
    ) -> Result<AttestationRecord, StoreError> {
        let input = self.attestation_input_for(tenant, assessment_id, req).await?;
        if input.outcome != Outcome::Met {
            let unmet = input.scores.last().map_or(0, |s| s.total - s.achieved);
            return Err(StoreError::invalid(
                "level",
                format!("the assessment does not meet this level: {unmet} criteria are not met"),
            ));
        }
        self.submit_attestation(tenant, input).await
    }
}
