//! Federation between hubs, the pure half: what a peer's collection URL must look like,
//! which TLP levels may leave the hub, how a TAXII response is read, and the retry
//! schedule. The store keeps peers and their cursors; the web crate does the HTTP.
//!
//! Choices:
//! - A peer is named by its TAXII collection URL (`…/{api-root}/collections/{id}/`); the API
//!   root (for `status/` and `max_content_length`) is the part before `collections/`.
//! - Credentials never travel in clear text over a network: `http://` is accepted only for
//!   loopback hosts (`127.0.0.1`, `[::1]`, `localhost`), everything else needs `https://`.
//! - Peers on internal addresses ([`is_internal_address`]) are refused when connecting unless
//!   the server operator allows them, so a tenant admin cannot aim the hub at its own network.
//! - Pushing is capped at TLP:AMBER. AMBER+STRICT (the producing organization only) and RED
//!   (named individuals) never leave the hub, whatever a peer is configured with.
//! - Retries back off exponentially with "equal jitter": the n-th consecutive failure waits
//!   between `base·2^(n-2)` and `base·2^(n-1)`, capped, so each wait is longer than the last.

use std::time::Duration;

use serde_json::Value;

use crate::tlp::Tlp;

/// Which way objects flow between this hub and a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Fetch the peer's objects into a local collection.
    Pull,
    /// Send local objects to the peer's collection.
    Push,
    /// Both, pull first.
    Both,
}

impl Direction {
    /// The stored and wire form.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pull => "pull",
            Self::Push => "push",
            Self::Both => "both",
        }
    }

    /// Parses the stored form.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pull" => Some(Self::Pull),
            "push" => Some(Self::Push),
            "both" => Some(Self::Both),
            _ => None,
        }
    }

    /// True when this direction fetches from the peer.
    #[must_use]
    pub fn pulls(self) -> bool {
        matches!(self, Self::Pull | Self::Both)
    }

    /// True when this direction sends to the peer.
    #[must_use]
    pub fn pushes(self) -> bool {
        matches!(self, Self::Push | Self::Both)
    }
}

/// The most permissive level a peer may be configured to receive.
pub const MAX_PUSHABLE: Tlp = Tlp::Amber;

/// Checks a peer's configured push ceiling: CLEAR, GREEN or AMBER.
///
/// # Errors
/// A message when the level is AMBER+STRICT or RED, which never leave the hub.
pub fn check_push_ceiling(level: Tlp) -> Result<Tlp, String> {
    if level <= MAX_PUSHABLE {
        Ok(level)
    } else {
        Err(format!("{} never leaves the hub; use CLEAR, GREEN or AMBER", level.label()))
    }
}

/// True when an object at `level` may be pushed to a peer whose ceiling is `ceiling`.
#[must_use]
pub fn may_push(level: Tlp, ceiling: Tlp) -> bool {
    level <= ceiling && level <= MAX_PUSHABLE
}

/// A checked TAXII collection URL, always ending in `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionUrl {
    /// `https://host/api-root/collections/id/`.
    pub collection: String,
    /// `https://host/api-root/`.
    pub api_root: String,
    /// The collection id (last path segment).
    pub id: String,
}

impl CollectionUrl {
    /// `…/collections/{id}/objects/`.
    #[must_use]
    pub fn objects(&self) -> String {
        format!("{}objects/", self.collection)
    }

    /// `…/{api-root}/status/{id}/`.
    #[must_use]
    pub fn status(&self, status_id: &str) -> String {
        format!("{}status/{status_id}/", self.api_root)
    }
}

fn is_loopback(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host
            .rsplit_once(':')
            .map_or(host, |(h, port)| if port.bytes().all(|b| b.is_ascii_digit()) { h } else { host }),
    };
    name.eq_ignore_ascii_case("localhost") || name == "::1" || name.starts_with("127.")
}

/// Parses and checks a TAXII 2.1 collection URL.
///
/// # Errors
/// A message saying what is wrong (scheme, host, shape of the path).
pub fn parse_collection_url(raw: &str) -> Result<CollectionUrl, String> {
    let url = raw.trim();
    if url.len() > 2_000 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the URL must be one line without spaces, at most 2000 characters".into());
    }
    let (scheme, rest) = url.split_once("://").ok_or("the URL must start with https://")?;
    let scheme = scheme.to_ascii_lowercase();
    if url.contains(['?', '#']) {
        return Err("the URL must not carry a query or fragment".into());
    }
    let (host, path) = rest.split_once('/').ok_or("the URL has no path")?;
    if host.is_empty() || host.contains('@') {
        return Err("the URL needs a host, without user information (credentials go in their own fields)".into());
    }
    match scheme.as_str() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => return Err("use https:// (plain http is accepted only for loopback addresses)".into()),
        _ => return Err("the URL must start with https://".into()),
    }
    let path = path.trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').collect();
    let n = segments.len();
    let ok = n >= 2 && segments[n - 2] == "collections" && segments.iter().all(|s| !s.is_empty() && *s != "..");
    if !ok {
        return Err("expected a TAXII collection URL ending in /collections/{id}/".into());
    }
    let id = segments[n - 1].to_owned();
    let root_path = segments[..n - 2].join("/");
    let base = format!("{scheme}://{host}/");
    let api_root = if root_path.is_empty() { base.clone() } else { format!("{base}{root_path}/") };
    Ok(CollectionUrl { collection: format!("{api_root}collections/{id}/"), api_root, id })
}

/// True for addresses outside the public internet: loopback, private (RFC 1918, unique
/// local), link-local, carrier-grade NAT, unspecified and broadcast, also when IPv4-mapped.
/// Peers there are reachable only when the server operator allows it (tenant admins must not
/// be able to point the hub at its own network).
#[must_use]
pub fn is_internal_address(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_internal_address(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                v6.is_loopback() || v6.is_unspecified() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
            }
        },
    }
}

/// One page of a TAXII `GET …/objects/` answer.
#[derive(Debug, Clone, Default)]
pub struct ObjectsPage {
    /// The raw objects, to be validated by the receiver.
    pub objects: Vec<Value>,
    pub more: bool,
    pub next: Option<String>,
}

/// Reads a TAXII envelope (`{}` is an empty page).
///
/// # Errors
/// A message when the body is not an envelope.
pub fn read_envelope(body: &Value) -> Result<ObjectsPage, String> {
    let map = body.as_object().ok_or("the answer is not a TAXII envelope (not a JSON object)")?;
    let objects = match map.get("objects") {
        None => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err("the envelope's objects is not a list".into()),
    };
    let more = map.get("more").and_then(Value::as_bool).unwrap_or(false);
    let next = map.get("next").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
    Ok(ObjectsPage { objects, more, next })
}

/// The counts of a TAXII status resource, with the first failure messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub id: Option<String>,
    pub complete: bool,
    pub success: u64,
    pub failure: u64,
    pub pending: u64,
    /// `id: message` of up to ten failures.
    pub failures: Vec<String>,
}

/// Reads a TAXII status resource.
///
/// # Errors
/// A message when the body is not a status resource.
pub fn read_status(body: &Value) -> Result<StatusCounts, String> {
    let map = body.as_object().ok_or("the answer is not a TAXII status resource")?;
    let count = |k: &str| map.get(k).and_then(Value::as_u64).unwrap_or(0);
    let status = map.get("status").and_then(Value::as_str).ok_or("the status resource has no status")?;
    let failures = map
        .get("failures")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(10)
        .map(|f| {
            let s = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("");
            format!("{}: {}", s("id"), s("message"))
        })
        .collect();
    Ok(StatusCounts {
        id: map.get("id").and_then(Value::as_str).map(str::to_owned),
        complete: status == "complete",
        success: count("success_count"),
        failure: count("failure_count"),
        pending: count("pending_count"),
        failures,
    })
}

/// The retry schedule of a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure (at most; at least half of it).
    pub base: Duration,
    /// The longest wait.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { base: Duration::from_secs(60), cap: Duration::from_secs(6 * 3600) }
    }
}

impl Backoff {
    /// The wait after `failures` consecutive failures (≥ 1). `jitter` in `[0, 1)` comes from
    /// the caller's random source.
    #[must_use]
    pub fn delay(&self, failures: u32, jitter: f64) -> Duration {
        let exp = failures.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1u32 << exp).min(self.cap);
        let jitter = jitter.clamp(0.0, 1.0);
        full / 2 + full.div_f64(2.0).mul_f64(jitter)
    }
}

/// Reads a `Retry-After` header value (RFC 9110 §10.2.3): delay-seconds, or an HTTP-date
/// (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`) taken relative to `now`. A date in the past
/// means no wait; anything else unreadable is `None`. Waits are capped at one day.
#[must_use]
pub fn retry_after(value: &str, now: time::OffsetDateTime) -> Option<Duration> {
    const DAY: Duration = Duration::from_secs(86_400);
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.parse::<u64>().map_or(DAY, Duration::from_secs).min(DAY));
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(v, format).ok()?.assume_utc();
    let wait = at - now;
    Some(if wait.is_negative() { Duration::ZERO } else { Duration::try_from(wait).map_or(DAY, |d| d.min(DAY)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_urls_are_checked_and_normalised() {
        let u = parse_collection_url("https://hub.example/taxii2/council/collections/abc")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(u.collection, "https://hub.example/taxii2/council/collections/abc/");
        assert_eq!(u.api_root, "https://hub.example/taxii2/council/");
        assert_eq!(u.objects(), "https://hub.example/taxii2/council/collections/abc/objects/");
        assert_eq!(u.status("s1"), "https://hub.example/taxii2/council/status/s1/");
        assert!(parse_collection_url("http://127.0.0.1:8080/taxii2/a/collections/x/").is_ok());
        assert!(parse_collection_url("http://localhost/r/collections/x/").is_ok());
        assert!(parse_collection_url("http://[::1]:9/r/collections/x/").is_ok());
        assert!(parse_collection_url("http://hub.example/r/collections/x/").is_err());
        assert!(parse_collection_url("ftp://hub.example/r/collections/x/").is_err());
        assert!(parse_collection_url("https://u:p@hub.example/r/collections/x/").is_err());
        assert!(parse_collection_url("https://hub.example/r/collections/").is_err());
        assert!(parse_collection_url("https://hub.example/r/x/").is_err());
        assert!(parse_collection_url("https://hub.example/r/collections/x/?a=b").is_err());
        assert!(parse_collection_url("https://hub.example/../collections/x/").is_err());
    }

    #[test]
    fn internal_addresses_are_recognised() {
        let internal = [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ];
        for a in internal {
            assert!(is_internal_address(a.parse().unwrap_or(std::net::IpAddr::from([8, 8, 8, 8]))), "{a}");
        }
        for a in ["8.8.8.8", "203.0.113.9", "2001:4860:4860::8888", "100.128.0.1"] {
            assert!(!is_internal_address(a.parse().unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]))), "{a}");
        }
    }

    #[test]
    fn amber_strict_and_red_never_leave() {
        assert!(check_push_ceiling(Tlp::Amber).is_ok());
        assert!(check_push_ceiling(Tlp::AmberStrict).is_err());
        assert!(check_push_ceiling(Tlp::Red).is_err());
        assert!(may_push(Tlp::Green, Tlp::Green));
        assert!(!may_push(Tlp::Amber, Tlp::Green));
        assert!(!may_push(Tlp::Red, Tlp::Red));
    }

    #[test]
    fn each_wait_is_longer_than_the_last_until_the_cap() {
        let b = Backoff { base: Duration::from_secs(10), cap: Duration::from_secs(300) };
        assert_eq!(b.delay(1, 0.0), Duration::from_secs(5));
        assert!(b.delay(1, 0.999) < b.delay(2, 0.0));
        assert!(b.delay(3, 0.5) > b.delay(2, 0.99));
        assert!(b.delay(50, 0.999) <= Duration::from_secs(300));
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = time::macros::datetime!(2025-06-01 12:00:00 UTC);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(retry_after("99999999999999999999", now), Some(Duration::from_secs(86_400)));
        assert_eq!(retry_after("Sun, 01 Jun 2025 12:01:30 GMT", now), Some(Duration::from_secs(90)));
        assert_eq!(retry_after("Sun, 01 Jun 2025 11:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
    }
}
