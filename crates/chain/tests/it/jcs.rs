//! RFC 8785 canonicalisation against the RFC's own examples.

use mamori_chain::attest::jcs::format_es_number;
use mamori_chain::attest::{canonical_json, parse_strict};
use proptest::prelude::*;

fn check(input: &str, expected: &str) {
    let value: serde_json::Value = serde_json::from_str(input).unwrap();
    assert_eq!(canonical_json(&value).unwrap(), expected, "input: {input}");
}

#[test]
fn rfc8785_section_3_2_2_example_canonicalises_exactly() {
    check(
        r#"{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#,
        r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#,
    );
}

#[test]
fn rfc8785_section_3_2_3_sorts_keys_by_utf16_code_units() {
    check(
        r#"{
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#,
        "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}",
    );
}

#[test]
fn nested_objects_and_arrays_are_sorted_recursively_without_whitespace() {
    check(r#"{ "b": [ {"z":1, "a":2} ], "a": {"d": {}, "c": []} }"#, r#"{"a":{"c":[],"d":{}},"b":[{"a":2,"z":1}]}"#);
}

#[test]
fn control_characters_use_short_escapes_or_lowercase_unicode_escapes() {
    check(r#""\b\f\n\r\t\u0001\u001f\u007f""#, "\"\\b\\f\\n\\r\\t\\u0001\\u001f\u{7f}\"");
}

/// RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript form
/// (cross-checked with Node.js `JSON.stringify`).
#[test]
fn rfc8785_appendix_b_numbers_serialise_like_ecmascript() {
    let cases = [
        ("0000000000000000", "0"),
        ("8000000000000000", "0"),
        ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"),
        ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("ffefffffffffffff", "-1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"),
        ("c340000000000000", "-9007199254740992"),
        ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"),
        ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"),
        ("444b1ae4d6e2ef4e", "999999999999999700000"),
        ("444b1ae4d6e2ef4f", "999999999999999900000"),
        ("444b1ae4d6e2ef50", "1e+21"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
        ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("41b3de4355555553", "333333333.3333332"),
        ("41b3de4355555554", "333333333.33333325"),
        ("41b3de4355555555", "333333333.3333333"),
        ("41b3de4355555556", "333333333.3333334"),
        ("41b3de4355555557", "333333333.33333343"),
        ("becbf647612f3696", "-0.0000033333333333333333"),
        ("43143ff3c1cb0959", "1424953923781206.2"),
    ];
    for (hex, expected) in cases {
        let f = f64::from_bits(u64::from_str_radix(hex, 16).unwrap());
        assert_eq!(format_es_number(f).unwrap(), expected, "bits {hex}");
    }
    for bits in ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"] {
        assert_eq!(format_es_number(f64::from_bits(u64::from_str_radix(bits, 16).unwrap())), None);
    }
}

#[test]
fn integers_beyond_2_pow_53_are_rounded_to_doubles_as_rfc8785_requires() {
    check("18446744073709551615", "18446744073709552000");
    check("-9007199254740993", "-9007199254740992");
}

#[test]
fn strict_parser_rejects_duplicate_member_names_with_a_location() {
    let err = parse_strict(b"{\n  \"a\": 1,\n  \"a\": 2\n}").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("duplicate member name \"a\""), "{text}");
    assert!(text.contains("line 3"), "{text}");
}

#[test]
fn strict_parser_rejects_oversized_and_trailing_input() {
    let big = vec![b' '; mamori_chain::attest::MAX_DOCUMENT_BYTES + 1];
    assert!(parse_strict(&big).unwrap_err().to_string().contains("limit"));
    assert!(parse_strict(b"{} {}").is_err());
}

proptest! {
    #[test]
    fn every_finite_double_round_trips_through_its_canonical_form(bits in any::<u64>()) {
        let f = f64::from_bits(bits);
        prop_assume!(f.is_finite());
        let s = format_es_number(f).unwrap();
        let back: f64 = s.parse().unwrap();
        prop_assert!(back == f, "{f:e} -> {s} -> {back:e}");
        prop_assert!(!s.contains('E') && !s.starts_with('+') && !s.ends_with('.'));
    }

    #[test]
    fn canonicalisation_is_idempotent_on_arbitrary_json(
        keys in proptest::collection::vec("\\PC{0,6}", 0..6),
        nums in proptest::collection::vec(any::<f64>().prop_filter("finite", |f| f.is_finite()), 0..6),
    ) {
        let mut map = serde_json::Map::new();
        for (i, k) in keys.iter().enumerate() {
            map.insert(k.clone(), serde_json::json!(nums.get(i).copied().unwrap_or(1.5)));
        }
        map.insert("list".into(), serde_json::json!(nums));
        let once = canonical_json(&serde_json::Value::Object(map)).unwrap();
        let reparsed = parse_strict(once.as_bytes()).unwrap();
        prop_assert_eq!(canonical_json(&reparsed).unwrap(), once);
    }

    #[test]
    fn strict_parser_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_strict(&bytes);
    }
}
