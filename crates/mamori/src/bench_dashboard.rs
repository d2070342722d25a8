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
    let cpu_before = process_cpu();
    for _ in 0..requests.max(1) {
        times.push(get("/supply").await?.0);
    }
    let cpu = process_cpu().zip(cpu_before).map(|(a, b)| a.saturating_sub(b));
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    println!("page size:     {size} bytes");
    println!("requests:      {}", times.len());
    println!("p50:           {:>8.1} ms", pct(0.50).as_secs_f64() * 1000.0);
    println!("p95:           {:>8.1} ms", pct(0.95).as_secs_f64() * 1000.0);
    println!("max:           {:>8.1} ms", pct(1.0).as_secs_f64() * 1000.0);
    // CPU time per request (all threads): close to the latency on an idle machine, and a
    // check on the wall-clock figures when other work shares the cores.
    if let Some(cpu) = cpu {
        println!("cpu/request:   {:>8.1} ms", cpu.as_secs_f64() * 1000.0 / times.len() as f64);
    }
    store.close().await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(std::process::ExitCode::SUCCESS)
}

/// User plus system CPU time of this process, from `/proc/self/stat` (Linux; USER_HZ 100).
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}
