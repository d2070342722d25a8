//! STIX 2.1 validation on ingest.

use mamori_intel::stix::{ObjectFamily, validate_envelope, validate_object};
use serde_json::{Value, json};

use crate::fixture_json;

fn indicator() -> Value {
    json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2016-04-06T20:03:48.000Z",
        "modified": "2016-04-06T20:03:48.000Z",
        "pattern": "[ipv4-addr:value = '10.0.0.0']",
        "pattern_type": "stix",
        "valid_from": "2016-01-01T00:00:00Z"
    })
}

/// Applies `edit` to a valid indicator and returns the rejection reasons (empty if accepted).
fn reasons_after(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<String> {
    let mut v = indicator();
    edit(v.as_object_mut().unwrap());
    match validate_object(&v) {
        Ok(_) => Vec::new(),
        Err(r) => r.reasons,
    }
}

fn check(edit: impl FnOnce(&mut serde_json::Map<String, Value>), expected_fragment: &str) {
    let reasons = reasons_after(edit);
    assert!(
        reasons.iter().any(|r| r.contains(expected_fragment)),
        "expected a reason containing {expected_fragment:?}, got {reasons:?}"
    );
}

#[test]
fn a_well_formed_indicator_is_accepted_with_its_index_columns() {
    let v = validate_object(&indicator()).unwrap();
    assert_eq!(v.id(), "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
    assert_eq!(v.object_type(), "indicator");
    assert_eq!(v.family(), ObjectFamily::Sdo);
    assert_eq!(v.spec_version(), Some("2.1"));
    assert_eq!(v.version().unwrap().as_str(), "2016-04-06T20:03:48.000Z");
    assert!(v.object_marking_refs().is_empty());
    assert!(v.created_by_ref().is_none());
}

#[test]
fn common_property_violations_are_named_with_a_pointer() {
    check(
        |m| {
            m.remove("spec_version");
        },
        "/spec_version: required property is missing",
    );
    check(
        |m| {
            m.insert("spec_version".into(), json!("2.0"));
        },
        "/spec_version: `2.0` is not supported",
    );
    check(
        |m| {
            m.insert("id".into(), json!("malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
        },
        "differs from type",
    );
    check(
        |m| {
            m.insert("id".into(), json!("indicator--not-a-uuid"));
        },
        "/id:",
    );
    check(
        |m| {
            m.insert("created".into(), json!("2016-04-06 20:03:48"));
        },
        "/created:",
    );
    check(
        |m| {
            m.insert("modified".into(), json!("2016-04-06T20:03:48.000+09:00"));
        },
        "/modified:",
    );
    check(
        |m| {
            m.insert("modified".into(), json!("2016-04-05T20:03:48.000Z"));
        },
        "must not be earlier than created",
    );
    check(
        |m| {
            m.remove("modified");
        },
        "/modified: required property is missing",
    );
    check(
        |m| {
            m.insert("created_by_ref".into(), json!("malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
        },
        "/created_by_ref: refers to a `malware`",
    );
    check(
        |m| {
            m.insert("labels".into(), json!([]));
        },
        "/labels: lists must not be empty",
    );
    check(
        |m| {
            m.insert("confidence".into(), json!(101));
        },
        "/confidence:",
    );
    check(
        |m| {
            m.insert("external_references".into(), json!([{"url": "https://x"}]));
        },
        "/external_references/0/source_name",
    );
    check(
        |m| {
            m.insert("type".into(), json!("Indicator"));
        },
        "/type:",
    );
}

#[test]
fn per_type_required_properties_are_enforced() {
    check(
        |m| {
            m.remove("pattern");
        },
        "/pattern: required property is missing",
    );
    check(
        |m| {
            m.remove("pattern_type");
        },
        "/pattern_type: required",
    );
    check(
        |m| {
            m.remove("valid_from");
        },
        "/valid_from: required",
    );
    check(
        |m| {
            m.insert("valid_until".into(), json!("2015-01-01T00:00:00Z"));
        },
        "/valid_until: must be later than valid_from",
    );

    let base = |ty: &str| {
        json!({"type": ty, "spec_version": "2.1", "id": format!("{ty}--6b616fc1-1505-48e3-8b2c-0d19337bff38"),
               "created": "2020-01-01T00:00:00.000Z", "modified": "2020-01-01T00:00:00.000Z"})
    };
    let cases: [(&str, Value, &str); 12] = [
        ("attack-pattern", json!({}), "/name: required"),
        ("malware", json!({}), "/is_family: required"),
        ("malware", json!({"is_family": true}), "/name: required"),
        ("report", json!({"name": "r", "published": "2020-01-01T00:00:00Z"}), "/object_refs: required"),
        (
            "relationship",
            json!({"relationship_type": "uses", "source_ref": "malware--6b616fc1-1505-48e3-8b2c-0d19337bff38"}),
            "/target_ref: required",
        ),
        ("sighting", json!({}), "/sighting_of_ref: required"),
        ("location", json!({"latitude": 35.6}), "/longitude: is required"),
        ("location", json!({}), "a location needs"),
        (
            "opinion",
            json!({"opinion": "maybe", "object_refs": ["report--6b616fc1-1505-48e3-8b2c-0d19337bff38"]}),
            "/opinion: `maybe` is not one of",
        ),
        (
            "observed-data",
            json!({"first_observed": "2020-01-02T00:00:00Z", "last_observed": "2020-01-01T00:00:00Z", "number_observed": 1, "object_refs": ["ipv4-addr--6b616fc1-1505-48e3-8b2c-0d19337bff38"]}),
            "/last_observed",
        ),
        ("grouping", json!({"object_refs": ["report--6b616fc1-1505-48e3-8b2c-0d19337bff38"]}), "/context: required"),
        ("malware-analysis", json!({"product": "av"}), "one of `result` or `analysis_sco_refs`"),
    ];
    for (ty, extra, expected) in cases {
        let mut v = base(ty);
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        let r = validate_object(&v).expect_err(ty).reasons;
        assert!(r.iter().any(|x| x.contains(expected)), "{ty}: expected {expected:?} in {r:?}");
    }
    // A malware that is not a family needs no name; a location with a country is fine.
    let mut m = base("malware");
    m["is_family"] = json!(false);
    assert!(validate_object(&m).is_ok());
    let mut l = base("location");
    l["country"] = json!("JP");
    assert!(validate_object(&l).is_ok());
}

#[test]
fn observables_need_their_key_properties_but_no_timestamps() {
    let ok =
        json!({"type": "ipv4-addr", "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", "value": "198.51.100.3"});
    let v = validate_object(&ok).unwrap();
    assert_eq!(v.family(), ObjectFamily::Sco);
    assert!(v.version().is_none());
    assert!(v.warnings().is_empty());
    let missing = json!({"type": "ipv4-addr", "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"});
    assert!(validate_object(&missing).unwrap_err().reasons[0].contains("/value"));
    let file = json!({"type": "file", "id": "file--ff26c055-6336-5bc5-b98d-13d6226742dd", "size": 3});
    assert!(validate_object(&file).unwrap_err().reasons[0].contains("`hashes` or `name`"));
    let v4id =
        json!({"type": "ipv4-addr", "id": "ipv4-addr--ff26c055-6336-4bc5-b98d-13d6226742dd", "value": "198.51.100.3"});
    assert!(validate_object(&v4id).unwrap().warnings()[0].contains("UUIDv5"));
}

#[test]
fn marking_references_and_granular_markings_are_checked() {
    check(
        |m| {
            m.insert("object_marking_refs".into(), json!(["identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]));
        },
        "/object_marking_refs/0: refers to a `identity`",
    );
    check(
        |m| {
            m.insert("granular_markings".into(), json!([{"selectors": ["pattern"]}]));
        },
        "exactly one of `marking_ref` and `lang`",
    );
    check(
        |m| {
            m.insert("granular_markings".into(), json!([{"marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "selectors": ["description"]}]));
        },
        "/granular_markings/0/selectors/0: selector does not resolve",
    );
    check(
        |m| {
            m.insert(
                "granular_markings".into(),
                json!([{"marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}]),
            );
        },
        "/granular_markings/0/selectors",
    );

    let mut v = indicator();
    v["object_marking_refs"] = json!(["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]);
    v["external_references"] = json!([{"source_name": "x", "url": "https://example.com"}]);
    v["granular_markings"] = json!([{"marking_ref": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "selectors": ["external_references.[0].url", "pattern"]}]);
    let ok = validate_object(&v).unwrap();
    assert_eq!(ok.object_marking_refs(), ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]);
    assert_eq!(ok.granular_marking_refs(), ["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]);
}

#[test]
fn impersonated_tlp_marking_definitions_are_rejected() {
    let red_claiming_clear = json!({
        "type": "marking-definition", "spec_version": "2.1",
        "id": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        "created": "2022-10-01T00:00:00.000Z", "name": "TLP:CLEAR",
        "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": "clear"}}
    });
    assert!(validate_object(&red_claiming_clear).unwrap_err().reasons[0].contains("predefined TLP 2.0"));
    let wrong_uuid = json!({
        "type": "marking-definition", "spec_version": "2.1",
        "id": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c2",
        "created": "2022-10-01T00:00:00.000Z", "name": "TLP:RED",
        "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": "red"}}
    });
    assert!(validate_object(&wrong_uuid).unwrap_err().reasons[0].contains("five predefined ids"));
    for tlp in mamori_intel::tlp::ALL_LEVELS {
        validate_object(&tlp.marking_definition()).unwrap();
    }
    let tlp1_green = json!({"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "name": "TLP:GREEN", "definition": {"tlp": "green"}});
    validate_object(&tlp1_green).unwrap();
}

#[test]
fn a_partly_invalid_envelope_is_partly_accepted() {
    let mut bad = indicator();
    bad["id"] = json!("indicator--e2e1a340-4415-4ba8-9671-f7343fbf0836");
    bad.as_object_mut().unwrap().remove("pattern");
    let envelope = json!({"objects": [indicator(), bad, 42, {"type": "bundle", "id": "bundle--e2e1a340-4415-4ba8-9671-f7343fbf0836"}]});
    let report = validate_envelope(&envelope).unwrap();
    assert_eq!(report.accepted.len(), 1);
    assert_eq!(report.rejected.len(), 3);
    assert_eq!(report.rejected[0].index, 1);
    assert_eq!(report.rejected[0].id.as_deref(), Some("indicator--e2e1a340-4415-4ba8-9671-f7343fbf0836"));
    assert_eq!(report.rejected[0].reasons, ["/pattern: required property is missing"]);
    assert_eq!(report.rejected[1].index, 2);
    assert!(report.rejected[2].reasons[0].contains("bundle is a file format"));
    assert_eq!(validate_envelope(&json!({})).unwrap().total(), 0);
    assert!(validate_envelope(&json!({"objects": {}})).is_err());
    assert!(validate_envelope(&json!([indicator()])).is_err());
}

#[test]
fn attack_for_ics_validates_completely_with_custom_objects() {
    let bundle = fixture_json("ics-attack.json");
    let report = validate_envelope(&bundle).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", &report.rejected[..report.rejected.len().min(3)]);
    assert_eq!(report.accepted.len(), 1_826);
    let custom = report.accepted.iter().filter(|o| o.family() == ObjectFamily::Custom).count();
    assert_eq!(custom, 83 + 82 + 36 + 18 + 17 + 12 + 1 + 1);
    // Custom x_mitre_ properties survive untouched.
    let tactic = report.accepted.iter().find(|o| o.object_type() == "x-mitre-tactic").unwrap();
    assert!(tactic.value().get("x_mitre_shortname").is_some());
}

#[test]
fn oasis_example_bundles_validate() {
    for name in [
        "apt1.json",
        "indicators-for-C2-with-COA.json",
        "infrastructure.json",
        "malicious-email-indicator-with-attachment.json",
        "indicator-for-c2-ip-address.json",
        "indicator-to-campaign-relationship.json",
    ] {
        let report = validate_envelope(&fixture_json(name)).unwrap();
        assert!(report.rejected.is_empty(), "{name}: {:?}", report.rejected);
        assert!(!report.accepted.is_empty());
    }
}

#[test]
fn every_oasis_observable_example_validates() {
    let list = fixture_json("sco-examples-bundle.json");
    let objects = list.as_array().unwrap();
    assert_eq!(objects.len(), 82);
    for o in objects {
        let r = validate_object(o);
        assert!(r.is_ok(), "{}: {:?}", o["id"], r.err());
    }
}
