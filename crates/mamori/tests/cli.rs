//! End-to-end tests of the `mamori` binary: administration commands, backup and restore,
//! and crash safety (kill -9 during writes, then restart).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_mamori");
const PASSWORD: &str = "correct horse battery staple";

fn mamori(dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir").arg(dir).env_remove("MAMORI_DATABASE_URL").env("MAMORI_LOG", "warn");
    c
}

fn create_user(dir: &std::path::Path, email: &str, org: &str, role: &str) -> std::process::Output {
    let mut child = mamori(dir)
        .args(["admin", "create-user", "--email", email, "--org", org, "--role", role])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// Starts `serve` on a free port and returns the child and its address.
fn serve(dir: &std::path::Path) -> (Child, String) {
    serve_with(dir, &[])
}

/// `serve` with extra arguments (e.g. `--demo`, whose accounts use [`PASSWORD`]).
fn serve_with(dir: &std::path::Path, extra: &[&str]) -> (Child, String) {
    let mut child = mamori(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("MAMORI_DEMO_PASSWORD", PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("server exited before listening").unwrap();
        if let Some(rest) = line.strip_prefix("mamori listening on http://") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    (child, addr)
}

/// A minimal HTTP/1.1 client: returns (status, body).
fn http(
    addr: &str,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(t) = bearer {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() {
        req.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes())?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    let status = out.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((status, body))
}

fn token(addr: &str, email: &str) -> String {
    let (status, body) = http(
        addr,
        "POST",
        "/api/v1/auth/token",
        None,
        Some(&format!(r#"{{"email":"{email}","password":"{PASSWORD}"}}"#)),
    )
    .unwrap();
    assert_eq!(status, 201, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["token"].as_str().unwrap().to_string()
}

fn audit_verify(dir: &std::path::Path) -> (bool, String) {
    let out = mamori(dir).args(["audit", "verify"]).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn admin_create_user_reads_the_password_from_stdin_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let out = create_user(dir.path(), "ops@example.jp", "acme", "owner");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("created ops@example.jp as owner of acme"));
    let again = create_user(dir.path(), "ops@example.jp", "acme", "owner");
    assert!(!again.status.success(), "a duplicate e-mail must be refused");
    let bad = create_user(dir.path(), "not-an-email", "acme", "owner");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("e-mail"));
    let (ok, text) = audit_verify(dir.path());
    assert!(ok && text.contains("intact: 1 entries"), "{text}");
}

#[test]
fn bad_arguments_are_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = mamori(dir.path())
        .args(["admin", "create-user", "--email", "a@b.jp", "--org", "x", "--role", "god"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role"));
    let out = mamori(dir.path()).args(["serve", "--listen", "nonsense"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an address"));
    let out = Command::new(BIN).args(["migrate", "--database-url", "mysql://x"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("postgres://"));
}

#[test]
fn backup_and_restore_round_trip_and_restore_refuses_garbage() {
    let dir = tempfile::tempdir().unwrap();
    assert!(create_user(dir.path(), "a@example.jp", "acme", "owner").status.success());
    let backup = dir.path().join("backup.db");
    let out = mamori(dir.path()).args(["backup", "--to"]).arg(&backup).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(create_user(dir.path(), "b@example.jp", "acme", "viewer").status.success());
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, b"this is not a database").unwrap();
    let out = mamori(dir.path()).args(["restore", "--from"]).arg(&garbage).output().unwrap();
    assert!(!out.status.success());
    assert!(audit_verify(dir.path()).1.contains("intact: 2 entries"), "a refused restore must leave the data alone");
    let out = mamori(dir.path()).args(["restore", "--from"]).arg(&backup).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(audit_verify(dir.path()).1.contains("intact: 1 entries"));
    let again = create_user(dir.path(), "b@example.jp", "acme", "viewer");
    assert!(again.status.success(), "the user created after the backup is gone after the restore");
}

#[test]
fn kill_9_during_writes_leaves_a_consistent_database_and_an_intact_audit_chain() {
    let dir = tempfile::tempdir().unwrap();
    assert!(create_user(dir.path(), "writer@example.jp", "acme", "owner").status.success());
    for round in 0..3 {
        let (mut child, addr) = serve(dir.path());
        let bearer = token(&addr, "writer@example.jp");
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (addr, bearer) = (addr.clone(), bearer.clone());
                std::thread::spawn(move || {
                    let mut ok = 0;
                    for i in 0..10_000 {
                        let body = format!(r#"{{"name":"round {round} writer {w} #{i}","role":"viewer"}}"#);
                        match http(&addr, "POST", "/api/v1/tokens", Some(&bearer), Some(&body)) {
                            Ok((201, _)) => ok += 1,
                            _ => break,
                        }
                    }
                    ok
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(400 + 150 * round));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let written: u32 = writers.into_iter().map(|h| h.join().unwrap()).sum();
        assert!(written > 0, "round {round}: no write happened before the kill");
        let (ok, text) = audit_verify(dir.path());
        assert!(ok, "round {round}: {text}");
        // The server starts again on the same data and answers.
        let start = Instant::now();
        let (mut child, addr) = serve(dir.path());
        assert!(start.elapsed() < Duration::from_secs(10));
        let (status, _) = http(&addr, "GET", "/readyz", None, None).unwrap();
        assert_eq!(status, 200);
        let (status, body) =
            http(&addr, "GET", "/api/v1/tokens?limit=1", Some(&token(&addr, "writer@example.jp")), None).unwrap();
        assert_eq!(status, 200, "{body}");
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

/// The id of a circle's `shared` collection on a running hub.
fn shared_collection(addr: &str, token: &str) -> String {
    let (status, body) = http(addr, "GET", "/taxii2/council/collections/", Some(token), None).unwrap();
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let all = v["collections"].as_array().unwrap();
    all.iter().find(|c| c["alias"] == "shared").unwrap()["id"].as_str().unwrap().to_string()
}

#[test]
fn intel_federate_once_pulls_from_another_hub_and_reports_failures_with_exit_code_2() {
    const SAKURA: &str = "owner@sakura-motors.example";
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut b, b_addr) = serve_with(db.path(), &["--demo"]);
    let (mut a, a_addr) = serve_with(da.path(), &["--demo"]);
    // Five GREEN indicators in B's council collection, imported from the command line.
    let t = "2025-06-01T00:00:00.000Z";
    let green = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
    let objects: Vec<serde_json::Value> = (0..5)
        .map(|n| {
            serde_json::json!({"type": "indicator", "spec_version": "2.1",
                "id": format!("indicator--c1100000-0000-4000-8000-{n:012}"), "created": t, "modified": t,
                "name": format!("cli probe {n}"), "pattern": format!("[ipv4-addr:value = '198.18.0.{n}']"),
                "pattern_type": "stix", "valid_from": t, "object_marking_refs": [green]})
        })
        .collect();
    let bundle =
        serde_json::json!({"type": "bundle", "id": "bundle--c1100000-0000-4000-8000-000000000000", "objects": objects});
    let file = db.path().join("bundle.json");
    std::fs::write(&file, bundle.to_string()).unwrap();
    let out = mamori(db.path())
        .args(["intel", "import"])
        .arg(&file)
        .args(["--circle", "council", "--org", "minato-electronics"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let (a_token, b_token) = (token(&a_addr, SAKURA), token(&b_addr, SAKURA));
    let peer = serde_json::json!({"name": "Hub B", "auth": "basic", "username": SAKURA, "secret": PASSWORD,
        "collection_url": format!("http://{b_addr}/taxii2/council/collections/{}/", shared_collection(&b_addr, &b_token)),
        "direction": "pull", "local_collection": shared_collection(&a_addr, &a_token), "max_tlp": "green"});
    let (status, body) = http(&a_addr, "POST", "/api/v1/intel/peers", Some(&a_token), Some(&peer.to_string())).unwrap();
    assert_eq!(status, 201, "{body}");
    let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
    // Stop A, so its own scheduler does not race the command for the peer.
    a.kill().unwrap();
    a.wait().unwrap();

    let federate = |extra: &[&str]| {
        let out =
            mamori(da.path()).args(["intel", "federate", "--once", "--allow-internal"]).args(extra).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, text) = federate(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(&format!("{id}: ok: fetched 5, stored 5")), "{text}");
    let (code, text) = federate(&["--peer", &id]);
    assert_eq!((code, text.contains("ok: fetched 0")), (Some(0), true), "{text}");

    b.kill().unwrap();
    b.wait().unwrap();
    let (code, text) = federate(&["--peer", &id]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("FAILED (1 in a row") && text.contains("cannot reach the peer"), "{text}");
    let (code, text) = federate(&["--peer", "no-such-peer"]);
    assert_eq!((code, text.contains("no such peer")), (Some(2), true), "{text}");
}

#[test]
fn an_existing_user_is_registered_as_expert_reviewer_once() {
    let dir = tempfile::tempdir().unwrap();
    assert!(create_user(dir.path(), "riss@example.jp", "audit-firm", "assessor").status.success());
    let register = |email: &str, number: &str| {
        mamori(dir.path())
            .args(["admin", "register-reviewer", "--email", email, "--registration", number])
            .output()
            .unwrap()
    };
    let out = register("riss@example.jp", " RISS-000123 ");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("registered riss@example.jp as expert reviewer (RISS-000123)")
    );
    assert!(!register("riss@example.jp", "RISS-000123").status.success(), "registered twice");
    assert!(!register("nobody@example.jp", "RISS-1").status.success(), "unknown user");
    assert!(!register("riss@example.jp", "  ").status.success(), "empty registration");
    assert!(audit_verify(dir.path()).1.contains("intact: 2 entries"), "user creation and the registration");
}
