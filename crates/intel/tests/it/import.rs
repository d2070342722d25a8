//! Bundle import with limits and pointed errors.

use mamori_intel::stix::{ImportError, ImportLimits, parse_bundle};

use crate::fixture;

fn check(input: &str, expected: &ImportError) {
    assert_eq!(parse_bundle(input.as_bytes(), ImportLimits::default()).unwrap_err(), *expected, "{input}");
}

#[test]
fn attack_for_ics_imports_1826_objects() {
    let objects = parse_bundle(&fixture("ics-attack.json"), ImportLimits::default()).unwrap();
    assert_eq!(objects.len(), 1_826);
}

#[test]
fn a_bare_array_is_rejected_with_a_clear_message() {
    let err = parse_bundle(&fixture("sco-examples-bundle.json"), ImportLimits::default()).unwrap_err();
    assert_eq!(err, ImportError::BareArray);
    assert!(err.to_string().contains("wrap the objects"));
}

#[test]
fn structural_errors_carry_a_json_pointer() {
    let structure = |p: &str, m: &str| ImportError::Structure { pointer: p.into(), message: m.into() };
    check(
        r#"{"type":"report","id":"bundle--e2e1a340-4415-4ba8-9671-f7343fbf0836"}"#,
        &structure("/type", "expected \"bundle\", found \"report\""),
    );
    check(
        r#"{"id":"bundle--e2e1a340-4415-4ba8-9671-f7343fbf0836"}"#,
        &structure("/type", "required \"bundle\" is missing"),
    );
    check(r#"{"type":"bundle","id":"bundle--nope"}"#, &structure("/id", "a bundle id must be bundle--<UUID>"));
    check(
        r#"{"type":"bundle","id":"bundle--e2e1a340-4415-4ba8-9671-f7343fbf0836","objects":{}}"#,
        &structure("/objects", "must be a list of STIX objects"),
    );
    check(
        r#"{"type":"bundle","id":"bundle--e2e1a340-4415-4ba8-9671-f7343fbf0836","objects":[{},7]}"#,
        &structure("/objects/1", "each STIX object must be a JSON object"),
    );
    check("\"text\"", &structure("", "the top level must be a STIX bundle object"));
    let v20 =
        r#"{"type":"bundle","id":"bundle--e2e1a340-4415-4ba8-9671-f7343fbf0836","spec_version":"2.0","objects":[]}"#;
    assert!(
        matches!(parse_bundle(v20.as_bytes(), ImportLimits::default()), Err(ImportError::Structure { pointer, .. }) if pointer == "/spec_version")
    );
}

#[test]
fn size_depth_count_and_syntax_limits_are_enforced() {
    let limits = ImportLimits { max_bytes: 10, ..ImportLimits::default() };
    assert_eq!(
        parse_bundle(b"{\"type\": \"bundle\"}", limits).unwrap_err(),
        ImportError::TooLarge { size: 18, max: 10 }
    );

    let deep = format!(
        r#"{{"type":"bundle","id":"bundle--e2e1a340-4415-4ba8-9671-f7343fbf0836","objects":[{{"x_a":{}{}}}]}}"#,
        "[".repeat(500),
        "]".repeat(500)
    );
    let err = parse_bundle(deep.as_bytes(), ImportLimits::default()).unwrap_err();
    assert_eq!(err, ImportError::TooDeep { pointer: format!("/objects/0/x_a{}", "/0".repeat(61)), max: 64 });

    let limits = ImportLimits { max_objects: 1, ..ImportLimits::default() };
    let two = r#"{"type":"bundle","id":"bundle--e2e1a340-4415-4ba8-9671-f7343fbf0836","objects":[{},{}]}"#;
    assert_eq!(parse_bundle(two.as_bytes(), limits).unwrap_err(), ImportError::TooManyObjects { count: 2, max: 1 });

    match parse_bundle(b"{\n \"type\": bundle}", ImportLimits::default()).unwrap_err() {
        ImportError::Syntax { line, column, .. } => assert_eq!((line, column), (2, 10)),
        other => panic!("{other:?}"),
    }
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_the_importer(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
        let _ = parse_bundle(&bytes, ImportLimits::default());
    }

    #[test]
    fn arbitrary_json_like_text_never_panics(s in "[\\[\\]{}\",:a-z0-9 ]{0,300}") {
        let _ = parse_bundle(s.as_bytes(), ImportLimits { max_depth: 5, ..ImportLimits::default() });
    }
}
