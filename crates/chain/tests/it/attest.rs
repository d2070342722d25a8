//! Signing, countersigning and verification of attestation envelopes.

use mamori_chain::Level;
use mamori_chain::attest::*;
use proptest::prelude::*;
use time::OffsetDateTime;
use time::macros::datetime;

fn supplier_key() -> KeyPair {
    KeyPair::from_seed(&[1; 32])
}
fn reviewer_key() -> KeyPair {
    KeyPair::from_seed(&[2; 32])
}

fn body(level: Level, subject_key: &KeyPair, reviewer: Option<&KeyPair>) -> Attestation {
    let reqs = [
        RequirementStatus { id: "1-2-1".into(), status: "met".into() },
        RequirementStatus { id: "4-1-3".into(), status: "met".into() },
    ];
    let evidence = [EvidenceItem { id: "ev-1".into(), sha256: "ab".repeat(32) }];
    Attestation {
        schema: SCHEMA.into(),
        id: "att-0001".into(),
        subject: Subject { id: "org-42".into(), name: "Kanagawa Präzision 株式会社 \"KP\"".into() },
        framework: FrameworkRef { id: "meti-scs".into(), version: "2026-03-27".into() },
        scores: vec![Score { name: "Govern".into(), achieved: 8, total: 8 }],
        verdict: Verdict { level, outcome: Outcome::Met },
        requirements: requirements_digest(&reqs),
        evidence: evidence_digest(&evidence),
        issued_at: datetime!(2027-04-01 09:00 +09:00),
        valid_from: datetime!(2027-04-01 00:00 UTC),
        valid_until: datetime!(2028-04-01 00:00 UTC),
        review: reviewer.map(|r| ReviewerSignOff {
            reviewer_id: "riss-012345".into(),
            reviewer_name: "Sato Hanako".into(),
            reviewed_at: datetime!(2027-03-30 15:00 +09:00),
            key_id: r.key_id(),
        }),
        pledge: ExecutivePledge {
            signer_name: "Suzuki Ichiro".into(),
            signer_title: "CEO".into(),
            pledged_at: datetime!(2027-03-31 10:00 +09:00),
        },
        key_id: subject_key.key_id(),
    }
}

fn star3_envelope() -> String {
    let env = sign(body(Level::Star3, &supplier_key(), Some(&reviewer_key())), &supplier_key()).unwrap();
    countersign(env, &reviewer_key()).unwrap().to_json().unwrap()
}

fn trusted() -> Vec<PublicKey> {
    vec![supplier_key().public(), reviewer_key().public()]
}

const NOW: OffsetDateTime = datetime!(2027-06-01 00:00 UTC);

fn verify_now(bytes: &[u8]) -> Result<Verified, VerifyError> {
    verify(bytes, &trusted(), NOW, &RevocationList::new())
}

#[test]
fn countersigned_star3_attestation_round_trips_and_reports_its_verdict() {
    let json = star3_envelope();
    let v = verify_now(json.as_bytes()).unwrap();
    assert_eq!(v.attestation.verdict.to_string(), "★3 met");
    assert_eq!(v.subject_key_id, supplier_key().key_id());
    assert_eq!(v.reviewer_key_id, Some(reviewer_key().key_id()));
    assert_eq!(v.digest.len(), 64);
    assert_eq!(v.attestation.requirements.count, 2);
}

#[test]
fn pretty_printed_or_reordered_envelopes_still_verify_because_the_body_is_canonicalised() {
    let json = star3_envelope();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    assert!(verify_now(pretty.as_bytes()).is_ok());
}

#[test]
fn requirement_digest_is_independent_of_input_order_but_not_of_status() {
    let a = RequirementStatus { id: "a".into(), status: "met".into() };
    let b = RequirementStatus { id: "b".into(), status: "met".into() };
    let b2 = RequirementStatus { id: "b".into(), status: "not_met".into() };
    assert_eq!(requirements_digest(&[a.clone(), b.clone()]), requirements_digest(&[b, a.clone()]));
    assert_ne!(requirements_digest(std::slice::from_ref(&a)).sha256, requirements_digest(&[a, b2]).sha256);
}

#[test]
fn altered_body_fails_with_an_invalid_subject_signature() {
    let json = star3_envelope().replace("\"achieved\":8", "\"achieved\":7");
    let err = verify_now(json.as_bytes()).unwrap_err();
    assert_eq!(err, VerifyError::SignatureInvalid { role: Role::Subject, key_id: supplier_key().key_id() });
    assert!(err.to_string().contains("altered"), "{err}");
}

#[test]
fn a_key_outside_the_trusted_set_fails_as_unknown_key() {
    let json = star3_envelope();
    let other = [KeyPair::from_seed(&[9; 32]).public(), reviewer_key().public()];
    let err = verify(json.as_bytes(), &other, NOW, &RevocationList::new()).unwrap_err();
    assert!(matches!(err, VerifyError::UnknownKey { role: Role::Subject, .. }), "{err}");
}

#[test]
fn signature_from_another_key_under_the_right_key_id_fails() {
    // An attacker re-signs a modified body with their own key but keeps the
    // victim's key id: the trusted key does not verify the signature.
    let mut forged = body(Level::Star4, &supplier_key(), None);
    forged.key_id = KeyPair::from_seed(&[9; 32]).key_id();
    let mut env = sign(forged, &KeyPair::from_seed(&[9; 32])).unwrap();
    env.attestation.key_id = supplier_key().key_id();
    env.signatures[0].key_id = supplier_key().key_id();
    let err = verify_now(env.to_json().unwrap().as_bytes()).unwrap_err();
    assert!(matches!(err, VerifyError::SignatureInvalid { role: Role::Subject, .. }), "{err}");
}

#[test]
fn signature_naming_a_key_other_than_the_body_fails_as_wrong_key() {
    let mut env: serde_json::Value = serde_json::from_str(&star3_envelope()).unwrap();
    env["signatures"][0]["key_id"] = reviewer_key().key_id().into();
    let err = verify_now(env.to_string().as_bytes()).unwrap_err();
    assert!(matches!(err, VerifyError::WrongKey { role: Role::Subject, .. }), "{err}");
}

#[test]
fn signing_with_a_key_that_does_not_match_the_body_is_refused() {
    let err = sign(body(Level::Star4, &supplier_key(), None), &reviewer_key()).unwrap_err();
    assert!(matches!(err, SignError::KeyMismatch { role: Role::Subject, .. }));
    let env = sign(body(Level::Star3, &supplier_key(), Some(&reviewer_key())), &supplier_key()).unwrap();
    assert!(matches!(countersign(env, &supplier_key()), Err(SignError::KeyMismatch { role: Role::Reviewer, .. })));
}

#[test]
fn expired_and_not_yet_valid_attestations_fail_with_the_date() {
    let json = star3_envelope();
    let none = RevocationList::new();
    let err = verify(json.as_bytes(), &trusted(), datetime!(2028-04-01 00:00 UTC), &none).unwrap_err();
    assert_eq!(err, VerifyError::Expired { valid_until: datetime!(2028-04-01 00:00 UTC) });
    assert!(err.to_string().contains("2028-04-01"), "{err}");
    let err = verify(json.as_bytes(), &trusted(), datetime!(2027-03-31 23:59 UTC), &none).unwrap_err();
    assert!(matches!(err, VerifyError::NotYetValid { .. }), "{err}");
    assert!(verify(json.as_bytes(), &trusted(), datetime!(2028-03-31 23:59:59 UTC), &none).is_ok());
}

#[test]
fn revoked_attestation_fails_with_reason_and_date_once_the_revocation_is_effective() {
    let json = star3_envelope();
    let mut list = RevocationList::new();
    list.revoke(
        RevocationTarget::Attestation("att-0001".into()),
        "share withdrawn by supplier",
        datetime!(2027-05-01 00:00 UTC),
    );
    let err = verify(json.as_bytes(), &trusted(), NOW, &list).unwrap_err();
    assert!(matches!(&err, VerifyError::Revoked { reason, .. } if reason == "share withdrawn by supplier"));
    assert!(err.to_string().contains("2027-05-01"), "{err}");
    // Before the revocation date the attestation is still good.
    assert!(verify(json.as_bytes(), &trusted(), datetime!(2027-04-15 00:00 UTC), &list).is_ok());
}

#[test]
fn revoking_the_reviewer_key_revokes_its_countersigned_attestations() {
    let mut list = RevocationList::new();
    list.revoke(
        RevocationTarget::Key(reviewer_key().key_id()),
        "reviewer key compromised",
        datetime!(2027-05-01 00:00 UTC),
    );
    let err = verify(star3_envelope().as_bytes(), &trusted(), NOW, &list).unwrap_err();
    assert!(matches!(err, VerifyError::Revoked { target: RevocationTarget::Key(_), .. }));
}

#[test]
fn after_key_rotation_old_attestations_verify_while_the_old_key_is_trusted_and_not_revoked() {
    let old = supplier_key();
    let new = KeyPair::from_seed(&[3; 32]);
    let old_env = sign(body(Level::Star4, &old, None), &old).unwrap().to_json().unwrap();
    let mut b = body(Level::Star4, &new, None);
    b.id = "att-0002".into();
    let new_env = sign(b, &new).unwrap().to_json().unwrap();
    let none = RevocationList::new();
    let both = [old.public(), new.public()];
    assert!(verify(old_env.as_bytes(), &both, NOW, &none).is_ok());
    assert!(verify(new_env.as_bytes(), &both, NOW, &none).is_ok());
    let only_new = [new.public()];
    assert!(matches!(verify(old_env.as_bytes(), &only_new, NOW, &none), Err(VerifyError::UnknownKey { .. })));
    let mut list = RevocationList::new();
    list.revoke(RevocationTarget::Key(old.key_id()), "key compromised", datetime!(2027-05-01 00:00 UTC));
    assert!(matches!(verify(old_env.as_bytes(), &both, NOW, &list), Err(VerifyError::Revoked { .. })));
    assert!(verify(new_env.as_bytes(), &both, NOW, &list).is_ok());
}

#[test]
fn star3_without_the_reviewer_countersignature_fails_but_star4_does_not_need_one() {
    let env = sign(body(Level::Star3, &supplier_key(), Some(&reviewer_key())), &supplier_key()).unwrap();
    let err = verify_now(env.to_json().unwrap().as_bytes()).unwrap_err();
    assert_eq!(err, VerifyError::ReviewerSignatureMissing);
    let env = sign(body(Level::Star4, &supplier_key(), None), &supplier_key()).unwrap();
    assert!(verify_now(env.to_json().unwrap().as_bytes()).is_ok());
}

#[test]
fn star3_body_without_review_cannot_be_signed() {
    let err = sign(body(Level::Star3, &supplier_key(), None), &supplier_key()).unwrap_err();
    assert!(matches!(err, SignError::Invalid { pointer: "/review", .. }));
}

#[test]
fn reviewer_signature_over_a_different_subject_signature_fails() {
    let a = star3_envelope();
    let mut other = body(Level::Star3, &supplier_key(), Some(&reviewer_key()));
    other.id = "att-0009".into();
    let b = countersign(sign(other, &supplier_key()).unwrap(), &reviewer_key()).unwrap();
    let mut env: serde_json::Value = serde_json::from_str(&a).unwrap();
    env["signatures"][1]["sig"] = b.signatures[1].sig.clone().into();
    let err = verify_now(env.to_string().as_bytes()).unwrap_err();
    assert!(matches!(err, VerifyError::SignatureInvalid { role: Role::Reviewer, .. }), "{err}");
}

#[test]
fn malformed_documents_name_the_location() {
    let check = |bytes: &[u8], location: &str| match verify_now(bytes) {
        Err(VerifyError::Malformed { location: l, reason }) => assert_eq!(l, location, "{reason}"),
        other => panic!("expected malformed at {location}, got {other:?}"),
    };
    check(b"{\"attestation\": ", "line 1, column 16");
    check(b"[]", "/");
    let mut env: serde_json::Value = serde_json::from_str(&star3_envelope()).unwrap();
    env["attestation"]["valid_until"] = "next year".into();
    check(env.to_string().as_bytes(), "/attestation/valid_until");
    let mut env: serde_json::Value = serde_json::from_str(&star3_envelope()).unwrap();
    env["attestation"]["surprise"] = 1.into();
    check(env.to_string().as_bytes(), "/attestation/surprise");
    let mut env: serde_json::Value = serde_json::from_str(&star3_envelope()).unwrap();
    env["extra"] = true.into();
    check(env.to_string().as_bytes(), "/extra");
    let mut env: serde_json::Value = serde_json::from_str(&star3_envelope()).unwrap();
    env["signatures"][0]["sig"] = "AAAA".into();
    check(env.to_string().as_bytes(), "/signatures/0/sig");
    let mut env: serde_json::Value = serde_json::from_str(&star3_envelope()).unwrap();
    env["attestation"]["requirements"]["sha256"] = "XYZ".into();
    check(env.to_string().as_bytes(), "/attestation/requirements/sha256");
}

#[test]
fn non_ed25519_algorithms_are_rejected() {
    let mut env: serde_json::Value = serde_json::from_str(&star3_envelope()).unwrap();
    env["signatures"][0]["alg"] = "none".into();
    assert!(matches!(verify_now(env.to_string().as_bytes()), Err(VerifyError::UnsupportedAlgorithm { index: 0, .. })));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn flipping_any_single_byte_of_the_envelope_fails_verification(pos in any::<prop::sample::Index>(), mask in 1u8..=255) {
        let json = star3_envelope();
        let mut bytes = json.into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] ^= mask;
        prop_assert!(verify_now(&bytes).is_err(), "flip at {} with mask {:#04x} still verified", i, mask);
    }
}
