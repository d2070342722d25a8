//! Observables to look up (IP addresses, domains, URLs, file hashes), their normalisation, and
//! type auto-detection from raw strings for the bulk matching API.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A file hash, typed by its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashValue {
    /// 128-bit MD5.
    Md5([u8; 16]),
    /// 160-bit SHA-1.
    Sha1([u8; 20]),
    /// 256-bit SHA-256.
    Sha256([u8; 32]),
    /// 512-bit SHA-512.
    Sha512([u8; 64]),
}

impl HashValue {
    /// Number of hexadecimal digits of this hash type.
    #[must_use]
    pub fn hex_len(&self) -> usize {
        match self {
            Self::Md5(_) => 32,
            Self::Sha1(_) => 40,
            Self::Sha256(_) => 64,
            Self::Sha512(_) => 128,
        }
    }

    /// The STIX hash-algorithm name.
    #[must_use]
    pub fn algorithm(&self) -> &'static str {
        match self {
            Self::Md5(_) => "MD5",
            Self::Sha1(_) => "SHA-1",
            Self::Sha256(_) => "SHA-256",
            Self::Sha512(_) => "SHA-512",
        }
    }
}

fn decode<const N: usize>(hex_text: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    hex::decode_to_slice(hex_text, &mut out).ok().map(|()| out)
}

/// Parses a hexadecimal hash (any case) of 32, 40, 64 or 128 digits.
///
/// # Errors
/// A message when the text is not hexadecimal of a supported length.
pub fn parse_hash_hex(text: &str) -> Result<HashValue, String> {
    let t = text.trim();
    let v = match t.len() {
        32 => decode::<16>(t).map(HashValue::Md5),
        40 => decode::<20>(t).map(HashValue::Sha1),
        64 => decode::<32>(t).map(HashValue::Sha256),
        128 => decode::<64>(t).map(HashValue::Sha512),
        _ => return Err("hashes have 32, 40, 64 or 128 hexadecimal digits".to_owned()),
    };
    v.ok_or_else(|| "not hexadecimal".to_owned())
}

/// Lower-cases a domain, drops one trailing dot and checks its labels (1-63 characters,
/// letters, digits, hyphens, underscores or non-ASCII characters, no leading/trailing hyphen,
/// at most 253 characters). Internationalised names are compared as given (no Punycode).
///
/// # Errors
/// A message naming the broken rule.
pub fn normalize_domain(text: &str) -> Result<String, String> {
    let t = text.trim();
    let t = t.strip_suffix('.').unwrap_or(t);
    if t.is_empty() || t.len() > 253 {
        return Err("domain names have 1-253 characters".to_owned());
    }
    let lower = t.to_lowercase();
    for label in lower.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err("each label has 1-63 characters".to_owned());
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("labels must not start or end with a hyphen".to_owned());
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii()) {
            return Err("labels contain letters, digits and hyphens only".to_owned());
        }
    }
    Ok(lower)
}

/// The parts of a URL that matching looks at.
struct UrlParts<'a> {
    scheme: &'a str,
    userinfo: Option<&'a str>,
    host: &'a str,
    port: Option<&'a str>,
    rest: &'a str,
}

fn split_url(text: &str) -> Result<UrlParts<'_>, String> {
    let (scheme, after) = text.split_once("://").ok_or_else(|| "a URL needs a scheme such as http://".to_owned())?;
    if scheme.is_empty()
        || !scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Err("invalid URL scheme".to_owned());
    }
    let auth_end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(auth_end);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (h, tail) = v6.split_once(']').ok_or_else(|| "unterminated IPv6 literal".to_owned())?;
        (h, tail.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    if host.is_empty() {
        return Err("a URL needs a host".to_owned());
    }
    if let Some(p) = port
        && !p.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("the port must be numeric".to_owned());
    }
    Ok(UrlParts { scheme, userinfo, host, port, rest })
}

/// Normalises a URL for exact matching: scheme and host lower-cased, a trailing dot on the
/// host and the scheme's default port removed, an empty path written as `/`, and the fragment
/// dropped (it never reaches the server). Path and query keep their case.
///
/// # Errors
/// A message when the text is not an absolute URL with a host.
pub fn normalize_url(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.len() > 8_192 {
        return Err("URLs are limited to 8192 characters".to_owned());
    }
    if t.chars().any(char::is_whitespace) {
        return Err("URLs contain no whitespace".to_owned());
    }
    let u = split_url(t)?;
    let scheme = u.scheme.to_ascii_lowercase();
    let host = u.host.strip_suffix('.').unwrap_or(u.host).to_lowercase();
    let default_port = match scheme.as_str() {
        "http" | "ws" => Some("80"),
        "https" | "wss" => Some("443"),
        "ftp" => Some("21"),
        _ => None,
    };
    let port = u.port.filter(|p| !p.is_empty() && Some(*p) != default_port);
    let rest = u.rest.split('#').next().unwrap_or("");
    let mut out = String::with_capacity(t.len());
    out.push_str(&scheme);
    out.push_str("://");
    if let Some(ui) = u.userinfo {
        out.push_str(ui);
        out.push('@');
    }
    if host.contains(':') {
        out.push('[');
        out.push_str(&host);
        out.push(']');
    } else {
        out.push_str(&host);
    }
    if let Some(p) = port {
        out.push(':');
        out.push_str(p);
    }
    if !rest.starts_with('/') {
        out.push('/');
    }
    out.push_str(rest);
    Ok(out)
}

/// The host of an already normalised URL.
pub(crate) fn url_host(normalized: &str) -> Option<&str> {
    split_url(normalized).ok().map(|u| u.host)
}

/// A value to look up in a [`super::MatchIndex`]. Domain and URL values must be normalised:
/// build them with [`Observable::domain`], [`Observable::url`] or [`classify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observable {
    /// An IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 address.
    Ipv6(Ipv6Addr),
    /// A normalised domain name.
    Domain(String),
    /// A normalised URL.
    Url(String),
    /// A file hash.
    Hash(HashValue),
}

impl Observable {
    /// A domain observable, normalised.
    ///
    /// # Errors
    /// As [`normalize_domain`].
    pub fn domain(text: &str) -> Result<Self, String> {
        normalize_domain(text).map(Self::Domain)
    }

    /// A URL observable, normalised.
    ///
    /// # Errors
    /// As [`normalize_url`].
    pub fn url(text: &str) -> Result<Self, String> {
        normalize_url(text).map(Self::Url)
    }

    /// The observable's kind as a short name (`ipv4`, `ipv6`, `domain`, `url`, `hash`).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Ipv4(_) => "ipv4",
            Self::Ipv6(_) => "ipv6",
            Self::Domain(_) => "domain",
            Self::Url(_) => "url",
            Self::Hash(_) => "hash",
        }
    }
}

/// Why a raw string could not be classified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassifyError {
    /// Empty after trimming.
    #[error("empty value")]
    Empty,
    /// Looked like a URL but is malformed.
    #[error("`{value}` looks like a URL but is invalid: {reason}")]
    BadUrl {
        /// Input (truncated).
        value: String,
        /// Why.
        reason: String,
    },
    /// None of the supported kinds.
    #[error("`{0}` is not an IP address, domain, URL or MD5/SHA-1/SHA-256/SHA-512 hash")]
    Unrecognised(String),
}

/// Detects the kind of a raw value: IPv4, IPv6 (optionally in brackets), URL (has `://`),
/// hexadecimal hash of a known length, or domain name (has a dot and a non-numeric last label).
///
/// # Errors
/// [`ClassifyError`] when the value is none of these.
pub fn classify(raw: &str) -> Result<Observable, ClassifyError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(ClassifyError::Empty);
    }
    let short = || t.chars().take(200).collect::<String>();
    let bare = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')).unwrap_or(t);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(match ip {
            IpAddr::V4(v4) => Observable::Ipv4(v4),
            IpAddr::V6(v6) => Observable::Ipv6(v6),
        });
    }
    if t.contains("://") {
        return Observable::url(t).map_err(|reason| ClassifyError::BadUrl { value: short(), reason });
    }
    if matches!(t.len(), 32 | 40 | 64 | 128) && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return parse_hash_hex(t).map(Observable::Hash).map_err(|_| ClassifyError::Unrecognised(short()));
    }
    if t.contains('.') {
        let last = t.trim_end_matches('.').rsplit('.').next().unwrap_or("");
        let numeric_tld = !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit());
        if !numeric_tld && let Ok(d) = normalize_domain(t) {
            return Ok(Observable::Domain(d));
        }
    }
    Err(ClassifyError::Unrecognised(short()))
}
