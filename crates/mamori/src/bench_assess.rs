//! `mamori bench assess-list`: latency of the assessment list, as the REST API page
//! (`GET /api/v1/assessments?limit=50&cursor=…`, every page in turn) and as the HTML page
//! (`GET /assessments`), for an organization with many assessments, in process, on a
//! temporary SQLite database. Scoring has its own benchmark: `cargo bench -p mamori-assess`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Body;
use axum::http::{Request, header};
use mamori_store::assess::{NewAssessment, frameworks};
use mamori_store::{NewApiToken, NewUser, SecretKey, Store};
use mamori_web::{AppState, NoMailer, WebConfig, app};
use tower::ServiceExt;

/// Times one GET through the router.
async fn timed_get(state: &AppState, path: &str, auth: (header::HeaderName, String)) -> anyhow::Result<Duration> {
    let req = Request::get(path).header(auth.0, auth.1).body(Body::empty())?;
    let t = Instant::now();
    let resp = app(state.clone()).oneshot(req).await?;
    let status = resp.status();
    axum::body::to_bytes(resp.into_body(), usize::MAX).await?;
    anyhow::ensure!(status.is_success(), "GET {path} answered {status}");
    Ok(t.elapsed())
}

/// Prints p50, p95 and max of a sample.
pub fn print_percentiles(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label:<34} n {:>4}  p50 {:>7.1} ms  p95 {:>7.1} ms  max {:>7.1} ms",
        times.len(),
        ms(pct(0.50)),
        ms(pct(0.95)),
        ms(pct(1.0))
    );
}

pub async fn run(assessments: usize, requests: usize) -> anyhow::Result<std::process::ExitCode> {
    let dir = std::env::temp_dir().join(format!("mamori-bench-assess-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(&mamori_store::DbConfig::Sqlite { data_dir: dir.clone() })
        .await?
        .with_secret_key(SecretKey::from_bytes([1; 32]));
    let new = NewUser {
        email: "bench@bench.example".into(),
        name: "Bench".into(),
        password: "bench password 123".into(),
        lang: "en".into(),
    };
    let (user, org) = store.signup(new, "Bench Assessments").await?;
    let tenant = store.tenant_for_login(&user, &org.id).await?;
    let fw = frameworks()
        .into_iter()
        .find(|f| f.id == mamori_catalog::builtin::CSF_2_0)
        .context("the CSF 2.0 catalog is built in")?;
    let t = Instant::now();
    for i in 0..assessments {
        let new = NewAssessment {
            framework_id: fw.id.clone(),
            framework_version: fw.version.clone(),
            title: format!("Assessment {i}"),
            scope_kind: "site".into(),
            scope_name: format!("Site {}", i % 40),
            assessed_on: None,
        };
        store.create_assessment(&tenant, new).await?;
    }
    println!("seed: {assessments} assessments in {:.2} s", t.elapsed().as_secs_f64());
    let token = store
        .create_api_token(&tenant, NewApiToken { name: "bench".into(), role: tenant.role(), expires_in_days: Some(1) })
        .await?
        .1;
    let session = store.create_session(&user, Some(&org.id)).await?;
    let config = WebConfig { api_burst: u32::MAX, api_per_minute: u32::MAX, ..WebConfig::default() };
    let state = AppState::new(store.clone(), config, Arc::new(NoMailer));
    let bearer = || (header::AUTHORIZATION, format!("Bearer {token}"));
    let cookie = || (header::COOKIE, format!("mamori_session={session}"));
    let pages = assessments.div_ceil(50).max(1);
    timed_get(&state, "/api/v1/assessments?limit=50", bearer()).await.context("warm-up")?;
    let mut api = Vec::with_capacity(requests);
    for i in 0..requests.max(1) {
        let position = (i % pages) * 50;
        let path = format!("/api/v1/assessments?limit=50&cursor={}", mamori_web::api_cursor(position as i64));
        api.push(timed_get(&state, &path, bearer()).await?);
    }
    timed_get(&state, "/assessments", cookie()).await.context("warm-up")?;
    let mut html = Vec::with_capacity(requests);
    for _ in 0..requests.max(1) {
        html.push(timed_get(&state, "/assessments", cookie()).await?);
    }
    print_percentiles("GET /api/v1/assessments (50/page)", api);
    print_percentiles("GET /assessments (HTML)", html);
    store.close().await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(std::process::ExitCode::SUCCESS)
}
