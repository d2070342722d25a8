//! De-identification of realistic reports, Japanese text included.

use mamori_intel::sanitize::{ChangeRule, EmailScope, SanitizeError, SanitizeRules, sanitize};
use serde_json::{Value, json};

const KEY: &[u8] = b"hub-pseudonym-key-0123456789";
const REPORTER: &str = "identity--7b5b3e48-8c5e-4b34-9a4f-5f1d2f6f0d11";

fn report() -> Value {
    json!({
        "type": "bundle",
        "id": "bundle--0f0b9a3e-8a1e-4c55-9d3c-2b9b6c1d8e01",
        "objects": [
            {
                "type": "identity", "spec_version": "2.1", "id": REPORTER,
                "created": "2024-05-01T00:00:00.000Z", "modified": "2024-05-01T00:00:00.000Z",
                "name": "株式会社サンプル製作所", "identity_class": "organization",
                "sectors": ["manufacturing"],
                "contact_information": "情報システム部 山田太郎 taro.yamada@corp.example.co.jp 03-1234-5678",
                "description": "Reporter"
            },
            {
                "type": "report", "spec_version": "2.1", "id": "report--2c9e0d7a-3f5b-4a8e-9d1c-6b7a8e9f0a12",
                "created": "2024-05-02T01:02:03.000Z", "modified": "2024-05-02T01:02:03.000Z",
                "created_by_ref": REPORTER,
                "name": "株式会社サンプル製作所 工場ネットワークへの不審な通信",
                "published": "2024-05-02T01:02:03.000Z",
                "description": "5月1日、fs01.corp.example.co.jp（10.20.30.40）から攻撃者のC2サーバ198.51.100.7へ通信を確認。担当：taro.yamada＠corp.example.co.jp。攻撃メールの差出人は attacker@evil.example でした。",
                "object_refs": ["indicator--5d2f3a1b-4c6e-4f8a-9b0c-1d2e3f4a5b6c", "ipv4-addr--1f2e3d4c-5b6a-5789-8a0b-1c2d3e4f5a6b"]
            },
            {
                "type": "indicator", "spec_version": "2.1", "id": "indicator--5d2f3a1b-4c6e-4f8a-9b0c-1d2e3f4a5b6c",
                "created": "2024-05-02T01:02:03.000Z", "modified": "2024-05-02T01:02:03.000Z",
                "created_by_ref": REPORTER,
                "pattern": "[ipv4-addr:value = '198.51.100.7']", "pattern_type": "stix",
                "valid_from": "2024-05-01T00:00:00Z"
            },
            {
                "type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--1f2e3d4c-5b6a-5789-8a0b-1c2d3e4f5a6b",
                "value": "10.20.30.40"
            }
        ]
    })
}

fn rules() -> SanitizeRules {
    let mut r = SanitizeRules::new(KEY);
    r.internal_domain_suffixes = vec!["corp.example.co.jp".into()];
    r.private_ips = true;
    r.reporter_identity = Some(REPORTER.into());
    r
}

#[test]
fn a_japanese_report_is_de_identified_with_a_preview() {
    let out = sanitize(&report(), &rules()).unwrap();
    let text = out.output.to_string();
    for secret in ["サンプル製作所", "taro.yamada", "corp.example.co.jp", "10.20.30.40", "山田太郎", REPORTER]
    {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    // Threat intelligence survives: the public C2 address and the indicator pattern.
    assert!(text.contains("198.51.100.7"));
    let objects = out.output["objects"].as_array().unwrap();
    let identity = &objects[0];
    assert!(identity["name"].as_str().unwrap().starts_with("Anonymous organization "));
    assert!(identity.get("contact_information").is_none() && identity.get("description").is_none());
    assert_eq!(identity["sectors"], json!(["manufacturing"]));
    let new_id = identity["id"].as_str().unwrap();
    assert!(mamori_intel::stix::parse_id(new_id).is_ok());
    assert_eq!(objects[1]["created_by_ref"], json!(new_id));
    assert_eq!(objects[2]["created_by_ref"], json!(new_id));
    let desc = objects[1]["description"].as_str().unwrap();
    assert!(desc.starts_with("5月1日、host-"), "{desc}");
    assert!(desc.contains(".redacted.invalid（198.1"), "{desc}");
    assert!(objects[1]["name"].as_str().unwrap().ends_with(" 工場ネットワークへの不審な通信"));
    // The private-address observable gets a pseudonymous id, and the report follows it.
    let sco_id = objects[3]["id"].as_str().unwrap();
    assert_ne!(sco_id, "ipv4-addr--1f2e3d4c-5b6a-5789-8a0b-1c2d3e4f5a6b");
    assert_eq!(objects[1]["object_refs"][1], json!(sco_id));
    // The result is still valid STIX.
    let report = mamori_intel::stix::validate_envelope(&out.output).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);

    let rules_seen: Vec<ChangeRule> = out.changes.iter().map(|c| c.rule).collect();
    for r in [
        ChangeRule::IdentityName,
        ChangeRule::IdentityProperty,
        ChangeRule::ObjectId,
        ChangeRule::Reference,
        ChangeRule::Email,
        ChangeRule::InternalHost,
        ChangeRule::PrivateIp,
        ChangeRule::Term,
    ] {
        assert!(rules_seen.contains(&r), "missing {r:?} in {:#?}", out.changes);
    }
    let email = out.changes.iter().find(|c| c.rule == ChangeRule::Email && c.path == "/objects/1/description").unwrap();
    assert_eq!(email.before, "taro.yamada＠corp.example.co.jp");
    assert!(email.after.ends_with("@redacted.invalid"));
    let term = out.changes.iter().find(|c| c.rule == ChangeRule::Term).unwrap();
    assert_eq!((term.path.as_str(), term.before.as_str()), ("/objects/1/name", "株式会社サンプル製作所"));
}

#[test]
fn pseudonyms_are_deterministic_per_key() {
    let a = sanitize(&report(), &rules()).unwrap();
    let b = sanitize(&report(), &rules()).unwrap();
    assert_eq!(a.output, b.output);
    let mut other = rules();
    other.key = b"another-key-0123456789abcdef".to_vec();
    let c = sanitize(&report(), &other).unwrap();
    assert_ne!(a.output["objects"][0]["id"], c.output["objects"][0]["id"]);
    // The same address gets the same pseudonym in both places it appears.
    let addr = a.changes.iter().filter(|c| c.before == "10.20.30.40").map(|c| c.after.clone()).collect::<Vec<_>>();
    assert_eq!(addr.len(), 2);
    assert_eq!(addr[0], addr[1]);
}

#[test]
fn scopes_and_switches_limit_what_is_replaced() {
    let mut r = rules();
    r.emails = EmailScope::InternalOnly;
    r.private_ips = false;
    let out = sanitize(&report(), &r).unwrap();
    let text = out.output.to_string();
    assert!(text.contains("attacker@evil.example"), "external sender kept as intelligence");
    assert!(text.contains("10.20.30.40"));
    assert!(!text.contains("taro.yamada"));
    let mut all = rules();
    all.emails = EmailScope::All;
    assert!(!sanitize(&report(), &all).unwrap().output.to_string().contains("attacker@evil.example"));
}

#[test]
fn kept_identities_and_custom_terms_are_honoured() {
    let mut r = rules();
    r.keep_identities.insert(REPORTER.into());
    r.reporter_identity = None;
    r.terms = vec!["工場".into()];
    let out = sanitize(&report(), &r).unwrap();
    assert_eq!(out.output["objects"][0]["name"], json!("株式会社サンプル製作所"));
    let name = out.output["objects"][1]["name"].as_str().unwrap();
    assert!(name.contains("[REDACTED-") && !name.contains("工場"), "{name}");
}

#[test]
fn a_reporter_absent_from_the_bundle_is_still_replaced_in_references() {
    let mut bundle = report();
    bundle["objects"].as_array_mut().unwrap().remove(0);
    let r = rules();
    let out = sanitize(&bundle, &r).unwrap();
    assert_eq!(out.output["objects"][0]["created_by_ref"], json!(r.pseudonym_id(REPORTER)));
    let stand_in = r.pseudonymous_identity(REPORTER, "2024-05-02T00:00:00.000Z");
    assert!(mamori_intel::stix::validate_object(&stand_in).is_ok());
    assert_eq!(stand_in["id"], json!(r.pseudonym_id(REPORTER)));
}

#[test]
fn bad_shapes_and_weak_keys_are_errors() {
    assert_eq!(sanitize(&json!([1]), &rules()).unwrap_err(), SanitizeError::Shape);
    assert_eq!(sanitize(&report(), &SanitizeRules::new(b"short")).unwrap_err(), SanitizeError::WeakKey);
}

#[test]
fn link_local_and_unique_local_ipv6_addresses_are_replaced() {
    let obj = json!({"type": "note", "spec_version": "2.1", "id": "note--2c9e0d7a-3f5b-4a8e-9d1c-6b7a8e9f0a12",
        "created": "2024-05-02T01:02:03.000Z", "modified": "2024-05-02T01:02:03.000Z",
        "content": "PLC at fe80::1ff:fe23:4567:890a and fd12:3456::1, public 2001:db8::5.",
        "object_refs": ["report--2c9e0d7a-3f5b-4a8e-9d1c-6b7a8e9f0a12"]});
    let out = sanitize(&obj, &rules()).unwrap();
    let content = out.output["content"].as_str().unwrap();
    assert!(!content.contains("fe80::1ff") && !content.contains("fd12:3456"), "{content}");
    assert!(content.contains("2001:db8::5."), "{content}");
    assert_eq!(out.changes.iter().filter(|c| c.rule == ChangeRule::PrivateIp).count(), 2);
    assert!(out.changes.iter().all(|c| c.path == "/content"));
}

proptest::proptest! {
    #[test]
    fn arbitrary_text_never_panics_and_never_keeps_an_internal_host(
        prefix in "\\PC{0,40}", host in "[a-z0-9]{1,10}", suffix in "\\PC{0,40}"
    ) {
        let text = format!("{prefix} {host}.corp.example.co.jp {suffix}");
        let obj = json!({"type": "note", "spec_version": "2.1", "id": "note--2c9e0d7a-3f5b-4a8e-9d1c-6b7a8e9f0a12",
            "created": "2024-05-02T01:02:03.000Z", "modified": "2024-05-02T01:02:03.000Z",
            "content": text, "object_refs": ["report--2c9e0d7a-3f5b-4a8e-9d1c-6b7a8e9f0a12"]});
        let out = sanitize(&obj, &rules()).unwrap();
        let content = out.output["content"].as_str().unwrap().to_ascii_lowercase();
        let leaked = format!("{host}.corp.example.co.jp");
        proptest::prop_assert!(!content.contains(&leaked), "leaked {}", leaked);
    }
}
