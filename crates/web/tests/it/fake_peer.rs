//! A scripted TAXII 2.1 peer on 127.0.0.1 for federation tests: an API root, a collection
//! that answers GET objects with an empty envelope and records every POSTed envelope, and
//! an optional queue of refusals (status code and `Retry-After`) served before the real
//! answers. Every request is recorded with the instant it arrived.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub const COLLECTION: &str = "6c3b1f52-8a4e-4d1c-9f0a-2b7e5d4c3a21";
const TAXII: &str = "application/taxii+json;version=2.1";

#[derive(Default)]
pub struct Log {
    /// (method, path, when) of every request, refused ones included.
    pub requests: Vec<(Method, String, Instant)>,
    /// Every POSTed envelope that was accepted.
    pub posted: Vec<Value>,
    /// Refusals still to serve: (status, Retry-After value).
    pub refusals: Vec<(u16, String)>,
}

pub struct FakePeer {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<Log>>,
    task: tokio::task::JoinHandle<()>,
}

fn taxii(status: StatusCode, v: &Value) -> Response {
    let mut r = (status, v.to_string()).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII));
    r
}

async fn handle(State(log): State<Arc<Mutex<Log>>>, method: Method, uri: Uri, body: Bytes) -> Response {
    let mut log = log.lock().unwrap();
    log.requests.push((method.clone(), uri.path().to_owned(), Instant::now()));
    if !log.refusals.is_empty() {
        let (code, after) = log.refusals.remove(0);
        let status = StatusCode::from_u16(code).unwrap();
        let mut r = taxii(status, &json!({"title": "Slow down", "http_status": code.to_string()}));
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_str(&after).unwrap());
        return r;
    }
    let objects = format!("/taxii2/fake/collections/{COLLECTION}/objects/");
    match (method, uri.path()) {
        (Method::GET, "/taxii2/fake/") => {
            taxii(StatusCode::OK, &json!({"title": "fake", "versions": [TAXII], "max_content_length": 10_485_760}))
        }
        (Method::GET, p) if p == objects => taxii(StatusCode::OK, &json!({})),
        (Method::POST, p) if p == objects => {
            let v: Value = serde_json::from_slice(&body).unwrap();
            let n = v["objects"].as_array().map_or(0, Vec::len);
            log.posted.push(v);
            taxii(
                StatusCode::ACCEPTED,
                &json!({"id": uuid::Uuid::new_v4().to_string(), "status": "complete", "total_count": n,
                    "success_count": n, "failure_count": 0, "pending_count": 0}),
            )
        }
        _ => taxii(StatusCode::NOT_FOUND, &json!({"title": "Not found"})),
    }
}

impl FakePeer {
    pub async fn start() -> FakePeer {
        let log = Arc::new(Mutex::new(Log::default()));
        let router = Router::new().fallback(handle).with_state(log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        FakePeer { addr, log, task }
    }

    pub fn collection_url(&self) -> String {
        format!("http://{}/taxii2/fake/collections/{COLLECTION}/", self.addr)
    }

    /// Serves these refusals, in order, before any real answer.
    pub fn refuse(&self, refusals: &[(u16, &str)]) {
        self.log.lock().unwrap().refusals.extend(refusals.iter().map(|(c, a)| (*c, (*a).to_owned())));
    }

    /// Every object id POSTed so far.
    pub fn posted_ids(&self) -> Vec<String> {
        let log = self.log.lock().unwrap();
        log.posted
            .iter()
            .flat_map(|e| e["objects"].as_array().cloned().unwrap_or_default())
            .filter_map(|o| o["id"].as_str().map(str::to_owned))
            .collect()
    }
}

impl Drop for FakePeer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
