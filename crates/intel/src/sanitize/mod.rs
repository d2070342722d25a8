//! De-identification of submitted reports before they are published to a circle: identities
//! become pseudonymous identities, and e-mail addresses, internal host names, chosen literal
//! terms and (optionally) private IP addresses in any text are replaced. Every replacement is
//! listed as a [`Change`] so the hub analyst and the reporter can preview and approve it.
//!
//! Pseudonyms are derived with HMAC-SHA256 under a caller-supplied key, so the same value
//! always gets the same pseudonym under one key (reports stay linkable inside the hub) while
//! nobody without the key can reverse or confirm a guess.

mod scan;

use std::collections::{BTreeMap, BTreeSet};

use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

use crate::stix::escape_pointer_token;
use crate::stix::ids::{ObjectFamily, format_uuid, parse_id};

pub use scan::{Finding, FindingKind, find_sensitive};

/// Which e-mail addresses to replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailScope {
    /// Every address (the default: reporters' contacts are the usual leak).
    All,
    /// Only addresses under the internal domain suffixes (keeps attacker addresses as intel).
    InternalOnly,
    /// None.
    Off,
}

/// What to de-identify, and the pseudonym key.
#[derive(Debug, Clone)]
pub struct SanitizeRules {
    /// Key for deterministic pseudonyms (keep it secret and stable per hub).
    pub key: Vec<u8>,
    /// Internal DNS suffixes such as `corp.example.co.jp`; matching host names are replaced.
    pub internal_domain_suffixes: Vec<String>,
    /// Which e-mail addresses to replace.
    pub emails: EmailScope,
    /// Replace RFC 1918, link-local and unique-local addresses.
    pub private_ips: bool,
    /// Literal terms (company names, plant names, people) to replace wherever they appear.
    pub terms: Vec<String>,
    /// The reporter's identity id: pseudonymised even if its identity object is not included.
    pub reporter_identity: Option<String>,
    /// Identity ids to keep as they are (the hub itself, public sources such as MITRE).
    pub keep_identities: BTreeSet<String>,
}

impl SanitizeRules {
    /// Rules with the given key and the defaults: all e-mail addresses, no private IPs.
    #[must_use]
    pub fn new(key: &[u8]) -> Self {
        Self {
            key: key.to_vec(),
            internal_domain_suffixes: Vec::new(),
            emails: EmailScope::All,
            private_ips: false,
            terms: Vec::new(),
            reporter_identity: None,
            keep_identities: BTreeSet::new(),
        }
    }

    fn digest(&self, domain: &str, value: &str) -> [u8; 32] {
        // HMAC takes keys of any length; the fallback only exists to avoid a panic path.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key)
            .unwrap_or_else(|_| <Hmac<Sha256> as hmac::digest::KeyInit>::new(&Default::default()));
        mac.update(domain.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn tag(&self, domain: &str, value: &str) -> String {
        hex::encode(&self.digest(domain, value)[..4])
    }

    /// The pseudonymous id that replaces `id` (same type, UUIDv4-shaped keyed hash).
    #[must_use]
    pub fn pseudonym_id(&self, id: &str) -> String {
        let ty = parse_id(id).map_or("identity", |(t, _)| t);
        let d = self.digest("id", id);
        let mut b = [0u8; 16];
        b.copy_from_slice(&d[..16]);
        format!("{ty}--{}", format_uuid(b, 4))
    }

    /// The pseudonymous display name of an identity.
    #[must_use]
    pub fn pseudonym_name(&self, id: &str) -> String {
        format!("Anonymous organization {}", self.tag("identity", id).to_uppercase())
    }

    /// A pseudonymous identity object standing in for `original_id`, for when the original
    /// identity object is not part of the sanitised content. `created` is supplied by the
    /// caller (no clock is read here).
    #[must_use]
    pub fn pseudonymous_identity(&self, original_id: &str, created: &str) -> Value {
        serde_json::json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": self.pseudonym_id(original_id),
            "created": created,
            "modified": created,
            "name": self.pseudonym_name(original_id),
            "identity_class": "organization",
        })
    }

    fn replacement(&self, kind: FindingKind, text: &str) -> String {
        let norm = text.to_lowercase().replace('＠', "@");
        match kind {
            FindingKind::Email => format!("redacted-{}@redacted.invalid", self.tag("email", &norm)),
            FindingKind::InternalHost => {
                format!("host-{}.redacted.invalid", self.tag("host", &norm))
            }
            FindingKind::PrivateIpv4 => {
                // 198.18.0.0/15 (RFC 2544) is reserved and never routed, and has room for
                // 131,072 distinct pseudonyms, so collisions stay rare.
                let d = self.digest("ipv4", &norm);
                format!("198.{}.{}.{}", 18 + (d[0] & 1), d[1], d[2])
            }
            FindingKind::PrivateIpv6 => {
                let d = self.digest("ipv6", &norm);
                let mut b = [0u8; 16];
                b[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
                b[4..].copy_from_slice(&d[..12]);
                std::net::Ipv6Addr::from(b).to_string()
            }
            FindingKind::Term => format!("[REDACTED-{}]", self.tag("term", &norm).to_uppercase()),
        }
    }
}

/// Which rule produced a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeRule {
    /// An identity's name replaced by its pseudonym.
    IdentityName,
    /// An identifying property of an identity removed.
    IdentityProperty,
    /// An object id replaced by a pseudonymous id (identities, rewritten observables).
    ObjectId,
    /// A reference rewritten to a pseudonymous id.
    Reference,
    /// An e-mail address.
    Email,
    /// An internal host name.
    InternalHost,
    /// A private IP address.
    PrivateIp,
    /// A literal term or a pseudonymised identity's name appearing in text.
    Term,
}

/// One change, for the analyst's preview.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// JSON pointer of the changed value in the output.
    pub path: String,
    /// The original text (or JSON for a removed property).
    pub before: String,
    /// The replacement (`(removed)` for removed properties).
    pub after: String,
    /// The rule applied.
    pub rule: ChangeRule,
}

/// The sanitised content and its change list.
#[derive(Debug, Clone, PartialEq)]
pub struct Sanitized {
    /// The de-identified content, in the same shape as the input.
    pub output: Value,
    /// Every change, in document order.
    pub changes: Vec<Change>,
}

/// Why content could not be sanitised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SanitizeError {
    /// Neither a STIX object nor a bundle/envelope.
    #[error("expected a STIX object or a bundle/envelope with `objects`")]
    Shape,
    /// The key is too short to make pseudonyms unguessable.
    #[error("the pseudonym key must have at least 16 bytes")]
    WeakKey,
}

/// Properties an identity keeps; everything else (description, contact information, external
/// references, custom properties) may identify the organization and is removed.
const IDENTITY_KEEP: [&str; 11] = [
    "type",
    "spec_version",
    "id",
    "created",
    "modified",
    "name",
    "identity_class",
    "sectors",
    "object_marking_refs",
    "revoked",
    "created_by_ref",
];

/// Properties whose strings are structural and never scanned for sensitive text.
fn structural(key: &str) -> bool {
    matches!(
        key,
        "type"
            | "id"
            | "spec_version"
            | "created"
            | "modified"
            | "valid_from"
            | "valid_until"
            | "published"
            | "first_seen"
            | "last_seen"
            | "first_observed"
            | "last_observed"
            | "pattern_type"
            | "pattern_version"
            | "hashes"
    ) || key.ends_with("_ref")
        || key.ends_with("_refs")
}

/// De-identifies a STIX object, bundle or envelope.
///
/// # Errors
/// [`SanitizeError`] for other JSON shapes or a weak key.
pub fn sanitize(input: &Value, rules: &SanitizeRules) -> Result<Sanitized, SanitizeError> {
    if rules.key.len() < 16 {
        return Err(SanitizeError::WeakKey);
    }
    let mut output = input.clone();
    let (objects, base): (Vec<&mut Value>, String) = match &mut output {
        Value::Object(m) if m.get("objects").is_some_and(Value::is_array) => {
            let list = m.get_mut("objects").and_then(Value::as_array_mut).ok_or(SanitizeError::Shape)?;
            (list.iter_mut().collect(), "/objects".to_owned())
        }
        v @ Value::Object(_) => (vec![v], String::new()),
        _ => return Err(SanitizeError::Shape),
    };
    let pointer = |i: usize| {
        if base.is_empty() { String::new() } else { format!("{base}/{i}") }
    };
    let mut changes = Vec::new();
    let mut id_map: BTreeMap<String, String> = BTreeMap::new();
    let mut terms: Vec<(String, String)> = rules
        .terms
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| (t.clone(), rules.replacement(FindingKind::Term, t)))
        .collect();
    if let Some(r) = &rules.reporter_identity
        && !rules.keep_identities.contains(r)
    {
        id_map.insert(r.clone(), rules.pseudonym_id(r));
    }
    let mut objects = objects;
    // Pass 1: identities. Their names also become terms, since reports mention them in text.
    for (i, obj) in objects.iter_mut().enumerate() {
        let Some(m) = obj.as_object_mut() else {
            continue;
        };
        if m.get("type").and_then(Value::as_str) != Some("identity") {
            continue;
        }
        let Some(id) = m.get("id").and_then(Value::as_str).map(str::to_owned) else {
            continue;
        };
        if rules.keep_identities.contains(&id) {
            continue;
        }
        let p = pointer(i);
        let new_name = rules.pseudonym_name(&id);
        if let Some(old) = m.get("name").and_then(Value::as_str).map(str::to_owned) {
            changes.push(Change {
                path: format!("{p}/name"),
                before: old.clone(),
                after: new_name.clone(),
                rule: ChangeRule::IdentityName,
            });
            if !old.trim().is_empty() {
                terms.push((old, new_name.clone()));
            }
        }
        m.insert("name".to_owned(), Value::String(new_name));
        let removed: Vec<String> = m.keys().filter(|k| !IDENTITY_KEEP.contains(&k.as_str())).cloned().collect();
        for k in removed {
            if let Some(v) = m.remove(&k) {
                changes.push(Change {
                    path: format!("{p}/{}", escape_pointer_token(&k)),
                    before: v.to_string(),
                    after: "(removed)".to_owned(),
                    rule: ChangeRule::IdentityProperty,
                });
            }
        }
        id_map.insert(id.clone(), rules.pseudonym_id(&id));
    }
    // Longer terms first, so "株式会社サンプル製作所" wins over "サンプル".
    terms.sort_by_key(|t| std::cmp::Reverse(t.0.len()));
    // Pass 2: free text everywhere; observables whose values change get new ids, because a
    // deterministic SCO id (UUIDv5 of the value) would let anyone confirm a guessed value.
    for (i, obj) in objects.iter_mut().enumerate() {
        let p = pointer(i);
        let before = changes.len();
        scrub(obj, &p, rules, &terms, &mut changes);
        let changed = changes.len() > before;
        if let Some(m) = obj.as_object_mut()
            && changed
            && let Some(ty) = m.get("type").and_then(Value::as_str)
            && ObjectFamily::of(ty) == ObjectFamily::Sco
            && let Some(id) = m.get("id").and_then(Value::as_str)
        {
            id_map.insert(id.to_owned(), rules.pseudonym_id(id));
        }
    }
    // Pass 3: ids and references.
    for (i, obj) in objects.iter_mut().enumerate() {
        rewrite_refs(obj, &pointer(i), None, &id_map, &mut changes);
    }
    Ok(Sanitized { output, changes })
}

fn scrub(v: &mut Value, path: &str, rules: &SanitizeRules, terms: &[(String, String)], changes: &mut Vec<Change>) {
    match v {
        Value::String(s) => {
            if let Some(new) = scrub_text(s, path, rules, terms, changes) {
                *s = new;
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter_mut().enumerate() {
                scrub(x, &format!("{path}/{i}"), rules, terms, changes);
            }
        }
        Value::Object(m) => scrub_map(m, path, rules, terms, changes),
        _ => {}
    }
}

fn scrub_map(
    m: &mut Map<String, Value>,
    path: &str,
    rules: &SanitizeRules,
    terms: &[(String, String)],
    changes: &mut Vec<Change>,
) {
    for (k, v) in m.iter_mut() {
        if structural(k) {
            continue;
        }
        scrub(v, &format!("{path}/{}", escape_pointer_token(k)), rules, terms, changes);
    }
}

fn scrub_text(
    s: &str,
    path: &str,
    rules: &SanitizeRules,
    terms: &[(String, String)],
    changes: &mut Vec<Change>,
) -> Option<String> {
    let findings = find_sensitive(s, rules, terms.iter().map(|(t, _)| t.as_str()));
    if findings.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for f in findings {
        let original = &s[f.start..f.end];
        let replacement = match f.kind {
            FindingKind::Term => terms
                .iter()
                .find(|(t, _)| t == original)
                .map_or_else(|| rules.replacement(f.kind, original), |(_, r)| r.clone()),
            kind => rules.replacement(kind, original),
        };
        out.push_str(&s[last..f.start]);
        out.push_str(&replacement);
        last = f.end;
        changes.push(Change {
            path: path.to_owned(),
            before: original.to_owned(),
            after: replacement,
            rule: match f.kind {
                FindingKind::Email => ChangeRule::Email,
                FindingKind::InternalHost => ChangeRule::InternalHost,
                FindingKind::PrivateIpv4 | FindingKind::PrivateIpv6 => ChangeRule::PrivateIp,
                FindingKind::Term => ChangeRule::Term,
            },
        });
    }
    out.push_str(&s[last..]);
    Some(out)
}

fn rewrite_refs(
    v: &mut Value,
    path: &str,
    key: Option<&str>,
    id_map: &BTreeMap<String, String>,
    changes: &mut Vec<Change>,
) {
    match v {
        Value::String(s) => {
            let Some(k) = key else { return };
            if !(k == "id" || k.ends_with("_ref") || k.ends_with("_refs")) {
                return;
            }
            if let Some(new) = id_map.get(s.as_str()) {
                changes.push(Change {
                    path: path.to_owned(),
                    before: s.clone(),
                    after: new.clone(),
                    rule: if k == "id" { ChangeRule::ObjectId } else { ChangeRule::Reference },
                });
                *s = new.clone();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter_mut().enumerate() {
                rewrite_refs(x, &format!("{path}/{i}"), key, id_map, changes);
            }
        }
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                let p = format!("{path}/{}", escape_pointer_token(k));
                rewrite_refs(x, &p, Some(k), id_map, changes);
            }
        }
        _ => {}
    }
}
