//! OSCAL import and export against NIST's published files.

use mamori_catalog::*;

const HIGH: &[u8] = include_bytes!("../fixtures/NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json");
const LOW: &[u8] = include_bytes!("../fixtures/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json");
const LOW_PROFILE: &[u8] = include_bytes!("../fixtures/NIST_SP-800-53_rev5_LOW-baseline_profile.json");
const CSF_XML: &[u8] = include_bytes!("../fixtures/NIST_CSF_v2.0_catalog.xml");
const BASIC: &[u8] = include_bytes!("../fixtures/basic-catalog.json");
const NOW: &str = "2025-01-01T00:00:00Z";

fn one(bytes: &[u8], name: &str) -> Framework {
    let mut got = import(bytes, name, Format::Auto).unwrap();
    assert_eq!(got.frameworks.len(), 1);
    got.frameworks.remove(0)
}

#[test]
fn sp800_53_high_catalog_imports_370_controls_in_18_groups() {
    let f = one(HIGH, "high.json");
    assert_eq!(f.roots().count(), 18);
    assert_eq!(f.assessable_count(), 370);
    let ac21 = f.node("AC-2(1)").unwrap();
    assert_eq!(ac21.source_id.as_deref(), Some("ac-2.1"));
    assert_eq!(ac21.parent.as_deref(), Some("AC-2"));
    assert!(f.node("AC-2").unwrap().text.en.contains("a. Define and document"));
}

#[test]
fn sp800_53_low_catalog_imports_149_controls() {
    assert_eq!(one(LOW, "low.json").assessable_count(), 149);
}

#[test]
fn low_profile_resolved_against_high_catalog_gives_149_controls() {
    let high = one(HIGH, "high.json");
    let opts = ImportOptions { catalog: Some(&high), framework_id: Some("sp800-53-low") };
    let got = import_with(LOW_PROFILE, "low-profile.json", Format::Auto, &opts).unwrap();
    let low = &got.frameworks[0];
    assert_eq!(low.id, "sp800-53-low");
    assert_eq!(low.assessable_count(), 149);
    let direct = one(LOW, "low.json");
    let mut a: Vec<_> = low.nodes.iter().filter(|n| n.assessable).map(|n| n.ref_id.clone()).collect();
    let mut b: Vec<_> = direct.nodes.iter().filter(|n| n.assessable).map(|n| n.ref_id.clone()).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn profile_without_a_catalog_is_rejected_with_its_location() {
    let err = import(LOW_PROFILE, "low-profile.json", Format::Auto).unwrap_err();
    assert_eq!(err.file, "low-profile.json");
    assert_eq!(err.location, Location::Pointer("/profile/imports".into()));
}

#[test]
fn profile_naming_an_unknown_control_points_at_the_id() {
    let basic = one(BASIC, "basic.json");
    let profile = br##"{"profile":{"uuid":"x","metadata":{"title":"P"},"imports":[{"href":"#c","include-controls":[{"with-ids":["nope-9"]}]}]}}"##;
    let err =
        import_with(profile, "p.json", Format::OscalJson, &ImportOptions { catalog: Some(&basic), framework_id: None })
            .unwrap_err();
    assert_eq!(err.kind, ErrorKind::UnknownControl("nope-9".into()));
    assert_eq!(err.location, Location::Pointer("/profile/imports/0/include-controls/0/with-ids/0".into()));
}

#[test]
fn csf_xml_imports_106_current_subcategories_with_withdrawn_ids_flagged() {
    let f = one(CSF_XML, "NIST_CSF_v2.0_catalog.xml");
    assert_eq!(f.roots().count(), 6);
    assert_eq!(f.assessable_count(), 106);
    assert!(f.node("ID.BE-01").unwrap().withdrawn);
    assert!(f.node("ID.AM-06").unwrap().withdrawn);
    assert!(!f.node("ID.AM-07").unwrap().withdrawn);
    let current_categories =
        f.nodes.iter().filter(|n| n.kind == NodeKind::Group && n.parent.is_some() && !n.withdrawn).count();
    assert_eq!(current_categories, 22);
    assert!(
        f.node("GV.OC-02")
            .unwrap()
            .text
            .en
            .starts_with("Internal and external stakeholders are understood, and their needs and expectations")
    );
}

#[test]
fn csf_xml_current_subcategories_match_the_builtin_csf() {
    let f = one(CSF_XML, "csf.xml");
    let builtin = builtin_frameworks().unwrap().into_iter().find(|f| f.id == builtin::CSF_2_0).unwrap();
    let mut a: Vec<_> = f.nodes.iter().filter(|n| n.assessable && !n.withdrawn).map(|n| n.ref_id.clone()).collect();
    let mut b: Vec<_> = builtin.nodes.iter().filter(|n| n.assessable).map(|n| n.ref_id.clone()).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn nist_catalog_export_then_import_is_lossless_in_json_and_xml() {
    for (bytes, name) in [(HIGH, "high.json"), (CSF_XML, "csf.xml"), (BASIC, "basic.json")] {
        let f = one(bytes, name);
        let json = export(&f, ExportFormat::OscalJson, NOW).unwrap();
        assert_eq!(one(&json, "again.json"), f, "{name} via JSON");
        let xml = export(&f, ExportFormat::OscalXml, NOW).unwrap();
        assert_eq!(one(&xml, "again.xml"), f, "{name} via XML");
    }
}

#[test]
fn builtin_frameworks_round_trip_through_oscal_json_and_xml() {
    for f in builtin_frameworks().unwrap() {
        let json = export(&f, ExportFormat::OscalJson, NOW).unwrap();
        assert_eq!(one(&json, "x.json"), f, "{} via JSON", f.id);
        let xml = export(&f, ExportFormat::OscalXml, NOW).unwrap();
        assert_eq!(one(&xml, "x.xml"), f, "{} via XML", f.id);
    }
}

#[test]
fn builtin_crosswalks_round_trip_through_the_oscal_mapping_model() {
    let xws = builtin_crosswalks().unwrap();
    let doc = oscal::mapping_to_value(&xws, "mamori crosswalks", NOW).unwrap();
    let bytes = serde_json::to_vec(&doc).unwrap();
    let got = import(&bytes, "map.json", Format::Auto).unwrap();
    assert_eq!(got.mappings, xws);
}

#[test]
fn foreign_oscal_mapping_imports_with_typed_relations() {
    let doc = br##"{"mapping-collection":{"uuid":"u","metadata":{"title":"T","last-modified":"2024-01-01T00:00:00Z","version":"1","oscal-version":"1.2.0"},
      "provenance":{"method":"human","matching-rationale":"semantic","status":"complete","mapping-description":"d"},
      "mappings":[{"uuid":"m","source-resource":{"type":"catalog","href":"https://x/iso-27001.json"},"target-resource":{"type":"catalog","href":"#nist-csf-2.0"},
        "maps":[{"uuid":"a","relationship":"subset-of","sources":[{"type":"control","id-ref":"a-5.1"}],"targets":[{"type":"control","id-ref":"GV.PO-01"},{"type":"control","id-ref":"GV.PO-02"}]},
                {"uuid":"b","relationship":"equivalent-to","sources":[{"type":"control","id-ref":"a-5.2"}],"targets":[{"type":"control","id-ref":"GV.RR-02"}]}]}]}}"##;
    let got = import(doc, "m.json", Format::Auto).unwrap();
    let xw = &got.mappings[0];
    assert_eq!((xw.source_framework.as_str(), xw.target_framework.as_str()), ("iso-27001", "nist-csf-2.0"));
    let rels: Vec<_> = xw.links.iter().map(|l| (l.target.ref_id.as_str(), l.relation)).collect();
    assert_eq!(rels, [("GV.PO-01", Relation::Subset), ("GV.PO-02", Relation::Subset), ("GV.RR-02", Relation::Equal)]);
}

#[test]
fn broken_json_reports_line_and_column() {
    let err = import(b"{\"catalog\": {\n  \"metadata\": }", "bad.json", Format::OscalJson).unwrap_err();
    assert_eq!(err.location, Location::Line { line: 2, column: Some(15) });
    assert!(err.to_string().starts_with("bad.json:2:15: syntax error"), "{err}");
}

#[test]
fn control_without_title_is_reported_by_json_pointer() {
    let doc = br#"{"catalog":{"uuid":"u","metadata":{"title":"C"},"groups":[{"id":"g","title":"G","controls":[{"id":"c-1"}]}]}}"#;
    let err = import(doc, "c.json", Format::Auto).unwrap_err();
    assert_eq!(err.location, Location::Pointer("/catalog/groups/0/controls/0".into()));
    assert_eq!(err.kind, ErrorKind::Missing("title".into()));
}

#[test]
fn xml_errors_point_to_the_line_of_the_element() {
    let doc = "<?xml version=\"1.0\"?>\n<catalog uuid=\"u\">\n<metadata><title>C</title></metadata>\n<group id=\"g\"><title>G</title>\n<control id=\"c-1\"></control>\n</group></catalog>";
    let err = import(doc.as_bytes(), "c.xml", Format::Auto).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Missing("title".into()));
    assert_eq!(err.location, Location::Line { line: 5, column: None });
    let err = import(b"<catalog>\n<metadata>\n</catalog>", "d.xml", Format::Auto).unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Syntax(_)));
    assert!(matches!(err.location, Location::Line { .. }));
}

#[test]
fn duplicate_control_labels_are_rejected_as_invalid() {
    let doc = br#"{"catalog":{"uuid":"u","metadata":{"title":"C"},"controls":[{"id":"a","title":"A","props":[{"name":"label","value":"X"}]},{"id":"b","title":"B","props":[{"name":"label","value":"X"}]}]}}"#;
    let err = import(doc, "c.json", Format::Auto).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Invalid(ValidationError::DuplicateRefId("X".into())));
}

#[test]
fn sp800_53_crosswalk_targets_exist_in_the_high_catalog() {
    let high = one(HIGH, "high.json");
    let xw = builtin_crosswalks().unwrap().into_iter().find(|x| x.target_framework == builtin::SP_800_53_R5).unwrap();
    let missing: Vec<_> =
        xw.links.iter().filter(|l| high.node(&l.target.ref_id).is_none()).map(|l| l.target.ref_id.clone()).collect();
    // The HIGH baseline leaves some controls out (e.g. PM family controls are not baseline controls).
    assert!(missing.len() < xw.links.len() / 2, "{} of {} missing", missing.len(), xw.links.len());
    assert!(high.node("AC-2").is_some() && xw.links.iter().any(|l| l.target.ref_id == "AC-2"));
}
