//! Attestation round trip: issued through the REST API, exported with the published JWK
//! set and revocation list, then verified offline by `mamori attest verify`, which must
//! name the reason when a byte is flipped, the key is wrong, the validity has passed or
//! the attestation is revoked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use mamori_store::{DbConfig, NewApiToken, NewUser, Role, SecretKey, Store};
use mamori_web::{AppState, NoMailer, WebConfig, app};
use tower::ServiceExt;

const BIN: &str = env!("CARGO_BIN_EXE_mamori");

async fn call(state: &AppState, method: &str, path: &str, token: Option<&str>, body: Option<String>) -> (u16, String) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let resp = app(state.clone()).oneshot(req.body(body.map(Body::from).unwrap_or_default()).unwrap()).await.unwrap();
    let status = resp.status().as_u16();
    (status, String::from_utf8(resp.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap())
}

fn verify(args: &[&std::path::Path], extra: &[&str]) -> (i32, String) {
    let mut c = Command::new(BIN);
    c.args(["attest", "verify"]).arg(args[0]).arg("--key").arg(args[1]).args(extra).env("MAMORI_LOG", "warn");
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[tokio::test]
async fn an_api_issued_attestation_verifies_offline_and_each_failure_names_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&DbConfig::Sqlite { data_dir: dir.path().join("db") })
        .await
        .unwrap()
        .with_secret_key(SecretKey::from_bytes([5; 32]));
    let (user, org) = store
        .signup(
            NewUser {
                email: "ceo@sup.example".into(),
                name: "CEO".into(),
                password: "correct horse battery".into(),
                lang: "en".into(),
            },
            "Supplier Co",
        )
        .await
        .unwrap();
    let tenant = store.tenant_for_login(&user, &org.id).await.unwrap();
    let (_, token) = store
        .create_api_token(&tenant, NewApiToken { name: "t".into(), role: Role::Owner, expires_in_days: Some(1) })
        .await
        .unwrap();
    let state = AppState::new(store.clone(), WebConfig::default(), Arc::new(NoMailer));
    let body = serde_json::json!({
        "framework_id": "meti-scs", "framework_version": "2026-03-27", "level": "star4", "outcome": "met",
        "scores": [{"name": "all", "achieved": 3, "total": 3}],
        "requirement_statuses": [{"id": "R-1", "status": "met"}], "evidence_items": [],
        "valid_days": 30, "pledge": {"name": "Jiro Suzuki", "title": "CEO"}
    });
    let (st, rec) = call(&state, "POST", "/api/v1/attestations", Some(&token), Some(body.to_string())).await;
    assert_eq!(st, 201, "{rec}");
    let id = serde_json::from_str::<serde_json::Value>(&rec).unwrap()["id"].as_str().unwrap().to_string();
    let (_, envelope) = call(&state, "GET", &format!("/api/v1/attestations/{id}/envelope"), Some(&token), None).await;
    let (_, jwks) = call(&state, "GET", &format!("/.well-known/mamori/keys/{}.json", org.slug), None, None).await;

    let env_file = dir.path().join("att.json");
    let key_file = dir.path().join("keys.json");
    std::fs::write(&env_file, &envelope).unwrap();
    std::fs::write(&key_file, &jwks).unwrap();
    let (code, out) = verify(&[&env_file, &key_file], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("VALID: ★4 met — Supplier Co"), "{out}");

    // One flipped byte inside the signed body.
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, envelope.replacen("Jiro Suzuki", "Jiro Suzukj", 1)).unwrap();
    let (code, out) = verify(&[&tampered, &key_file], &[]);
    assert_eq!(code, 2);
    assert!(out.contains("INVALID") && out.contains("altered after signing"), "{out}");

    // Another organization's key.
    let other = dir.path().join("other.pem");
    let pair = mamori_chain::KeyPair::from_seed(&[9; 32]);
    std::fs::write(&other, pair.public().to_pem().unwrap()).unwrap();
    let (code, out) = verify(&[&env_file, &other], &[]);
    assert_eq!(code, 2);
    assert!(out.contains("unknown key"), "{out}");

    // Past the validity.
    let later = (time::OffsetDateTime::now_utc() + time::Duration::days(40))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let (code, out) = verify(&[&env_file, &key_file], &["--at", &later]);
    assert_eq!(code, 2);
    assert!(out.contains("expired on"), "{out}");

    // Revoked, with the published revocation list.
    let (st, _) = call(
        &state,
        "POST",
        &format!("/api/v1/attestations/{id}/revoke"),
        Some(&token),
        Some(r#"{"reason":"key compromise"}"#.into()),
    )
    .await;
    assert_eq!(st, 204);
    let (_, list) =
        call(&state, "GET", &format!("/.well-known/mamori/revocations/{}.json", org.slug), None, None).await;
    let list_file = dir.path().join("revoked.json");
    std::fs::write(&list_file, list).unwrap();
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::minutes(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let (code, out) = verify(&[&env_file, &key_file], &["--revocations", list_file.to_str().unwrap(), "--at", &soon]);
    assert_eq!(code, 2);
    assert!(out.contains("revoked attestation") && out.contains("key compromise"), "{out}");
}
