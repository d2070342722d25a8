//! TAXII query parameters, media negotiation and the error body.

use mamori_intel::taxii::{
    Endpoint, MediaError, MediaKind, QueryError, QueryLimits, TaxiiError, check_content_type, negotiate_accept,
    parse_query,
};
use proptest::prelude::*;

fn parse(q: &str) -> Result<mamori_intel::taxii::ObjectQuery, QueryError> {
    parse_query(q, Endpoint::Objects, QueryLimits::default())
}

#[test]
fn every_filter_is_parsed_into_typed_values() {
    let q = parse("added_after=2016-02-01T00:00:01.000Z&limit=50&next=abc_-9&match%5Bid%5D=indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f,malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f&match[type]=indicator,x-mitre-tactic&match[version]=first,2016-01-01T00:00:00Z&match[spec_version]=2.0,2.1&match[unknown]=x").unwrap();
    assert_eq!(q.added_after.unwrap().as_str(), "2016-02-01T00:00:01.000Z");
    assert_eq!((q.limit, q.limit_clamped), (50, false));
    assert_eq!(q.next.as_deref(), Some("abc_-9"));
    assert_eq!(q.ids.unwrap().len(), 2);
    assert_eq!(q.types.unwrap(), ["indicator", "x-mitre-tactic"]);
    assert!(q.versions.first && !q.versions.last && !q.versions.all);
    assert_eq!(q.versions.exact.len(), 1);
    assert_eq!(q.spec_versions.unwrap(), ["2.0", "2.1"]);
}

#[test]
fn defaults_are_last_version_and_the_default_limit() {
    let q = parse("").unwrap();
    assert!(q.versions.last && !q.versions.first && !q.versions.all && q.versions.exact.is_empty());
    assert_eq!(q.limit, 1_000);
    assert!(q.spec_versions.is_none() && q.ids.is_none());
}

#[test]
fn oversized_limits_are_clamped() {
    let q = parse("limit=99999999999999999999999").unwrap();
    assert_eq!((q.limit, q.limit_clamped), (10_000, true));
}

fn rejects(q: &str, param: Option<&str>) {
    let err = parse(q).expect_err(q);
    assert_eq!(err.param(), param, "{q}: {err}");
    let body = err.to_taxii_error();
    assert_eq!(body.status(), 400);
    assert_eq!(body.http_status.as_deref(), Some("400"));
}

#[test]
fn malformed_parameters_are_typed_400_errors() {
    rejects("added_after=yesterday", Some("added_after"));
    rejects("added_after=2016-02-01T00:00:01+09:00", Some("added_after"));
    rejects("limit=0", Some("limit"));
    rejects("limit=-5", Some("limit"));
    rejects("limit=ten", Some("limit"));
    rejects("limit=", Some("limit"));
    rejects("limit=1&limit=2", Some("limit"));
    rejects("match[version]=all,last", Some("match[version]"));
    rejects("match[version]=newest", Some("match[version]"));
    rejects("match[id]=indicator", Some("match[id]"));
    rejects("match[type]=Indicator", Some("match[type]"));
    rejects("match[type]=indicator,%20malware", Some("match[type]"));
    rejects("match[type]=indicator,,malware", Some("match[type]"));
    rejects("match[spec_version]=two", Some("match[spec_version]"));
    rejects("next=has%20space", Some("next"));
    rejects("limit=%ZZ", None);
    rejects("limit=%FF", None);
}

#[test]
fn endpoint_specific_filters_are_ignored_where_undefined() {
    let q =
        parse_query("match[type]=indicator&match[version]=all", Endpoint::Versions, QueryLimits::default()).unwrap();
    assert!(q.types.is_none());
    assert!(!q.versions.all);
    let d = parse_query("match[version]=all&limit=5", Endpoint::Delete, QueryLimits::default()).unwrap();
    assert!(d.versions.all);
    assert_eq!(d.limit, 1_000);
}

#[test]
fn cursor_fingerprint_ignores_limit_and_order_but_not_filters_or_caller() {
    let a = parse("limit=10&match[type]=indicator,malware").unwrap();
    let b = parse("limit=99&match[type]=malware,indicator").unwrap();
    let c = parse("limit=10&match[type]=indicator").unwrap();
    assert_eq!(a.fingerprint("col", "alice"), b.fingerprint("col", "alice"));
    assert_ne!(a.fingerprint("col", "alice"), c.fingerprint("col", "alice"));
    assert_ne!(a.fingerprint("col", "alice"), a.fingerprint("col", "bob"));
    assert_ne!(a.fingerprint("col", "alice"), a.fingerprint("col2", "alice"));
    let m = parse_query("match[type]=indicator,malware", Endpoint::Manifest, QueryLimits::default()).unwrap();
    assert_ne!(a.fingerprint("col", "alice"), m.fingerprint("col", "alice"));
}

fn accept(h: Option<&str>) -> Result<MediaKind, MediaError> {
    negotiate_accept(h, &[MediaKind::Taxii])
}

#[test]
fn accept_negotiation_follows_the_taxii_media_type_rules() {
    assert!(accept(Some("application/taxii+json;version=2.1")).is_ok());
    assert!(accept(Some("application/taxii+json; version=2.1")).is_ok());
    assert!(accept(Some("application/taxii+json;version=\"2.1\"")).is_ok());
    assert!(accept(Some("application/taxii+json")).is_ok());
    assert!(accept(Some("text/html, application/taxii+json;version=2.1;q=0.9")).is_ok());
    assert!(accept(Some("*/*")).is_ok());
    assert!(accept(None).is_ok());
    assert_eq!(accept(Some("application/json")), Err(MediaError::NotAcceptable));
    assert_eq!(accept(Some("application/taxii+json;version=2.0")), Err(MediaError::NotAcceptable));
    assert_eq!(accept(Some("application/taxii+json;version=2.1;q=0")), Err(MediaError::NotAcceptable));
    assert_eq!(
        negotiate_accept(Some("application/stix+json;version=2.1"), &[MediaKind::Taxii, MediaKind::Stix]),
        Ok(MediaKind::Stix)
    );
    let e: TaxiiError = MediaError::NotAcceptable.into();
    assert_eq!(e.status(), 406);
}

#[test]
fn content_type_must_be_the_taxii_media_type() {
    let ok = |h| check_content_type(Some(h), &[MediaKind::Taxii]);
    assert!(ok("application/taxii+json;version=2.1").is_ok());
    assert!(ok("Application/TAXII+json; version=2.1; charset=utf-8").is_ok());
    assert_eq!(ok("application/json"), Err(MediaError::UnsupportedMediaType));
    assert_eq!(ok("*/*"), Err(MediaError::UnsupportedMediaType));
    assert_eq!(ok("application/taxii+json;version=2.0"), Err(MediaError::UnsupportedMediaType));
    assert_eq!(check_content_type(None, &[MediaKind::Taxii]), Err(MediaError::UnsupportedMediaType));
    let e: TaxiiError = MediaError::UnsupportedMediaType.into();
    assert_eq!(e.status(), 415);
}

#[test]
fn the_error_body_has_the_taxii_shape_and_omits_absent_members() {
    let e = TaxiiError::new(404, "Collection not found").with_error_id("req-1").with_detail("collection", "c1");
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"title": "Collection not found", "error_id": "req-1", "http_status": "404", "details": {"collection": "c1"}})
    );
    let back: TaxiiError = serde_json::from_value(v).unwrap();
    assert_eq!(back, e);
}

proptest! {
    #[test]
    fn arbitrary_query_strings_never_panic(q in "[a-z_\\[\\]=&,%0-9A-F:.TZ+-]{0,120}") {
        let _ = parse(&q);
    }

    #[test]
    fn arbitrary_accept_headers_never_panic(h in "[a-z/+*;=,. \"0-9]{0,80}") {
        let _ = accept(Some(&h));
        let _ = check_content_type(Some(&h), &[MediaKind::Taxii]);
    }
}
