//! What a buyer sees of a supplier's assessment through a share: the share's scope decides.
//! `summary` shows the signed attestation only, `answers` adds the assessment and every
//! answer, `evidence` adds the evidence list and downloads. The only way in is an active
//! share received by the caller's organization; revoking the share closes it at once.

use std::collections::BTreeMap;

use super::answers::load_answers;
use super::{AnswerRecord, AssessmentInfo, EvidenceInfo, EvidenceLinkInfo, load_assessment_of};
use crate::chain::{ReceivedShare, ShareScope};
use crate::{Store, StoreError, Tenant};

/// A received share with as much of the assessment behind it as its scope allows.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SharedResult {
    pub share: ReceivedShare,
    /// The assessment the attestation came from (scope `answers` or `evidence`, when linked).
    pub assessment: Option<AssessmentInfo>,
    pub answers: BTreeMap<String, AnswerRecord>,
    /// Scope `evidence` only.
    pub evidence: Vec<EvidenceLinkInfo>,
}

impl Store {
    /// The result behind a share the caller's organization received.
    pub async fn shared_result(&self, buyer: &Tenant, share_id: &str) -> Result<SharedResult, StoreError> {
        let share = self.received_share(buyer, share_id).await?;
        let supplier = share.attestation.org_id.clone();
        let linked = share.attestation.assessment_ref.clone().filter(|_| share.scope != ShareScope::Summary);
        let mut out = SharedResult { share, assessment: None, answers: BTreeMap::new(), evidence: Vec::new() };
        let Some(assessment_id) = linked else { return Ok(out) };
        // The reference is the supplier's own; an assessment since deleted shows as none.
        let info = match load_assessment_of(self.conn(), &supplier, &assessment_id).await {
            Ok(info) => info,
            Err(StoreError::NotFound) => return Ok(out),
            Err(e) => return Err(e),
        };
        out.answers = load_answers(self.conn(), std::slice::from_ref(&info.id))
            .await?
            .into_iter()
            .map(|(_, a)| (a.requirement_id.clone(), a))
            .collect();
        if out.share.scope == ShareScope::Evidence {
            out.evidence = self.evidence_of(&supplier, &info.id).await?;
        }
        out.assessment = Some(info);
        Ok(out)
    }

    /// A file of the evidence behind a share with scope `evidence`.
    pub async fn shared_evidence(
        &self,
        buyer: &Tenant,
        share_id: &str,
        evidence_id: &str,
    ) -> Result<(EvidenceInfo, Vec<u8>), StoreError> {
        let shared = self.shared_result(buyer, share_id).await?;
        if !shared.evidence.iter().any(|l| l.evidence.id == evidence_id) {
            return Err(StoreError::NotFound);
        }
        self.evidence_content_of(&shared.share.attestation.org_id, evidence_id).await
    }
}
