//! Federation between two real hubs: both run in this process on ephemeral ports over their
//! own databases. Hub A (sakura-motors) pulls from and pushes to hub B's council collection
//! over HTTP, with B's TAXII server enforcing what sakura may read there.

use std::net::SocketAddr;

use mamori_intel::stix::{ValidObject, validate_object};
use mamori_intel::tlp::{Recipient, Tlp};
use mamori_store::intel::{IngestOptions, ObjectFilter, PeerInfo, VersionSel};
use mamori_store::{AdminPath, Tenant};
use mamori_web::federation::{Scheduler, SyncOptions, SyncReport, no_progress, sync_peer};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::support::{As, DEMO_PASSWORD, Session, TestApp};

const SAKURA: &str = "owner@sakura-motors.example";
/// One `date_added` shared by the 30 objects B starts with (2023-11-14T22:13:20Z).
const SHARED_DATE: i64 = 1_700_000_000_000_000;
const T0: &str = "2025-06-01T00:00:00.000Z";

/// A hub serving its whole app on 127.0.0.1 until stopped.
struct Hub {
    app: TestApp,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Hub {
    async fn start() -> Hub {
        // Both hubs run on 127.0.0.1, which only an operator's setting lets peers use.
        let config = mamori_web::WebConfig { federation_allow_internal: true, ..TestApp::roomy_config() };
        let app = TestApp::with_demo(config).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let router = app.app.clone().into_make_service_with_connect_info::<SocketAddr>();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Hub { app, addr, stop: Some(stop), task }
    }

    async fn shut_down(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        (&mut self.task).await.unwrap();
    }

    async fn tenant(&self, slug: &str) -> Tenant {
        self.app.store.admin_tenant(slug, AdminPath::Cli { operator: "test".into() }).await.unwrap()
    }

    async fn council(&self) -> String {
        let t = self.tenant("sakura-motors").await;
        self.app
            .store
            .intel_collections(&t, "council")
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.alias == "shared")
            .unwrap()
            .id
    }

    fn collection_url(&self, coll: &str) -> String {
        format!("http://{}/taxii2/council/collections/{coll}/", self.addr)
    }

    /// Stix ids the tenant reads in the collection (every version).
    async fn ids(&self, t: &Tenant, coll: &str) -> Vec<String> {
        let f = ObjectFilter { versions: VersionSel::all(), ..Default::default() };
        let rows = self.app.store.intel_objects_page(t, Some(coll), &f, None, 10_000, false).await.unwrap().rows;
        rows.into_iter().map(|r| r.stix_id).collect()
    }
}

fn indicator(tag: &str, n: usize, tlp: Tlp) -> ValidObject {
    let v = json!({"type": "indicator", "spec_version": "2.1", "id": format!("indicator--{tag}-0000-4000-8000-{n:012}"),
        "created": T0, "modified": T0, "name": format!("{tag} probe {n}"), "indicator_types": ["malicious-activity"],
        "pattern": format!("[ipv4-addr:value = '198.18.{}.{}']", n / 250, n % 250), "pattern_type": "stix",
        "valid_from": T0, "object_marking_refs": [tlp.marking_id()]});
    validate_object(&v).unwrap()
}

async fn ingest(hub: &Hub, t: &Tenant, coll: &str, objs: Vec<ValidObject>, fixed: Option<i64>) {
    // TLP:RED is stored only with a named individual; this one is nobody the peers act for.
    let recipients = vec![Recipient::User("an-individual-named-by-the-producer".into())];
    let opts = IngestOptions { fixed_date_added: fixed, recipients, ..Default::default() };
    let out = hub.app.store.intel_ingest(t, coll, objs, Vec::new(), &opts).await.unwrap();
    assert!(out.failures.is_empty(), "{:?}", out.failures);
}

/// Sync options for peers on this machine.
fn local() -> SyncOptions {
    SyncOptions { allow_internal: true, ..SyncOptions::default() }
}

async fn sync(hub: &Hub, peer: &str, page_limit: u32) -> SyncReport {
    let opts = SyncOptions { page_limit, ..local() };
    sync_peer(&hub.app.store, peer, &opts, &no_progress).await.unwrap()
}

async fn peer(hub: &Hub, token: &str, id: &str) -> PeerInfo {
    let t = hub.app.store.tenant_for_token(token).await.unwrap().unwrap();
    hub.app.store.intel_peer(&t, id).await.unwrap()
}

async fn owner(hub: &Hub) -> (Session, String) {
    let s = hub.app.login_as(SAKURA, DEMO_PASSWORD).await;
    let token = hub.app.api_token(&s, "federation", "owner").await;
    (s, token)
}

#[tokio::test]
async fn two_hubs_pull_page_by_page_push_within_tlp_and_back_off_when_the_peer_is_down() {
    let (a, mut b) = (Hub::start().await, Hub::start().await);
    let (a_council, b_council) = (a.council().await, b.council().await);
    let (b_minato, b_sakura) = (b.tenant("minato-electronics").await, b.tenant("sakura-motors").await);

    // B: 30 GREEN objects sharing one date_added, and two that sakura may not read on B.
    let mut first: Vec<ValidObject> = (0..30).map(|n| indicator("b0000000", n, Tlp::Green)).collect();
    first.push(indicator("b0000001", 1, Tlp::AmberStrict));
    first.push(indicator("b0000001", 2, Tlp::Red));
    ingest(&b, &b_minato, &b_council, first, Some(SHARED_DATE)).await;

    // A: a peer for B's council collection, created through the API (Basic credentials on B).
    let (session, token) = owner(&a).await;
    let body = json!({"name": "Hub B council", "collection_url": b.collection_url(&b_council), "auth": "basic",
        "username": SAKURA, "secret": DEMO_PASSWORD, "direction": "pull", "local_collection": a_council,
        "max_tlp": "green", "interval_minutes": 30});
    let created = a.app.post_json("/api/v1/intel/peers", As::Token(&token), &body).await;
    created.expect(201);
    assert!(!created.text().contains(DEMO_PASSWORD), "the secret is never returned");
    let id = created.json()["id"].as_str().unwrap().to_owned();

    // Pull, seven objects a page: every page continues with `next` inside the shared date_added.
    // A run capped at two pages saves its position; the next run continues from the saved `next`.
    let capped = SyncOptions { page_limit: 7, max_pages: 2, ..local() };
    let r = sync_peer(&a.app.store, &id, &capped, &no_progress).await.unwrap();
    assert_eq!((r.fetched, r.pages, r.incomplete, r.error.clone()), (14, 2, true, None));
    let state = peer(&a, &token, &id).await.state;
    assert!(state.pull_next.is_some() && state.pull_cursor.is_none(), "mid-paging: {state:?}");
    assert!(a.app.store.intel_due_peers().await.unwrap().contains(&id), "an incomplete run is due again at once");
    let r = sync(&a, &id, 7).await;
    assert_eq!(r.error, None);
    assert_eq!((r.fetched, r.pulled, r.refused, r.pages, r.incomplete), (16, 16, 0, 3, false));
    let a_sakura = a.tenant("sakura-motors").await;
    let pulled = a.ids(&a_sakura, &a_council).await;
    assert_eq!(pulled.len(), 30);
    assert!(pulled.iter().all(|i| i.starts_with("indicator--b0000000")), "nothing sakura may not read on B");
    // Markings are kept: the stored level and the body are B's.
    let all = ObjectFilter::default();
    let rows = a.app.store.intel_objects_page(&a_sakura, Some(&a_council), &all, None, 100, true).await.unwrap().rows;
    assert!(rows.iter().all(|r| r.tlp == "green"));
    let body0: Value = serde_json::from_str(rows[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(body0["object_marking_refs"], json!([Tlp::Green.marking_id()]));
    let state = peer(&a, &token, &id).await.state;
    assert_eq!(state.pull_cursor.as_deref(), Some("2023-11-14T22:13:20.000000Z"), "the cursor is persisted");
    assert_eq!((state.failures, state.last_pulled, state.pull_next), (0, 16, None));
    assert!(!a.app.store.intel_due_peers().await.unwrap().contains(&id), "a complete run waits for the interval");

    // Nothing new: nothing fetched. Three new objects on B: only those are fetched.
    assert_eq!(sync(&a, &id, 7).await.fetched, 0);
    ingest(&b, &b_minato, &b_council, (30..33).map(|n| indicator("b0000000", n, Tlp::Green)).collect(), None).await;
    let r = sync(&a, &id, 7).await;
    assert_eq!((r.fetched, r.pulled, r.error), (3, 3, None));

    // Push: A's own objects at each level, and one that B already holds with other content.
    let a_objects = vec![
        indicator("a0000000", 1, Tlp::Clear),
        indicator("a0000000", 2, Tlp::Green),
        indicator("a0000000", 3, Tlp::Amber),
        indicator("a0000000", 4, Tlp::AmberStrict),
        indicator("a0000000", 5, Tlp::Red),
        // Same id and version as B's AMBER+STRICT object, which A never saw.
        indicator("b0000001", 1, Tlp::Green),
    ];
    ingest(&a, &a_sakura, &a_council, a_objects, None).await;
    let mut both = body.clone();
    both["direction"] = json!("both");
    both.as_object_mut().unwrap().remove("secret");
    a.app
        .send_json(axum::http::Method::PUT, &format!("/api/v1/intel/peers/{id}"), As::Token(&token), &both)
        .await
        .expect(200);
    let r = a.app.post_json(&format!("/api/v1/intel/peers/{id}/sync"), As::Token(&token), &json!({})).await;
    r.expect(200);
    let r = r.json();
    assert_eq!(r["error"], Value::Null, "{r}");
    assert_eq!(
        (r["fetched"].as_i64(), r["pushed"].as_i64(), r["refused"].as_i64()),
        (Some(0), Some(2), Some(1)),
        "{r}"
    );
    assert!(r["notes"][0].as_str().unwrap().contains("already stored"), "the peer's reason is kept: {r}");
    let on_b = b.ids(&b_sakura, &b_council).await;
    for (n, expected) in [(1, true), (2, true), (3, false), (4, false), (5, false)] {
        let id = format!("indicator--a0000000-0000-4000-8000-{n:012}");
        assert_eq!(on_b.contains(&id), expected, "{id} on B");
    }
    assert_eq!(on_b.iter().filter(|i| i.starts_with("indicator--b0000000")).count(), 33, "nothing echoed back");
    // The push cursor moved: a second run pushes nothing.
    let again = sync(&a, &id, 7).await;
    assert_eq!((again.pushed, again.refused, again.error), (0, 0, None));

    // Wrong credentials: a clear error, recorded in the state.
    let mut wrong = body.clone();
    wrong["name"] = json!("Wrong password");
    wrong["secret"] = json!("not the password");
    let w = a.app.post_json("/api/v1/intel/peers", As::Token(&token), &wrong).await;
    let wid = w.json()["id"].as_str().unwrap().to_owned();
    // Without the operator's permission, a peer on an internal address is refused before connecting.
    let r = sync_peer(&a.app.store, &wid, &SyncOptions::default(), &no_progress).await.unwrap();
    assert!(r.error.as_deref().unwrap_or("").contains("127.0.0.1 is an internal address"), "{:?}", r.error);
    let r = sync(&a, &wid, 7).await;
    let e = r.error.unwrap();
    assert!(e.contains("refused our credentials (HTTP 401)"), "{e}");
    assert_eq!(peer(&a, &token, &wid).await.state.last_error.as_deref(), Some(e.as_str()));

    // The scheduler syncs a due peer (a bearer token this time) on its own.
    let b_owner = b.app.login_as(SAKURA, DEMO_PASSWORD).await;
    let b_token = b.app.api_token(&b_owner, "hub a", "viewer").await;
    let mut bearer = body.clone();
    bearer["name"] = json!("Scheduled");
    bearer["auth"] = json!("bearer");
    bearer["secret"] = json!(b_token);
    let sid = a.app.post_json("/api/v1/intel/peers", As::Token(&token), &bearer).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    a.app.delete(&format!("/api/v1/intel/peers/{wid}"), As::Token(&token)).await.expect(204);
    let scheduler = Scheduler::start(a.app.store.clone(), std::time::Duration::from_millis(20), local());
    let mut synced = None;
    for _ in 0..1_500 {
        let st = peer(&a, &token, &sid).await.state;
        if st.last_success_at.is_some() {
            synced = Some(st);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    scheduler.shutdown().await;
    let st = synced.expect("the scheduler ran the due peer");
    assert_eq!((st.last_pulled, st.failures), (0, 0), "everything was already pulled by the other peer");

    // B goes down: every failed run is recorded and the next attempt moves further out.
    b.shut_down().await;
    let mut waits = Vec::new();
    for n in 1..=3 {
        let r = sync(&a, &id, 7).await;
        assert!(r.error.as_deref().unwrap_or("").contains("cannot reach the peer"), "{:?}", r.error);
        assert_eq!(r.failures, n);
        let st = peer(&a, &token, &id).await.state;
        waits.push(st.next_attempt_at - st.last_attempt_at.unwrap());
    }
    assert!(waits.windows(2).all(|w| w[1] > w[0]), "backoff grows: {waits:?}");
    // The page shows the peer and its last error.
    let page = a.app.get("/intel/peers", As::Browser(&session)).await;
    page.expect(200);
    assert!(page.text().contains("Hub B council") && page.text().contains("cannot reach the peer"), "{}", page.text());
    let audit = a.app.get("/api/v1/audit?limit=200", As::Token(&token)).await.text();
    assert!(audit.contains("intel.peer.sync") && audit.contains("intel.peer.create"));
    assert!(!audit.contains(DEMO_PASSWORD));
}

#[tokio::test]
async fn the_peer_page_validates_the_form_and_is_for_admins_only() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let s = app.login_as(SAKURA, DEMO_PASSWORD).await;
    let bad = [
        ("name", "Partner"),
        ("collection_url", "http://partner.example/taxii2/x/collections/y/"),
        ("auth", "basic"),
        ("username", ""),
        ("direction", "pull"),
        ("local_collection", "not-a-collection"),
        ("max_tlp", "green"),
        ("interval_minutes", "60"),
    ];
    let r = app.post_form("/intel/peers", As::Browser(&s), &bad).await;
    r.expect(422);
    assert!(r.text().contains("https://"), "the URL error says what to use: {}", r.text());
    let t = app.store.admin_tenant("sakura-motors", AdminPath::Cli { operator: "test".into() }).await.unwrap();
    let council =
        app.store.intel_collections(&t, "council").await.unwrap().into_iter().find(|c| c.alias == "shared").unwrap().id;
    let good = [
        ("name", "Partner"),
        ("collection_url", "https://partner.example/taxii2/x/collections/y/"),
        ("auth", "bearer"),
        ("secret", "partner-token"),
        ("direction", "both"),
        ("local_collection", council.as_str()),
        ("max_tlp", "amber"),
        ("interval_minutes", "15"),
        ("enabled", "on"),
    ];
    app.post_form("/intel/peers", As::Browser(&s), &good).await.expect(303);
    let list = app.get("/intel/peers?notice=peers.notice.saved", As::Browser(&s)).await;
    list.expect(200);
    assert!(list.text().contains("https://partner.example/taxii2/x/collections/y/"));
    assert!(!list.text().contains("partner-token"), "secrets are write-only");
    let viewer = app.login_as("viewer@sakura-motors.example", DEMO_PASSWORD).await;
    app.get("/intel/peers", As::Browser(&viewer)).await.expect(403);
}

#[tokio::test]
async fn retry_after_is_honoured_in_place_and_a_longer_wait_postpones_the_next_run() {
    let config = mamori_web::WebConfig { federation_allow_internal: true, ..TestApp::roomy_config() };
    let app = TestApp::with_demo(config).await;
    let peer = crate::fake_peer::FakePeer::start().await;
    let s = app.login_as(SAKURA, DEMO_PASSWORD).await;
    let token = app.api_token(&s, "federation", "owner").await;
    let t = app.store.admin_tenant("sakura-motors", AdminPath::Cli { operator: "test".into() }).await.unwrap();
    let coll = app.store.intel_collections(&t, "council").await.unwrap().into_iter().find(|c| c.alias == "shared");
    let body = json!({"name": "Busy peer", "collection_url": peer.collection_url(), "auth": "none",
        "direction": "pull", "local_collection": coll.unwrap().id, "max_tlp": "green"});
    let created = app.post_json("/api/v1/intel/peers", As::Token(&token), &body).await;
    created.expect(201);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let opts = SyncOptions { max_retry_wait: std::time::Duration::from_secs(5), ..local() };

    // 429 then 503, each asking for one second: the same request is sent again after each wait.
    peer.refuse(&[(429, "1"), (503, "1")]);
    let r = sync_peer(&app.store, &id, &opts, &no_progress).await.unwrap();
    assert_eq!((r.error.clone(), r.pages), (None, 1), "{r:?}");
    let times: Vec<std::time::Instant> = peer.log.lock().unwrap().requests.iter().map(|(_, _, at)| *at).collect();
    assert_eq!(times.len(), 3, "one request, sent three times");
    for w in times.windows(2) {
        assert!(w[1] - w[0] >= std::time::Duration::from_secs(1), "waited as asked: {:?}", w[1] - w[0]);
    }

    // Asked for an hour: the run fails at once and the next attempt is not due before then.
    peer.refuse(&[(503, "3600")]);
    let before = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let r = sync_peer(&app.store, &id, &opts, &no_progress).await.unwrap();
    let error = r.error.clone().unwrap_or_default();
    assert!(error.contains("HTTP 503") && error.contains("retry after 3600 s"), "{error}");
    assert!(r.next_attempt_at >= before + 3_600_000, "the backoff honours Retry-After: {r:?}");
    assert!(!app.store.intel_due_peers().await.unwrap().contains(&id));
}
