//! `mamori bench supply-dashboard`: latency of the buyer dashboard page (`GET /supply`)
//! for a buyer with many direct suppliers, in process, on a temporary SQLite database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Body;
use axum::http::{Request, header};
use mamori_store::{DbConfig, SecretKey, Store};
use mamori_web::{AppState, NoMailer, WebConfig, app};
use tower::ServiceExt;

/// Seeds the data, warms up, then times `requests` page loads and prints p50/p95/max.
pub async fn run(suppliers: usize, requests: usize) -> anyhow::Result<std::process::ExitCode> {
    let dir = std::env::temp_dir().join(format!("mamori-bench-{}-{}", std::process::id(), suppliers));
    let _ = std::fs::remove_dir_all(&dir);
    let store =
        Store::open(&DbConfig::Sqlite { data_dir: dir.clone() }).await?.with_secret_key(SecretKey::from_bytes([1; 32]));
    let t = Instant::now();
    let (user, org) = mamori_store::chain::bench::seed_wide_buyer(&store, suppliers, "bench password 123").await?;
    println!("seed:          {:>8.3} s ({suppliers} direct suppliers)", t.elapsed().as_secs_f64());
    let session = store.create_session(&user, Some(&org.id)).await?;
    let state = AppState::new(store.clone(), WebConfig::default(), Arc::new(NoMailer));
    let cookie = format!("mamori_session={session}");
    let get = |path: &'static str| {
        let state = state.clone();
        let cookie = cookie.clone();
        async move {
            let req = Request::get(path).header(header::COOKIE, cookie).body(Body::empty())?;
            let t = Instant::now();
            let resp = app(state).oneshot(req).await?;
            let status = resp.status();
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await?;
            anyhow::ensure!(status.is_success(), "GET {path} answered {status}");
            Ok::<(Duration, usize), anyhow::Error>((t.elapsed(), bytes.len()))
        }
    };
    let (_, size) = get("/supply").await.context("warm-up")?;
    let mut times = Vec::with_capacity(requests);
    for _ in 0..requests.max(1) {
        times.push(get("/supply").await?.0);
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    println!("page size:     {size} bytes");
    println!("requests:      {}", times.len());
    println!("p50:           {:>8.1} ms", pct(0.50).as_secs_f64() * 1000.0);
    println!("p95:           {:>8.1} ms", pct(0.95).as_secs_f64() * 1000.0);
    println!("max:           {:>8.1} ms", pct(1.0).as_secs_f64() * 1000.0);
    store.close().await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(std::process::ExitCode::SUCCESS)
}
