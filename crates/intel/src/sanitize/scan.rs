//! Finding sensitive spans in free text (English or Japanese): e-mail addresses (including the
//! full-width `＠` used in Japanese text), internal host names, private IP addresses and
//! literal terms. Returns byte spans that never overlap.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{EmailScope, SanitizeRules};

/// What a span contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// An e-mail address.
    Email,
    /// A host name under an internal suffix.
    InternalHost,
    /// A private, link-local or shared IPv4 address.
    PrivateIpv4,
    /// A link-local or unique-local IPv6 address.
    PrivateIpv6,
    /// A literal term.
    Term,
}

/// A sensitive span `[start, end)` in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// Kind.
    pub kind: FindingKind,
}

fn host_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.'
}

fn local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn under_suffix(host: &str, suffixes: &[String]) -> bool {
    let h = host.to_ascii_lowercase();
    suffixes.iter().any(|s| {
        let s = s.trim().trim_matches('.').to_ascii_lowercase();
        !s.is_empty() && (h == s || h.ends_with(&format!(".{s}")))
    })
}

fn trim_host(bytes: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && matches!(bytes[start], b'.' | b'-') {
        start += 1;
    }
    while end > start && matches!(bytes[end - 1], b'.' | b'-') {
        end -= 1;
    }
    (start, end)
}

fn emails(s: &str, rules: &SanitizeRules, out: &mut Vec<Finding>) {
    if rules.emails == EmailScope::Off {
        return;
    }
    let b = s.as_bytes();
    for (at, c) in s.char_indices().filter(|(_, c)| *c == '@' || *c == '＠') {
        let after = at + c.len_utf8();
        let mut start = at;
        while start > 0 && local_char(b[start - 1]) {
            start -= 1;
        }
        while start < at && b[start] == b'.' {
            start += 1;
        }
        let mut end = after;
        while end < b.len() && host_char(b[end]) {
            end += 1;
        }
        let (dstart, dend) = trim_host(b, after, end);
        if start == at || dstart != after || dend <= dstart {
            continue;
        }
        let domain = &s[dstart..dend];
        if !domain.contains('.') {
            continue;
        }
        if rules.emails == EmailScope::InternalOnly && !under_suffix(domain, &rules.internal_domain_suffixes) {
            continue;
        }
        out.push(Finding { start, end: dend, kind: FindingKind::Email });
    }
}

/// Maximal ASCII runs of `pred` characters, as byte ranges.
fn runs(s: &str, pred: impl Fn(u8) -> bool) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if pred(b[i]) {
            let start = i;
            while i < b.len() && pred(b[i]) {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

fn hosts(s: &str, rules: &SanitizeRules, out: &mut Vec<Finding>) {
    if rules.internal_domain_suffixes.is_empty() {
        return;
    }
    let b = s.as_bytes();
    for (start, end) in runs(s, host_char) {
        let (start, end) = trim_host(b, start, end);
        if end > start && under_suffix(&s[start..end], &rules.internal_domain_suffixes) {
            out.push(Finding { start, end, kind: FindingKind::InternalHost });
        }
    }
}

fn private_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    // RFC 1918, link-local, and RFC 6598 shared address space (carrier-grade NAT).
    ip.is_private() || ip.is_link_local() || (o[0] == 100 && (o[1] & 0xc0) == 64)
}

fn private_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    (first & 0xffc0) == 0xfe80 || (first & 0xfe00) == 0xfc00
}

fn ips(s: &str, rules: &SanitizeRules, out: &mut Vec<Finding>) {
    if !rules.private_ips {
        return;
    }
    let b = s.as_bytes();
    for (start, end) in runs(s, |c| c.is_ascii_digit() || c == b'.') {
        let (start, mut end) = (start, end);
        while end > start && b[end - 1] == b'.' {
            end -= 1;
        }
        let glued =
            (start > 0 && b[start - 1].is_ascii_alphanumeric()) || (end < b.len() && b[end].is_ascii_alphanumeric());
        if glued {
            continue;
        }
        if let Ok(ip) = s[start..end].parse::<Ipv4Addr>()
            && private_v4(ip)
        {
            out.push(Finding { start, end, kind: FindingKind::PrivateIpv4 });
        }
    }
    for (start, end) in runs(s, |c| c.is_ascii_hexdigit() || c == b':' || c == b'.') {
        let text = &s[start..end];
        if text.matches(':').count() < 2 {
            continue;
        }
        if let Ok(ip) = text.trim_end_matches('.').parse::<Ipv6Addr>()
            && private_v6(ip)
        {
            out.push(Finding { start, end: start + text.trim_end_matches('.').len(), kind: FindingKind::PrivateIpv6 });
        }
    }
}

fn literal_terms<'t>(s: &str, terms: impl Iterator<Item = &'t str>, out: &mut Vec<Finding>) {
    for t in terms {
        if t.is_empty() {
            continue;
        }
        for (start, m) in s.match_indices(t) {
            out.push(Finding { start, end: start + m.len(), kind: FindingKind::Term });
        }
    }
}

/// Finds sensitive spans in `s`. Overlaps are resolved by priority (e-mail, term, host, IP)
/// and then by position, so each byte is replaced at most once.
pub fn find_sensitive<'t>(s: &str, rules: &SanitizeRules, terms: impl Iterator<Item = &'t str>) -> Vec<Finding> {
    let mut all = Vec::new();
    emails(s, rules, &mut all);
    literal_terms(s, terms, &mut all);
    hosts(s, rules, &mut all);
    ips(s, rules, &mut all);
    // `all` is already in priority order; accept each span that does not overlap one taken.
    let mut taken: Vec<Finding> = Vec::new();
    for f in all {
        if !taken.iter().any(|t| f.start < t.end && t.start < f.end) {
            taken.push(f);
        }
    }
    taken.sort_by_key(|f| f.start);
    taken
}
