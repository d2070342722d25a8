//! Pattern compilation, classification and the match index.

use mamori_intel::matching::{MatchIndex, MatchKind, Observable, PatternError, Term, classify, compile_pattern};
use proptest::prelude::*;

use crate::fixture_json;

fn unsupported(pattern: &str) {
    match compile_pattern(pattern) {
        Err(PatternError::Unsupported(_)) => {}
        other => panic!("{pattern}: expected Unsupported, got {other:?}"),
    }
}

#[test]
fn simple_equality_patterns_compile_into_terms() {
    let t = compile_pattern("[ipv4-addr:value = '198.51.100.0/24'] OR [ipv6-addr:value = '2001:DB8::1'] OR [domain-name:value = 'Evil.Example.']").unwrap();
    assert_eq!(t.len(), 3);
    assert_eq!(t[0], Term::Ipv4 { net: "198.51.100.0".parse().unwrap(), prefix: 24 });
    assert_eq!(t[1], Term::Ipv6 { net: "2001:db8::1".parse().unwrap(), prefix: 128 });
    assert_eq!(t[2], Term::Domain("evil.example".into()));
    let h = compile_pattern("[file:hashes.'SHA-256' = 'EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C' OR file:hashes.MD5 = '001dd76872d80801692ff942308c64e6']").unwrap();
    assert_eq!(h.len(), 2);
    let u = compile_pattern("([url:value = 'HTTP://Example.COM:80/Path?q=1#frag'])").unwrap();
    assert_eq!(u, [Term::Url("http://example.com/Path?q=1".into())]);
    assert_eq!(compile_pattern("[ ipv4-addr:value = '10.0.0.0' ]").unwrap().len(), 1);
}

#[test]
fn everything_else_is_reported_as_unsupported_never_ignored() {
    unsupported("[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'a.example']");
    unsupported("[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '1.2.3.5']");
    unsupported("[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [ipv4-addr:value = '1.2.3.5']");
    unsupported("[ipv4-addr:value != '1.2.3.4']");
    unsupported("[ipv4-addr:value NOT = '1.2.3.4']");
    unsupported("[ipv4-addr:value ISSUBSET '1.2.3.0/24']");
    unsupported("[email-message:subject MATCHES '^[IMPORTANT] Please']");
    unsupported("[file:name LIKE 'a%']");
    unsupported("[file:size > 1000]");
    unsupported("[ipv4-addr:value = '1.2.3.4'] WITHIN 300 SECONDS");
    unsupported("[ipv4-addr:value = '1.2.3.4'] REPEATS 5 TIMES");
    unsupported("[email-addr:value = 'a@b.example']");
    unsupported("[file:hashes.'SSDEEP' = '3:abc:def']");
    unsupported("[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b']");
    assert!(matches!(compile_pattern("[ipv4-addr:value = '1.2.3.400']"), Err(PatternError::InvalidValue { .. })));
    assert!(matches!(compile_pattern("[file:hashes.MD5 = 'abc']"), Err(PatternError::InvalidValue { .. })));
    assert!(matches!(compile_pattern("[ipv4-addr:value = '1.2.3.4'"), Err(PatternError::Syntax { .. })));
    assert!(matches!(compile_pattern("ipv4-addr:value = '1.2.3.4'"), Err(PatternError::Syntax { .. })));
    assert!(matches!(compile_pattern("[ipv4-addr:value = 'unterminated]"), Err(PatternError::Syntax { .. })));
}

#[test]
fn raw_values_are_classified_for_the_bulk_api() {
    let check = |raw: &str, kind: &str| assert_eq!(classify(raw).map(|o| o.kind()), Ok(kind), "{raw}");
    check("1.2.3.4", "ipv4");
    check(" 2001:db8::1 ", "ipv6");
    check("[2001:db8::1]", "ipv6");
    check("https://evil.example/x", "url");
    check("d41d8cd98f00b204e9800998ecf8427e", "hash");
    check("da39a3ee5e6b4b0d3255bfef95601890afd80709", "hash");
    check("WWW.Evil.Example", "domain");
    check("例え.テスト", "domain");
    assert!(classify("1.2.3.999").is_err());
    assert!(classify("hello").is_err());
    assert!(classify("").is_err());
    assert!(classify("http://").is_err());
    assert_eq!(classify("WWW.Evil.Example"), Ok(Observable::Domain("www.evil.example".into())));
}

fn index() -> MatchIndex<&'static str> {
    let mut idx = MatchIndex::new(7);
    let add = |idx: &mut MatchIndex<&'static str>, id: &str, p: &str, m: &'static str| {
        idx.add_indicator(id, "stix", p, m).unwrap()
    };
    add(&mut idx, "indicator--1", "[ipv4-addr:value = '10.1.2.3']", "green");
    add(&mut idx, "indicator--2", "[ipv4-addr:value = '10.0.0.0/8']", "green");
    add(&mut idx, "indicator--3", "[ipv4-addr:value = '10.1.0.0/16']", "red");
    add(&mut idx, "indicator--4", "[ipv6-addr:value = '2001:db8::/32']", "green");
    add(&mut idx, "indicator--5", "[domain-name:value = 'evil.com']", "green");
    add(&mut idx, "indicator--6", "[url:value = 'http://Evil.com/Payload.exe']", "green");
    add(
        &mut idx,
        "indicator--7",
        "[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']",
        "green",
    );
    add(&mut idx, "indicator--8", "[domain-name:value = 'b.evil.com'] OR [ipv4-addr:value = '10.1.2.3']", "green");
    idx
}

fn ids(idx: &MatchIndex<&'static str>, raw: &str) -> Vec<(String, MatchKind)> {
    idx.lookup(&classify(raw).unwrap()).iter().map(|m| (m.indicator_id.to_owned(), m.kind)).collect()
}

#[test]
fn addresses_match_exact_ips_and_every_containing_cidr() {
    let idx = index();
    assert_eq!(
        ids(&idx, "10.1.2.3"),
        [
            ("indicator--1".to_owned(), MatchKind::Exact),
            ("indicator--2".to_owned(), MatchKind::Cidr(8)),
            ("indicator--3".to_owned(), MatchKind::Cidr(16)),
            ("indicator--8".to_owned(), MatchKind::Exact),
        ]
    );
    assert_eq!(ids(&idx, "10.200.0.1"), [("indicator--2".to_owned(), MatchKind::Cidr(8))]);
    assert!(ids(&idx, "11.0.0.1").is_empty());
    assert_eq!(ids(&idx, "2001:DB8:1::5"), [("indicator--4".to_owned(), MatchKind::Cidr(32))]);
}

#[test]
fn domains_match_themselves_and_their_subdomains_only() {
    let idx = index();
    assert_eq!(ids(&idx, "evil.com"), [("indicator--5".to_owned(), MatchKind::Exact)]);
    assert_eq!(
        ids(&idx, "a.b.EVIL.com"),
        [("indicator--5".to_owned(), MatchKind::ParentDomain), ("indicator--8".to_owned(), MatchKind::ParentDomain),]
    );
    assert!(ids(&idx, "notevil.com").is_empty());
    assert!(ids(&idx, "evil.com.example").is_empty());
}

#[test]
fn urls_match_after_normalisation_and_by_host() {
    let idx = index();
    assert_eq!(
        ids(&idx, "HTTP://EVIL.COM:80/Payload.exe#x"),
        [("indicator--5".to_owned(), MatchKind::UrlHost), ("indicator--6".to_owned(), MatchKind::Exact),]
    );
    // The path is case-sensitive, so only the host matches here.
    assert_eq!(ids(&idx, "http://evil.com/payload.exe"), [("indicator--5".to_owned(), MatchKind::UrlHost)]);
    assert_eq!(ids(&idx, "https://10.9.9.9/x"), [("indicator--2".to_owned(), MatchKind::Cidr(8))]);
}

#[test]
fn hashes_match_case_insensitively() {
    let idx = index();
    assert_eq!(
        ids(&idx, "EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C"),
        [("indicator--7".to_owned(), MatchKind::Exact)]
    );
}

#[test]
fn invisible_indicators_are_filtered_before_results_are_built() {
    let idx = index();
    let visible = idx.lookup_visible(&classify("10.1.2.3").unwrap(), |tlp| *tlp != "red");
    assert!(visible.iter().all(|m| m.indicator_id != "indicator--3"));
    assert_eq!(visible.len(), 3);
}

#[test]
fn apt1_indicators_are_indexed_or_reported_individually() {
    let bundle = fixture_json("apt1.json");
    let mut idx: MatchIndex<()> = MatchIndex::new(1);
    let mut indicators = 0;
    for o in bundle["objects"].as_array().unwrap().iter().filter(|o| o["type"] == "indicator") {
        indicators += 1;
        let _ = idx.add_indicator(
            o["id"].as_str().unwrap(),
            o["pattern_type"].as_str().unwrap(),
            o["pattern"].as_str().unwrap(),
            (),
        );
    }
    assert_eq!(idx.len() + idx.unindexed().len(), indicators);
    assert_eq!(idx.unindexed().len(), 2, "the two x509 AND patterns are unsupported");
    assert!(!idx.lookup(&classify("223.167.1.1").unwrap()).is_empty(), "inside 223.166.0.0/15");
    assert!(!idx.lookup(&classify("www.hugesoft.org").unwrap()).is_empty());
    assert!(!idx.lookup(&classify("001DD76872D80801692FF942308C64E6").unwrap()).is_empty());
}

#[test]
fn non_stix_pattern_types_are_reported() {
    let mut idx: MatchIndex<()> = MatchIndex::new(1);
    assert!(idx.add_indicator("indicator--s", "snort", "alert tcp any any", ()).is_err());
    assert_eq!(idx.unindexed().len(), 1);
    assert!(idx.is_empty());
}

proptest! {
    #[test]
    fn arbitrary_patterns_never_panic(p in "[\\[\\]()a-z0-9:.'= ORAND-]{0,100}") {
        let _ = compile_pattern(&p);
    }

    #[test]
    fn arbitrary_observables_never_panic(s in "\\PC{0,60}") {
        let _ = classify(&s);
    }

    #[test]
    fn an_address_matches_a_cidr_exactly_when_it_is_inside(addr in any::<u32>(), net in any::<u32>(), len in 0u8..=32) {
        let mut idx: MatchIndex<()> = MatchIndex::new(3);
        let net_ip = std::net::Ipv4Addr::from(net);
        idx.add_indicator("indicator--c", "stix", &format!("[ipv4-addr:value = '{net_ip}/{len}']"), ()).unwrap();
        let mask = if len == 0 { 0 } else { u32::MAX << (32 - u32::from(len)) };
        let inside = addr & mask == net & mask;
        let found = !idx.lookup(&Observable::Ipv4(addr.into())).is_empty();
        prop_assert_eq!(found, inside);
    }
}

#[test]
fn a_removed_indicator_is_never_reported_again() {
    let mut idx: MatchIndex<()> = MatchIndex::new(3);
    let a = idx.add_indicator("indicator--a", "stix", "[ipv4-addr:value = '10.5.0.0/16']", ()).unwrap();
    let b = idx.add_indicator("indicator--b", "stix", "[ipv4-addr:value = '10.5.0.0/16']", ()).unwrap();
    let c = idx.add_indicator("indicator--c", "stix", "[domain-name:value = 'evil.example']", ()).unwrap();
    let ids = |idx: &MatchIndex<()>, v: &str| -> Vec<String> {
        idx.lookup(&classify(v).unwrap()).into_iter().map(|m| m.indicator_id.to_owned()).collect()
    };
    assert_eq!(ids(&idx, "10.5.1.1"), ["indicator--a", "indicator--b"]);
    assert!(idx.remove(a));
    assert!(!idx.remove(a), "removing twice is a no-op");
    assert_eq!(ids(&idx, "10.5.1.1"), ["indicator--b"], "a shared posting list skips the removed one");
    assert!(idx.remove(c));
    assert!(ids(&idx, "www.evil.example").is_empty(), "a single posting is skipped too");
    assert_eq!((idx.len(), idx.removed()), (1, 2));
    // Added again under a new index, it is found again.
    let again = idx.add_indicator("indicator--a", "stix", "[ipv4-addr:value = '10.5.0.0/16']", ()).unwrap();
    assert!(again > b);
    assert_eq!(ids(&idx, "10.5.1.1"), ["indicator--b", "indicator--a"]);
}
