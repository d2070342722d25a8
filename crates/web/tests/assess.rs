//! HTTP tests for assessments (tenant isolation is in the shared probe, tests/it/isolation_assess.rs): the HTML pages with a session,
//! CSRF on multipart uploads and the XLSX round trip.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use mamori_store::assess::{NewAssessment, frameworks, plan};
use mamori_store::{AdminPath, NewApiToken, NewUser, Role, Store, Tenant};
use mamori_web::{AppState, NoMailer, WebConfig, app};
use tower::ServiceExt;

#[path = "../../store/tests/it/db.rs"]
#[allow(dead_code)]
mod db;

/// A store on a fresh database of the backend the environment picks (see `store/tests/it/db.rs`).
struct Env {
    store: Store,
    _db: db::TestDb,
}

async fn env() -> Env {
    let (db, store) = db::TestDb::open().await;
    Env { store, _db: db }
}

async fn member(store: &Store, org: &str, email: &str, role: Role) -> (Tenant, mamori_store::UserInfo) {
    let new = NewUser {
        email: email.into(),
        name: email.into(),
        password: "correct horse battery".into(),
        lang: "ja".into(),
    };
    let user = store.admin_create_member(new, org, role, false, AdminPath::Cli { operator: "t".into() }).await.unwrap();
    let org = store.org_by_slug(org).await.unwrap();
    (store.tenant_for_login(&user, &org.id).await.unwrap(), user)
}

async fn token(store: &Store, t: &Tenant) -> String {
    store
        .create_api_token(t, NewApiToken { name: "t".into(), role: t.role(), expires_in_days: Some(1) })
        .await
        .unwrap()
        .1
}

fn new_assessment(fw: &str) -> NewAssessment {
    let f = frameworks().into_iter().find(|f| f.id == fw).unwrap();
    NewAssessment {
        framework_id: f.id.clone(),
        framework_version: f.version.clone(),
        title: "テスト評価".into(),
        scope_kind: "company".into(),
        scope_name: "全社".into(),
        assessed_on: None,
    }
}

fn router(store: &Store) -> axum::Router {
    app(AppState::new(
        store.clone(),
        WebConfig { api_burst: 100_000, api_per_minute: 100_000, ..WebConfig::default() },
        Arc::new(NoMailer),
    ))
}

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, Vec<u8>) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    (status, resp.into_body().collect().await.unwrap().to_bytes().to_vec())
}

fn bearer(method: &str, uri: &str, tok: &str, body: Option<&str>) -> Request<Body> {
    let b = Request::builder().method(method).uri(uri).header(header::AUTHORIZATION, format!("Bearer {tok}"));
    match body {
        Some(j) => b.header(header::CONTENT_TYPE, "application/json").body(Body::from(j.to_owned())).unwrap(),
        None => b.body(Body::empty()).unwrap(),
    }
}

#[tokio::test]
async fn answering_through_the_api_and_the_xlsx_round_trip_preserve_answers() {
    let e = env().await;
    let (t, _) = member(&e.store, "acme", "x@acme.example", Role::Owner).await;
    let app = router(&e.store);
    let tok = token(&e.store, &t).await;
    let f = frameworks().into_iter().find(|f| f.id == mamori_catalog::builtin::GUIDELINES_3_0).unwrap();
    let body = serde_json::json!({"framework_id": f.id, "framework_version": f.version, "title": "G", "scope_kind": "company", "scope_name": "HQ"});
    let (status, created) = send(&app, bearer("POST", "/api/v1/assessments", &tok, Some(&body.to_string()))).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = serde_json::from_slice::<serde_json::Value>(&created).unwrap()["id"].as_str().unwrap().to_owned();
    for (q, b) in [
        ("Q1-1", r#"{"status":"implemented","maturity":4,"notes":"方針あり"}"#),
        ("Q1-2", r#"{"status":"not_applicable","na_reason":"子会社なし"}"#),
    ] {
        let (status, text) =
            send(&app, bearer("PUT", &format!("/api/v1/assessments/{id}/answers/{q}"), &tok, Some(b))).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&text));
    }
    let (status, _) = send(
        &app,
        bearer(
            "PUT",
            &format!("/api/v1/assessments/{id}/answers/Q1-3"),
            &tok,
            Some(r#"{"status":"implemented","maturity":9}"#),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, xlsx) = send(&app, bearer("GET", &format!("/api/v1/assessments/{id}/export/xlsx"), &tok, None)).await;
    assert_eq!(status, StatusCode::OK);
    let a = e.store.assessment(&t, &id).await.unwrap();
    let p = plan(&a.framework_id, &a.framework_version).unwrap();
    let imported = mamori_report::xlsx::import(&xlsx, &p).unwrap();
    assert_eq!(imported.assessment_id.as_deref(), Some(id.as_str()));
    assert_eq!(imported.rows.len(), 2);
    let before = e.store.answers(&t, &id).await.unwrap();
    e.store.import_answers(&t, &id, &imported.rows).await.unwrap();
    let after = e.store.answers(&t, &id).await.unwrap();
    for (k, v) in &before {
        assert_eq!(after[k].view, v.view);
        assert_eq!(after[k].notes, v.notes);
    }
    // Clearing an answer through the API: it counts as not answered; clearing again is harmless.
    for _ in 0..2 {
        let (status, _) =
            send(&app, bearer("DELETE", &format!("/api/v1/assessments/{id}/answers/Q1-2"), &tok, None)).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    assert_eq!(e.store.assessment(&t, &id).await.unwrap().answered, 1);
    let (status, _) = send(&app, bearer("DELETE", &format!("/api/v1/assessments/{id}/answers/Q99"), &tok, None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A broken cell is reported with its sheet, row and column, and nothing is applied.
    let broken = broken_workbook();
    let issues = mamori_report::xlsx::import(&broken, &p).unwrap_err();
    assert!(issues.iter().any(|i| i.sheet == "Answers" && i.row == 3 && i.column == "F"), "{issues:?}");
    // Scores and the OSCAL export answer too.
    let (status, s) = send(&app, bearer("GET", &format!("/api/v1/assessments/{id}/scores"), &tok, None)).await;
    assert_eq!(status, StatusCode::OK);
    let s: serde_json::Value = serde_json::from_slice(&s).unwrap();
    assert_eq!(s["scheme"]["scheme"], "guidelines");
    let (status, o) = send(&app, bearer("GET", &format!("/api/v1/assessments/{id}/export/oscal"), &tok, None)).await;
    assert_eq!(status, StatusCode::OK);
    let o: serde_json::Value = serde_json::from_slice(&o).unwrap();
    assert_eq!(o["assessment-results"]["results"][0]["findings"].as_array().unwrap().len(), p.items.len());
}

fn broken_workbook() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Answers").unwrap();
    for (c, h) in mamori_report::xlsx::HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "Q1-1").unwrap();
    ws.write_string(1, 3, "implemented").unwrap();
    ws.write_string(2, 0, "Q1-2").unwrap();
    ws.write_string(2, 3, "implemented").unwrap();
    ws.write_string(2, 5, "high").unwrap();
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn the_html_pages_render_and_multipart_uploads_need_the_csrf_token() {
    let e = env().await;
    let (t, user) = member(&e.store, "acme", "h@acme.example", Role::Owner).await;
    let a = e.store.create_assessment(&t, new_assessment(mamori_catalog::builtin::SECURITY_ACTION)).await.unwrap();
    let session = e.store.create_session(&user, Some(t.org_id())).await.unwrap();
    let csrf = e.store.session(&session).await.unwrap().unwrap().csrf;
    let app = router(&e.store);
    let cookie = format!("mamori_session={session}");
    let get = |uri: String| Request::get(uri).header(header::COOKIE, cookie.clone()).body(Body::empty()).unwrap();
    let (status, page) = send(&app, get("/assessments".into())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page).contains("アセスメント"));
    let (status, page) = send(&app, get(format!("/assessments/{}", a.id))).await;
    let page = String::from_utf8_lossy(&page).to_string();
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<fieldset") && page.contains("保存して次へ") && page.contains("hx-post"));
    // Plain form POST (no JavaScript): save and go to the next requirement.
    let form = format!("csrf={csrf}&requirement=check-1&self_check=implemented&go=next");
    let req = Request::post(format!("/assessments/{}/answer", a.id))
        .header(header::COOKIE, cookie.clone())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(resp.headers()[header::LOCATION].to_str().unwrap().ends_with("#r-6"));
    // The answered row offers "clear"; clearing brings the row back to not answered.
    let (_, page) = send(&app, get(format!("/assessments/{}", a.id))).await;
    assert!(String::from_utf8_lossy(&page).contains("data-testid=\"clear-5\""), "the answered row can be cleared");
    let clear = Request::post(format!("/assessments/{}/answer", a.id))
        .header(header::COOKIE, cookie.clone())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={csrf}&requirement=check-1&self_check=implemented&go=clear")))
        .unwrap();
    let resp = app.clone().oneshot(clear).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(resp.headers()[header::LOCATION].to_str().unwrap().contains("notice=assess.cleared"));
    assert_eq!(e.store.assessment(&t, &a.id).await.unwrap().answered, 0);
    let (_, page) = send(&app, get(format!("/assessments/{}", a.id))).await;
    assert!(!String::from_utf8_lossy(&page).contains("data-testid=\"clear-5\""));
    // Answer it again for what follows.
    let again = Request::post(format!("/assessments/{}/answer", a.id))
        .header(header::COOKIE, cookie.clone())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={csrf}&requirement=check-1&self_check=implemented&go=stay")))
        .unwrap();
    assert_eq!(app.clone().oneshot(again).await.unwrap().status(), StatusCode::SEE_OTHER);
    // A refused answer is explained in the user's language: with htmx in the row's status
    // (the progress unchanged), without JavaScript on the whole page again, with status 422.
    let refused = |htmx: bool| {
        let mut req = Request::post(format!("/assessments/{}/answer", a.id))
            .header(header::COOKIE, cookie.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if htmx {
            req = req.header("hx-request", "true");
        }
        req.body(Body::from(format!("csrf={csrf}&requirement=rule-2&status=not_applicable&na_reason=+&go=stay")))
            .unwrap()
    };
    let (status, frag) = send(&app, refused(true)).await;
    let frag = String::from_utf8_lossy(&frag).to_string();
    assert_eq!(status, StatusCode::OK);
    assert!(frag.contains("role=\"alert\"") && frag.contains("対象外の理由を入力してください"), "{frag}");
    assert!(!frag.contains("<html") && !frag.contains("/na_reason"), "{frag}");
    let (status, page) = send(&app, refused(false)).await;
    let page = String::from_utf8_lossy(&page).to_string();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("<html") && page.contains("<fieldset"), "the whole answer page");
    let row = page.split("id=\"r-1\"").nth(1).and_then(|r| r.split("id=\"r-2\"").next()).unwrap_or_default();
    assert!(row.contains("role=\"alert\"") && row.contains("対象外の理由を入力してください"), "{row}");
    // Multipart upload: refused without the token, accepted with ?csrf=.
    let boundary = "XyZ";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"requirement\"\r\n\r\ncheck-1\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"note.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
    );
    let upload = |uri: String| {
        Request::post(uri)
            .header(header::COOKIE, cookie.clone())
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body.clone()))
            .unwrap()
    };
    let (status, _) = send(&app, upload(format!("/assessments/{}/evidence", a.id))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(&app, upload(format!("/assessments/{}/evidence?csrf={csrf}", a.id))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(e.store.assessment_evidence(&t, &a.id).await.unwrap().len(), 1);
    // A program is refused: back to the row, open, with the reason in the user's language.
    let exe = body.replace("note.txt", "setup.exe").replace("text/plain", "application/octet-stream");
    let req = Request::post(format!("/assessments/{}/evidence?csrf={csrf}", a.id))
        .header(header::COOKIE, cookie.clone())
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(exe))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.ends_with("?evidence_error=assess.err.evidence_type&open=5#r-5"), "{location}");
    assert_eq!(e.store.assessment_evidence(&t, &a.id).await.unwrap().len(), 1, "nothing was added");
    let (_, page) = send(&app, get(location.trim_end_matches("#r-5").to_owned())).await;
    assert!(String::from_utf8_lossy(&page).contains("この種類のファイルは受け付けていません"));
    // An XLSX import with mistakes is refused cell by cell in the user's language, nothing applied.
    let answered = e.store.assessment(&t, &a.id).await.unwrap().answered;
    let mut xlsx = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
    )
    .into_bytes();
    xlsx.extend(broken_workbook());
    xlsx.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let req = Request::post(format!("/assessments/{}/import?csrf={csrf}", a.id))
        .header(header::COOKIE, cookie.clone())
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(xlsx))
        .unwrap();
    let (status, page) = send(&app, req).await;
    let page = String::from_utf8_lossy(&page).to_string();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Answers!A2: 「Q1-1」はこのフレームワークの要求事項ではありません"), "{page}");
    assert_eq!(e.store.assessment(&t, &a.id).await.unwrap().answered, answered);
    // Reloading that page (or switching the language there) goes back to the answers, not to a 405.
    let resp = app.clone().oneshot(get(format!("/assessments/{}/import", a.id))).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()[header::LOCATION].to_str().unwrap(), format!("/assessments/{}", a.id));
    // An unknown reason in the address is not shown.
    let (_, page) = send(&app, get(format!("/assessments/{}?evidence_error=nav.logout&open=5", a.id))).await;
    assert!(!String::from_utf8_lossy(&page).contains("data-testid=\"evidence-error\""));
    // The page it returns to shows that row's evidence open, with the file's full SHA-256.
    let (status, page) = send(&app, get(format!("/assessments/{}?notice=assess.evidence_added&open=5", a.id))).await;
    let page = String::from_utf8_lossy(&page).to_string();
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<details class=\"evidence\" open>"));
    let hello = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    assert!(page.contains(&format!("data-testid=\"sha256\">{hello}</code>")), "the hash of 'hello' is on the page");
    let (status, page) = send(&app, get(format!("/assessments/{}/results", a.id))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page).contains("<svg"));
    let (status, page) = send(&app, get(format!("/assessments/{}/export/html?lang=ja", a.id))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page).contains("回答一覧"));
}

#[tokio::test]
async fn a_submitted_scs_assessment_is_attested_through_the_api_and_an_unmet_level_is_refused() {
    use mamori_assess::LifecycleAction;
    let e = env().await;
    let (author, _) = member(&e.store, "acme", "author@acme.example", Role::Assessor).await;
    let (admin, _) = member(&e.store, "acme", "boss@acme.example", Role::Admin).await;
    let a = e.store.create_assessment(&author, new_assessment(mamori_catalog::builtin::SCS)).await.unwrap();
    let p = plan(&a.framework_id, &a.framework_version).unwrap();
    // Every ★3 criterion implemented, the ★4-only ones left open.
    let rows: Vec<_> = p
        .items
        .iter()
        .filter(|i| i.req.tag_value("scs_level") == Some("3"))
        .map(|i| mamori_store::assess::ImportRow {
            requirement_id: i.req.id.clone(),
            input: mamori_assess::AnswerInput { status: Some("implemented".into()), ..Default::default() },
        })
        .collect();
    e.store.import_answers(&author, &a.id, &rows).await.unwrap();
    let app = router(&e.store);
    let tok = token(&e.store, &admin).await;
    let uri = format!("/api/v1/assessments/{}/attestation", a.id);
    let body = r#"{"level":"star4","pledge":{"name":"Acme CEO","title":"CEO"}}"#;
    let (status, text) = send(&app, bearer("POST", &uri, &tok, Some(body))).await;
    assert_eq!(status, StatusCode::CONFLICT, "a draft is not a result: {}", String::from_utf8_lossy(&text));
    e.store.transition_assessment(&author, &a.id, LifecycleAction::RequestReview).await.unwrap();
    e.store.transition_assessment(&admin, &a.id, LifecycleAction::Submit).await.unwrap();
    let (status, text) = send(&app, bearer("POST", &uri, &tok, Some(body))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "★4 is not met: {}", String::from_utf8_lossy(&text));
    let problem: serde_json::Value = serde_json::from_slice(&text).unwrap();
    assert!(problem.to_string().contains("level"), "{problem}");
    // ★4 without a reviewer is signed at once when met; here ★3 is met but needs a reviewer.
    let star3 = r#"{"level":"star3","pledge":{"name":"Acme CEO","title":"CEO"}}"#;
    let (status, text) = send(&app, bearer("POST", &uri, &tok, Some(star3))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", String::from_utf8_lossy(&text));
    assert!(String::from_utf8_lossy(&text).contains("reviewer"));
    member(&e.store, "review-co", "expert@review-co.example", Role::Owner).await;
    let path = AdminPath::Cli { operator: "t".into() };
    e.store.register_expert_reviewer("expert@review-co.example", "RISS-000777", path).await.unwrap();
    let star3 = r#"{"level":"star3","pledge":{"name":"Acme CEO","title":"CEO"},"reviewer_org":"review-co"}"#;
    let (status, text) = send(&app, bearer("POST", &uri, &tok, Some(star3))).await;
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&text));
    let record: serde_json::Value = serde_json::from_slice(&text).unwrap();
    assert_eq!(record["state"], "in_review");
    assert_eq!(record["framework_id"], mamori_catalog::builtin::SCS);
}

#[tokio::test]
async fn the_pdf_report_downloads_for_its_owner_and_is_404_for_another_tenant() {
    let e = env().await;
    let (a_t, a_user) = member(&e.store, "acme", "p@acme.example", Role::Owner).await;
    let (b_t, b_user) = member(&e.store, "rival", "p@rival.example", Role::Owner).await;
    let a = e.store.create_assessment(&a_t, new_assessment(mamori_catalog::builtin::GUIDELINES_3_0)).await.unwrap();
    let app = router(&e.store);
    let (ta, tb) = (token(&e.store, &a_t).await, token(&e.store, &b_t).await);
    let cookie = |session: String| format!("mamori_session={session}");
    let (ca, cb) = (
        cookie(e.store.create_session(&a_user, Some(a_t.org_id())).await.unwrap()),
        cookie(e.store.create_session(&b_user, Some(b_t.org_id())).await.unwrap()),
    );
    let api = |tok: &str| bearer("GET", &format!("/api/v1/assessments/{}/export/pdf?lang=en", a.id), tok, None);
    let web = |c: &str| {
        Request::get(format!("/assessments/{}/export/pdf?lang=ja", a.id))
            .header(header::COOKIE, c.to_owned())
            .body(Body::empty())
            .unwrap()
    };
    for (req, lang) in [(api(&ta), "en"), (web(&ca), "ja")] {
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()[header::CONTENT_TYPE], "application/pdf");
        let disposition = resp.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().to_owned();
        assert_eq!(disposition, format!("attachment; filename=\"assessment-{}.{lang}.pdf\"", a.id));
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        assert!(body.starts_with(b"%PDF-") && body.windows(10).any(|w| w == b"/FontFile2"));
    }
    let (status, _) = send(&app, api(&tb)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(&app, web(&cb)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Collects messages instead of sending them.
#[derive(Default)]
struct Outbox(std::sync::Mutex<Vec<(String, String)>>);

impl mamori_web::Mailer for Outbox {
    fn send(&self, to: &str, subject: &str, _body: &str) -> Result<(), String> {
        self.0.lock().unwrap().push((to.into(), subject.into()));
        Ok(())
    }
    fn delivers(&self) -> bool {
        true
    }
}

impl Outbox {
    fn take(&self) -> Vec<(String, String)> {
        let mut out: Vec<_> = self.0.lock().unwrap().drain(..).collect();
        out.sort();
        out
    }
}

#[tokio::test]
async fn owners_and_admins_are_reminded_once_before_evidence_expires_and_when_it_has() {
    use mamori_web::reminders::send_evidence_reminders;
    const DAY: i64 = 86_400_000;
    let e = env().await;
    let (assessor, _) = member(&e.store, "acme", "assessor@acme.example", Role::Assessor).await;
    member(&e.store, "acme", "owner@acme.example", Role::Owner).await;
    // `member` creates ja users; this admin reads English.
    let new = NewUser {
        email: "admin@acme.example".into(),
        name: "Admin".into(),
        password: "correct horse battery".into(),
        lang: "en".into(),
    };
    e.store
        .admin_create_member(new, "acme", Role::Admin, false, AdminPath::Cli { operator: "t".into() })
        .await
        .unwrap();
    let expiry = time::OffsetDateTime::now_utc().date() + time::Duration::days(30);
    let file = mamori_store::assess::NewFileEvidence {
        name: "iso-cert.pdf".into(),
        mime: None,
        bytes: b"%PDF cert".to_vec(),
        expires_on: Some(expiry.to_string()),
    };
    e.store.add_file_evidence(&assessor, file, None).await.unwrap();
    let end = (expiry.midnight().assume_utc().unix_timestamp() * 1000) + DAY;
    let outbox = Outbox::default();
    let run = |now: i64| send_evidence_reminders(&e.store, &outbox, "https://grc.example/", now);

    assert_eq!(run(end - 8 * DAY).await.unwrap(), 0);
    assert_eq!(run(end - 7 * DAY + 1).await.unwrap(), 2);
    assert_eq!(
        outbox.take(),
        vec![
            ("admin@acme.example".into(), format!("mamori: evidence \"iso-cert.pdf\" expires in 7 days ({expiry})")),
            (
                "owner@acme.example".into(),
                format!("mamori: エビデンス「iso-cert.pdf」の有効期限まであと7日です（{expiry}）")
            ),
        ],
        "owners and admins, each in their language; the assessor is not reminded"
    );
    assert_eq!(run(end - 7 * DAY + 2).await.unwrap(), 0, "claimed once");
    assert_eq!(run(end - DAY + 1).await.unwrap(), 2);
    assert!(outbox.take().iter().all(|(_, s)| s.contains("1 day") || s.contains("あと1日")));
    assert_eq!(run(end + 1).await.unwrap(), 2);
    assert!(outbox.take().iter().all(|(_, s)| s.contains("has expired") || s.contains("切れました")));
    assert_eq!(run(end + 30 * DAY).await.unwrap(), 0, "expired is said once");
    // Each claim is in the organization's audit log.
    let owner = e.store.admin_tenant("acme", AdminPath::Cli { operator: "t".into() }).await.unwrap();
    let audit = e.store.audit_page(&owner, None, 100).await.unwrap();
    assert_eq!(audit.iter().filter(|a| a.action == "evidence.expiry_reminder").count(), 3);
}
