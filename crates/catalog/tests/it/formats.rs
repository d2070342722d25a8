//! CISO Assistant YAML, CSV templates, detection, diff and parser robustness.

use mamori_catalog::*;
use proptest::prelude::*;

const CISO_FW: &[u8] = include_bytes!("../fixtures/ciso-framework.yaml");
const CISO_MAP: &[u8] = include_bytes!("../fixtures/ciso-mapping.yaml");

fn check_detect(bytes: &str, name: &str, expected: Option<Format>) {
    assert_eq!(detect(bytes.as_bytes(), name), expected, "{name}");
}

#[test]
fn formats_are_detected_from_bytes_and_name() {
    check_detect("{\"catalog\": {}}", "x", Some(Format::OscalJson));
    check_detect("  {\"mapping-collection\": {}}", "x.json", Some(Format::OscalJson));
    check_detect("{\"id\": \"x\", \"nodes\": []}", "x.json", Some(Format::MamoriJson));
    check_detect("<?xml version=\"1.0\"?><catalog/>", "x", Some(Format::OscalXml));
    check_detect("urn: urn:x\nobjects: {}", "lib.txt", Some(Format::CisoAssistant));
    check_detect("a: b", "lib.yaml", Some(Format::CisoAssistant));
    check_detect("#framework_id=x\nref_id,title_en\n", "x.txt", Some(Format::Csv));
    check_detect("id,category\nCPS.AM-2,AM\n", "cpsf.csv", Some(Format::CpsfCsv));
    check_detect("id,title_en\nS1.1-07,x\n", "jc.csv", Some(Format::JcStarCsv));
    check_detect("hello", "x.bin", None);
}

#[test]
fn ciso_framework_library_imports_nodes_by_urn_with_translations() {
    let got = import(CISO_FW, "ciso-framework.yaml", Format::Auto).unwrap();
    let f = &got.frameworks[0];
    assert_eq!((f.id.as_str(), f.version.as_str(), f.publisher.as_str()), ("demo-fw", "2", "Example Org"));
    assert_eq!(f.name.ja, "デモ フレームワーク");
    assert_eq!(f.assessable_count(), 2);
    let gov1 = f.node("GOV-1").unwrap();
    assert_eq!(gov1.parent.as_deref(), Some("GOV"));
    assert_eq!(gov1.title, I18n::new("方針", "Policy"));
    assert_eq!(gov1.source_id.as_deref(), Some("urn:example:risk:req_node:demo-fw:gov-1"));
    assert_eq!(f.node("GOV").unwrap().kind, NodeKind::Group);
    assert!(f.node("urn:example:risk:req_node:demo-fw:note").is_some());
}

#[test]
fn ciso_framework_library_round_trips_through_export() {
    let f = import(CISO_FW, "a.yaml", Format::Auto).unwrap().frameworks.remove(0);
    let yaml = export(&f, ExportFormat::CisoAssistant, "").unwrap();
    let again = import(&yaml, "b.yaml", Format::Auto).unwrap().frameworks.remove(0);
    assert_eq!(again, f);
}

#[test]
fn ciso_mapping_library_imports_typed_relations_and_resolves_urns() {
    let got = import(CISO_MAP, "ciso-mapping.yaml", Format::Auto).unwrap();
    let mut xw = got.mappings.into_iter().next().unwrap();
    let rels: Vec<_> = xw.links.iter().map(|l| l.relation).collect();
    assert_eq!(rels, [Relation::Equal, Relation::Subset, Relation::NotRelated]);
    assert_eq!(xw.links[0].strength, Some(9));
    assert_eq!((xw.source_framework.as_str(), xw.target_framework.as_str()), ("demo-fw", "nist-csf-2.0"));
    let fw = import(CISO_FW, "a.yaml", Format::Auto).unwrap().frameworks.remove(0);
    assert_eq!(xw.resolve_source_ids(&[fw]), 3);
    assert_eq!(xw.links[0].source.ref_id, "GOV-1");
}

#[test]
fn ciso_mappings_round_trip_through_export() {
    let xws = import(CISO_MAP, "m.yaml", Format::Auto).unwrap().mappings;
    let yaml = ciso::export_ciso_mappings(&xws, "urn:example:risk:library:again", &[]).unwrap();
    let again = import(&yaml, "again.yaml", Format::Auto).unwrap().mappings;
    assert_eq!(
        again[0].links,
        xws[0].links.iter().map(|l| Link { crosswalk: again[0].id.clone(), ..l.clone() }).collect::<Vec<_>>()
    );
}

#[test]
fn ciso_yaml_errors_name_the_file_and_line() {
    let err = import(b"urn: x\nobjects:\n  framework: [unclosed\n", "bad.yaml", Format::CisoAssistant).unwrap_err();
    assert!(matches!(err.location, Location::Line { .. }), "{err}");
    assert!(err.to_string().starts_with("bad.yaml:"), "{err}");

    let bad = include_bytes!("../fixtures/ciso-bad-unknown-parent.yaml");
    let err = import(bad, "ciso-bad-unknown-parent.yaml", Format::Auto).unwrap_err();
    assert_eq!(err.location, Location::Line { line: 44, column: None });
    assert_eq!(
        err.to_string(),
        "ciso-bad-unknown-parent.yaml:44: field \"parent_urn\": no node has urn \"urn:example:risk:req_node:demo-fw:nowhere\""
    );

    let bad = include_bytes!("../fixtures/ciso-bad-missing-ref-id.yaml");
    let err = import(bad, "ciso-bad-missing-ref-id.yaml", Format::Auto).unwrap_err();
    assert_eq!(err.to_string(), "ciso-bad-missing-ref-id.yaml:13: required field \"ref_id\" is missing");

    let bad = include_bytes!("../fixtures/ciso-bad-relationship.yaml");
    let err = import(bad, "ciso-bad-relationship.yaml", Format::Auto).unwrap_err();
    assert!(err.to_string().starts_with("ciso-bad-relationship.yaml:22: field \"relationship\""), "{err}");

    let no_urn = String::from_utf8_lossy(CISO_FW)
        .replace("      - urn: urn:example:risk:req_node:demo-fw:gov-2\n", "      - translations: {}\n");
    let err = import(no_urn.as_bytes(), "no-urn.yaml", Format::Auto).unwrap_err();
    // The parser reports a missing key at the end of the node's mapping (lines 41–46).
    assert!(matches!(err.location, Location::Line { line: 41..=46, .. }), "{err}");
    assert!(err.to_string().contains("missing field `urn`"), "{err}");
}

#[test]
fn mapping_urns_resolve_against_known_frameworks_or_fail_on_their_line() {
    let csf = builtin_frameworks().unwrap().into_iter().find(|f| f.id == builtin::CSF_2_0).unwrap();
    let demo = import(CISO_FW, "a.yaml", Format::Auto).unwrap().frameworks.remove(0);
    let known = [demo.clone(), csf.clone()];

    let mut ok = import(CISO_MAP, "ciso-mapping.yaml", Format::Auto).unwrap();
    ok.resolve_links(&known).unwrap();
    let ends: Vec<(&str, &str)> =
        ok.mappings[0].links.iter().map(|l| (l.source.ref_id.as_str(), l.target.ref_id.as_str())).collect();
    assert_eq!(ends, [("GOV-1", "GV.PO-01"), ("GOV-2", "GV.RR-02"), ("GOV-2", "GV.RR-01")]);

    let bad = include_bytes!("../fixtures/ciso-bad-mapping-unknown-urn.yaml");
    let mut got = import(bad, "ciso-bad-mapping-unknown-urn.yaml", Format::Auto).unwrap();
    let err = got.resolve_links(&known).unwrap_err().in_file("ciso-bad-mapping-unknown-urn.yaml");
    assert_eq!(
        err.to_string(),
        "ciso-bad-mapping-unknown-urn.yaml:21: field \"target_requirement_urn\": framework nist-csf-2.0 has no requirement with urn \"urn:intuitem:risk:req_node:nist-csf-2.0:zz.zz-99\""
    );
    // Links into a framework that is not loaded are kept as written.
    let mut unknown = import(bad, "m.yaml", Format::Auto).unwrap();
    unknown.resolve_links(std::slice::from_ref(&demo)).unwrap();
    assert!(unknown.mappings[0].links[1].target.ref_id.starts_with("urn:"));
}

const CSV: &str = "#framework_id=acme-baseline\n#name_en=ACME baseline\n#name_ja=ACME 基準\n#version=1.0\n#source_title=ACME policy\nref_id,parent,kind,assessable,title_en,title_ja,text_en,text_ja,tags,verification,scale,weight,note\nA,,group,,Access,アクセス,,,csf_function:PR,verified,,,\nA-1,A,requirement,true,MFA,多要素認証,\"Use MFA, always\",,free:mfa;csf_function:PR,own,,2,first\n";

#[test]
fn csv_template_imports_and_exports_losslessly() {
    let f = import(CSV.as_bytes(), "acme.csv", Format::Auto).unwrap().frameworks.remove(0);
    assert_eq!(f.id, "acme-baseline");
    let a1 = f.node("A-1").unwrap();
    assert_eq!(a1.text.en, "Use MFA, always");
    assert_eq!(a1.tags, [Tag::Free("mfa".into()), Tag::CsfFunction(CsfFunction::PR)]);
    assert_eq!((a1.weight, a1.verification), (Some(2), Verification::Own));
    let out = export(&f, ExportFormat::Csv, "").unwrap();
    assert_eq!(import(&out, "again.csv", Format::Auto).unwrap().frameworks.remove(0), f);
}

#[test]
fn csv_errors_name_the_line_and_the_rule() {
    let bad = CSV.replace("A-1,A,", "A-1,Z,");
    let err = import(bad.as_bytes(), "acme.csv", Format::Auto).unwrap_err();
    assert_eq!(err.location, Location::Line { line: 8, column: None });
    assert!(matches!(&err.kind, ErrorKind::BadValue { field, .. } if field == "parent"));
    let bad = CSV.replace("A-1,A,requirement,true", "A-1,A,requirement,maybe");
    assert!(matches!(import(bad.as_bytes(), "acme.csv", Format::Auto).unwrap_err().kind, ErrorKind::BadValue { .. }));
}

#[test]
fn cpsf_csv_adds_official_rows_to_the_builtin_structure() {
    let csv = "id,category,components,title_en,title_ja,text_en,text_ja,edition,references\nCPS.AM-2,AM,COM;SYS,Row from the official list,,Text supplied by the user,,1.0,\nCPS.AM-1,AM,COM,Replaced,,Replaced text,,1.0,\n";
    let f = import(csv.as_bytes(), "cpsf.csv", Format::Auto).unwrap().frameworks.remove(0);
    assert_eq!(f.id, builtin::CPSF_1_0);
    assert_eq!(f.assessable_count(), 16);
    assert_eq!(f.node("CPS.AM-2").unwrap().parent.as_deref(), Some("AM"));
    assert_eq!(f.node("CPS.AM-1").unwrap().title.en, "Replaced");
    assert!(f.notes.last().unwrap().starts_with("16 of 104"));
    let bad = "id,category\nCPS.ZZ-1,ZZ\n";
    let err = import(bad.as_bytes(), "cpsf.csv", Format::CpsfCsv).unwrap_err();
    assert_eq!(err.location, Location::Line { line: 2, column: None });
}

#[test]
fn jc_star_csv_fills_the_remaining_items() {
    let csv = "id,title_en,title_ja,text_en,text_ja,note\nS1.1-07,Updates,,Verified software updates,,from the official checklist\n";
    let f = import(csv.as_bytes(), "jc.csv", Format::Auto).unwrap().frameworks.remove(0);
    assert_eq!(f.assessable_count(), 7);
    let bad = "id,title_en\nS2-1,x\n";
    assert!(import(bad.as_bytes(), "jc.csv", Format::JcStarCsv).is_err());
}

#[test]
fn diff_lists_added_removed_and_changed_nodes() {
    let old = import(CSV.as_bytes(), "a.csv", Format::Auto).unwrap().frameworks.remove(0);
    let mut new = old.clone();
    new.nodes[1].title.en = "MFA everywhere".into();
    new.nodes.push(Node { ref_id: "A-2".into(), parent: Some("A".into()), ..Default::default() });
    new.nodes.remove(0);
    new.nodes[0].parent = None;
    let d = diff(&old, &new);
    assert_eq!(d.added, ["A-2"]);
    assert_eq!(d.removed, ["A"]);
    assert_eq!(d.changed, [NodeChange { ref_id: "A-1".into(), fields: vec!["parent", "title"] }]);
    assert!(diff(&old, &old).is_empty());
}

#[test]
fn mamori_json_round_trips_and_rejects_invalid_trees() {
    let f = builtin_frameworks().unwrap().remove(0);
    let bytes = export(&f, ExportFormat::MamoriJson, "").unwrap();
    assert_eq!(import(&bytes, "f.json", Format::Auto).unwrap().frameworks[0], f);
    let mut broken = f.clone();
    broken.nodes[3].parent = Some("nowhere".into());
    let bytes = serde_json::to_vec(&broken).unwrap();
    let err = import(&bytes, "f.json", Format::Auto).unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Invalid(ValidationError::UnknownParent { .. })));
}

#[test]
fn validation_finds_cycles_and_duplicates() {
    let mut f = Framework { id: "t".into(), ..Default::default() };
    f.nodes.push(Node { ref_id: "a".into(), parent: Some("b".into()), ..Default::default() });
    f.nodes.push(Node { ref_id: "b".into(), parent: Some("a".into()), ..Default::default() });
    f.nodes.push(Node { ref_id: "b".into(), ..Default::default() });
    let errors = f.validation_errors();
    assert!(errors.contains(&ValidationError::DuplicateRefId("b".into())));
    assert!(errors.iter().any(|e| matches!(e, ValidationError::Cycle(_))));
    f.id = "Bad Id".into();
    assert!(f.validation_errors().contains(&ValidationError::BadFrameworkId("Bad Id".into())));
}

#[test]
fn relation_composition_follows_the_documented_table() {
    use Relation::*;
    let check =
        |a: Relation, b: Relation, expected: Option<Relation>| assert_eq!(a.compose(b), expected, "{a:?} ∘ {b:?}");
    check(Equal, Subset, Some(Subset));
    check(Subset, Subset, Some(Subset));
    check(Superset, Subset, Some(Intersects));
    check(Subset, Superset, Some(Related));
    check(Intersects, Subset, Some(Intersects));
    check(Subset, Intersects, Some(Related));
    check(Related, Equal, Some(Related));
    check(NotRelated, Equal, None);
}

#[test]
fn oversized_input_is_refused() {
    let big = vec![b' '; error::MAX_INPUT_BYTES + 1];
    assert!(matches!(import(&big, "x.json", Format::MamoriJson).unwrap_err().kind, ErrorKind::TooLarge { .. }));
}

proptest! {
    #[test]
    fn importers_never_panic_on_arbitrary_input(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        for format in [Format::Auto, Format::OscalJson, Format::OscalXml, Format::CisoAssistant, Format::Csv, Format::Xlsx, Format::CpsfCsv, Format::MamoriJson] {
            let _ = import(&bytes, "fuzz", format);
        }
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend(&bytes);
        let _ = import(&zipped, "fuzz.xlsx", Format::Auto);
    }

    #[test]
    fn xml_importer_never_panics_on_tag_soup(parts in proptest::collection::vec(prop_oneof!["<catalog>", "</catalog>", "<group id=\"g\">", "</group>", "<control id=\"c\">", "</control>", "<title>t</title>", "<metadata>", "</metadata>", "<p>x</p>", "&amp;", "<prop name=\"label\" value=\"L\"/>"], 0..30)) {
        let doc = parts.concat();
        let _ = import(doc.as_bytes(), "f.xml", Format::OscalXml);
    }
}
