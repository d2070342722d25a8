//! `mamori intel import|match` and `mamori bench taxii`: bulk STIX import with a progress
//! bar and a summary of rejections, indicator matching from a file, and the TAXII benchmark.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use mamori_intel::stix::{ImportLimits, parse_bundle, validate_object};
use mamori_intel::tlp::{Tlp, TlpPolicy};
use mamori_store::intel::{IngestOptions, StatusDetail};
use mamori_store::{AdminPath, Store, Tenant};

const BATCH: usize = 5_000;

fn operator() -> AdminPath {
    AdminPath::Cli { operator: std::env::var("USER").unwrap_or_else(|_| "operator".into()) }
}

async fn collection_id(store: &Store, t: &Tenant, circle: &str, collection: &str) -> anyhow::Result<String> {
    let all = store
        .intel_collections(t, circle)
        .await
        .with_context(|| format!("circle '{circle}' not found for this organization"))?;
    all.into_iter()
        .find(|c| c.id == collection || c.alias == collection)
        .map(|c| c.id)
        .with_context(|| format!("collection '{collection}' not found in circle '{circle}'"))
}

/// `mamori intel import FILE`.
pub async fn import(
    store: &Store,
    file: &Path,
    org: &str,
    circle: &str,
    collection: &str,
    tlp: Option<Tlp>,
) -> anyhow::Result<()> {
    let t = store.admin_tenant(org, operator()).await.with_context(|| format!("organization '{org}' not found"))?;
    let coll = collection_id(store, &t, circle, collection).await?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let objects = parse_bundle(&bytes, ImportLimits::default()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bar = ProgressBar::new(objects.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:40}] {pos}/{len} objects ({per_sec}, eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let opts = IngestOptions {
        policy: TlpPolicy { unmarked: tlp.unwrap_or(TlpPolicy::default().unmarked), ..TlpPolicy::default() },
        ..IngestOptions::default()
    };
    let started = Instant::now();
    let (mut stored, mut duplicates, mut rejected) = (0usize, 0usize, 0usize);
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for chunk in objects.chunks(BATCH) {
        let mut accepted = Vec::with_capacity(chunk.len());
        let mut failures = Vec::new();
        for o in chunk {
            match validate_object(o) {
                Ok(v) => accepted.push(v),
                Err(r) => {
                    let first = r.reasons.first().cloned().unwrap_or_default();
                    let key = first.split(':').next().unwrap_or("").to_owned()
                        + ": "
                        + first.split(": ").nth(1).unwrap_or("");
                    *reasons.entry(key).or_default() += 1;
                    failures.push(StatusDetail {
                        id: r.id.unwrap_or_default(),
                        version: String::new(),
                        message: Some(first),
                    });
                }
            }
        }
        let n = accepted.len();
        let invalid = failures.len();
        let out = store.intel_ingest(&t, &coll, accepted, failures, &opts).await?;
        // What the store refused on top (a conflicting version, TLP:RED without recipients).
        for f in out.failures.iter().skip(invalid) {
            let m = f.message.as_deref().unwrap_or("refused");
            *reasons.entry(m.split(" (").next().unwrap_or(m).to_owned()).or_default() += 1;
        }
        stored += n - out.duplicates - (out.failures.len() - invalid);
        duplicates += out.duplicates;
        rejected += out.failures.len();
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "imported {} objects into {circle}/{collection}: {stored} stored, {duplicates} already present, {rejected} rejected ({:.1} s, {:.0} objects/s)",
        objects.len(),
        secs,
        objects.len() as f64 / secs.max(1e-9)
    );
    for (reason, n) in reasons.iter().take(20) {
        println!("  rejected {n:>6} × {reason}");
    }
    Ok(())
}

/// `mamori intel match FILE --org SLUG`: prints `value<TAB>indicator<TAB>how` per match.
pub async fn match_file(store: &Store, file: &Path, org: &str) -> anyhow::Result<()> {
    let t = store.admin_tenant(org, operator()).await.with_context(|| format!("organization '{org}' not found"))?;
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let (mut hits, mut invalid) = (0usize, 0usize);
    let mut unsupported = None;
    let mut indicators = 0;
    for chunk in lines.chunks(mamori_store::intel::MAX_OBSERVABLES) {
        let r = store.intel_match(&t, chunk).await?;
        indicators = r.indicators;
        for m in &r.results {
            for h in &m.matches {
                println!("{}\t{}\t{}", m.value, h.indicator_id, h.how);
                hits += 1;
            }
        }
        for p in &r.invalid {
            eprintln!("invalid: {}: {}", p.value, p.error);
        }
        invalid += r.invalid.len();
        unsupported.get_or_insert(r.unsupported);
    }
    let unsupported = unsupported.unwrap_or_default();
    for u in &unsupported {
        eprintln!("unsupported pattern in {}: {}", u.value, u.error);
    }
    eprintln!(
        "{} lines checked against {indicators} visible indicators: {hits} matches, {invalid} invalid lines, {} indicators with unsupported patterns",
        lines.len(),
        unsupported.len()
    );
    Ok(())
}

fn indicator(i: usize, now: &str) -> serde_json::Value {
    serde_json::json!({"type": "indicator", "spec_version": "2.1", "id": format!("indicator--{}", uuid::Uuid::new_v4()),
        "created": now, "modified": now, "name": format!("bench {i}"), "pattern_type": "stix", "valid_from": now,
        "pattern": format!("[ipv4-addr:value = '10.{}.{}.{}']", (i >> 16) & 255, (i >> 8) & 255, i & 255),
        "object_marking_refs": [Tlp::Green.marking_id()]})
}

/// A rare type among the indicators: ten of these follow each size step, so a `match[type]`
/// page for them has to skip every indicator unless an index leads straight to them.
fn malware(i: usize, now: &str) -> serde_json::Value {
    serde_json::json!({"type": "malware", "spec_version": "2.1", "id": format!("malware--{}", uuid::Uuid::new_v4()),
        "created": now, "modified": now, "name": format!("bench family {i}"), "is_family": true,
        "object_marking_refs": [Tlp::Green.marking_id()]})
}

async fn http_get(addr: std::net::SocketAddr, path: &str, auth: &str) -> anyhow::Result<(Duration, usize)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let start = Instant::now();
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {auth}\r\nAccept: application/taxii+json;version=2.1\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let took = start.elapsed();
    if !buf.starts_with(b"HTTP/1.1 200") {
        bail!("GET {path} failed: {}", String::from_utf8_lossy(&buf[..buf.len().min(300)]));
    }
    Ok((took, buf.len()))
}

/// `mamori bench taxii --objects N`: ingest and first-page GET latency at 1k, 10k, 100k
/// and 1M objects (up to N) on a fresh SQLite database, then matching against them (the first
/// call builds the index, the second is served from the cache).
pub async fn bench(max_objects: usize) -> anyhow::Result<()> {
    use base64::Engine;
    let dir = std::env::temp_dir().join(format!("mamori-bench-taxii-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(&mamori_store::DbConfig::Sqlite { data_dir: dir.clone() }).await?;
    let password = "bench-password-123";
    mamori_store::demo::seed(&store, password).await?;
    let t = store.admin_tenant("sharing-hub", operator()).await?;
    let coll = collection_id(&store, &t, "auto-isac", "shared").await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = mamori_web::AppState::new(
        store.clone(),
        mamori_web::WebConfig { api_burst: 100_000, api_per_minute: 100_000, ..Default::default() },
        std::sync::Arc::new(mamori_web::NoMailer),
    );
    let server = tokio::spawn(mamori_web::serve(listener, state, std::future::pending()));
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("owner@sharing-hub.example:{password}"));
    let now = mamori_intel::stix::timestamp::format_taxii(time::OffsetDateTime::now_utc());
    let opts = IngestOptions::default();
    println!(
        "{:>9}  {:>14}  {:>16}  {:>17}  {:>17}  {:>22}  {:>20}",
        "objects",
        "ingest obj/s",
        "GET limit=100 ms",
        "GET limit=1000 ms",
        "added_after ms",
        "type=indicator 100 ms",
        "type=malware 100 ms"
    );
    let mut have = 0usize;
    for size in [1_000usize, 10_000, 100_000, 1_000_000].into_iter().filter(|s| *s <= max_objects.max(1_000)) {
        let mut ingest_time = Duration::ZERO;
        let added = size - have;
        while have < size {
            let n = BATCH.min(size - have);
            let raw: Vec<serde_json::Value> = (have..have + n).map(|i| indicator(i, &now)).collect();
            let start = Instant::now();
            let accepted: Vec<_> = raw.iter().filter_map(|o| validate_object(o).ok()).collect();
            store.intel_ingest(&t, &coll, accepted, Vec::new(), &opts).await?;
            ingest_time += start.elapsed();
            have += n;
        }
        let rare: Vec<_> = (0..10).filter_map(|i| validate_object(&malware(size + i, &now)).ok()).collect();
        store.intel_ingest(&t, &coll, rare, Vec::new(), &opts).await?;
        let base = format!("/taxii2/auto-isac/collections/{coll}/objects/");
        http_get(addr, &format!("{base}?limit=1"), &auth).await?;
        let median = |mut v: Vec<Duration>| {
            v.sort();
            v[v.len() / 2].as_secs_f64() * 1000.0
        };
        let mut l100 = Vec::new();
        let mut l1000 = Vec::new();
        for _ in 0..5 {
            l100.push(http_get(addr, &format!("{base}?limit=100"), &auth).await?.0);
            l1000.push(http_get(addr, &format!("{base}?limit=1000"), &auth).await?.0);
        }
        let mid = format!(
            "{base}?limit=1000&added_after={}",
            mamori_intel::stix::timestamp::format_taxii(time::OffsetDateTime::UNIX_EPOCH)
        );
        let mut next = Vec::new();
        let (mut indicators, mut rare) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            next.push(http_get(addr, &mid, &auth).await?.0);
            indicators.push(http_get(addr, &format!("{base}?limit=100&match%5Btype%5D=indicator"), &auth).await?.0);
            rare.push(http_get(addr, &format!("{base}?limit=100&match%5Btype%5D=malware"), &auth).await?.0);
        }
        println!(
            "{size:>9}  {:>14.0}  {:>16.2}  {:>17.2}  {:>17.2}  {:>22.2}  {:>20.2}",
            added as f64 / ingest_time.as_secs_f64().max(1e-9),
            median(l100),
            median(l1000),
            median(next),
            median(indicators),
            median(rare)
        );
    }
    // Matching: the first call builds the caller's index from every visible indicator, the
    // second is served from the cache. Half the probes hit an indicator, half miss.
    let probes: Vec<String> = (0..mamori_store::intel::MAX_OBSERVABLES)
        .map(|i| {
            let n = i * 97 % have.max(1);
            let net = if i % 2 == 0 { 10 } else { 11 };
            format!("{net}.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
        })
        .collect();
    let start = Instant::now();
    let cold = store.intel_match(&t, &probes).await?;
    let build = start.elapsed();
    let start = Instant::now();
    let warm = store.intel_match(&t, &probes).await?;
    let cached = start.elapsed();
    println!(
        "matching {} observables against {} visible indicators: first call {:.0} ms (builds the index), \
         cached {:.2} ms ({:.2} M lookups/s incl. parsing), {} matched",
        probes.len(),
        cold.indicators,
        build.as_secs_f64() * 1000.0,
        cached.as_secs_f64() * 1000.0,
        probes.len() as f64 / cached.as_secs_f64().max(1e-9) / 1e6,
        warm.results.len()
    );
    // A write moves the clock: the next call brings the cached index up to date from the
    // rows added since, instead of rebuilding it.
    let raw: Vec<serde_json::Value> = (have..have + 1_000).map(|i| indicator(i, &now)).collect();
    let accepted: Vec<_> = raw.iter().filter_map(|o| validate_object(o).ok()).collect();
    store.intel_ingest(&t, &coll, accepted, Vec::new(), &opts).await?;
    let (builds, updates) = store.intel_match_counts();
    let start = Instant::now();
    let after = store.intel_match(&t, &probes).await?;
    let updated = start.elapsed();
    let (builds_after, updates_after) = store.intel_match_counts();
    println!(
        "after 1,000 more indicators: {:.0} ms ({} visible; {} rebuilt, {} updated in place)",
        updated.as_secs_f64() * 1000.0,
        after.indicators,
        builds_after - builds,
        updates_after - updates
    );
    server.abort();
    store.close().await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
