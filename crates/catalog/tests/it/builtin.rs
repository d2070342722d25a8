//! Built-in catalogs and crosswalks: counts, flags and traversal.

use mamori_catalog::builtin::*;
use mamori_catalog::*;

fn fw(id: &str) -> Framework {
    builtin_frameworks().unwrap().into_iter().find(|f| f.id == id).unwrap()
}

fn count(f: &Framework, pred: impl Fn(&Node) -> bool) -> usize {
    f.nodes.iter().filter(|n| pred(n)).count()
}

#[test]
fn every_builtin_framework_loads_and_validates_with_provenance() {
    let all = builtin_frameworks().unwrap();
    assert_eq!(all.len(), 7);
    for f in &all {
        assert!(f.validation_errors().is_empty(), "{}", f.id);
        assert!(!f.provenance.is_empty(), "{} has no provenance", f.id);
        assert!(!f.version.is_empty() && f.published.is_some(), "{}", f.id);
        assert!(!f.licence_note.is_empty(), "{}", f.id);
    }
}

#[test]
fn csf_2_0_has_6_functions_22_categories_and_106_subcategories() {
    let f = fw(CSF_2_0);
    assert_eq!(f.roots().count(), 6);
    let categories = count(&f, |n| n.kind == NodeKind::Group && n.parent.is_some());
    assert_eq!(categories, 22);
    assert_eq!(f.assessable_count(), 106);
    assert_eq!(f.node("GV").unwrap().title.ja, "統治");
    assert_eq!(f.path("GV.OC-01").iter().map(|n| n.ref_id.as_str()).collect::<Vec<_>>(), ["GV", "GV.OC", "GV.OC-01"]);
}

#[test]
fn guidelines_have_3_principles_10_directives_and_4_own_questions_each() {
    let f = fw(GUIDELINES_3_0);
    assert_eq!(f.children("principles").count(), 3);
    let directives: Vec<_> = f.nodes.iter().filter(|n| n.ref_id.starts_with("指示")).collect();
    assert_eq!(directives.len(), 10);
    assert_eq!(f.assessable_count(), 40);
    for n in f.nodes.iter().filter(|n| n.assessable) {
        assert_eq!(n.verification, Verification::Own);
        assert_eq!(n.level_descriptors.len(), 6, "{}", n.ref_id);
    }
    assert_eq!(f.node("指示4").unwrap().verification, Verification::Verified);
    assert_eq!(f.node("指示5").unwrap().verification, Verification::Unverified);
    assert_eq!(f.with_tag(&Tag::DirectiveGroup('C')).filter(|n| n.ref_id.starts_with("指示")).count(), 2);
}

#[test]
fn scs_star3_has_26_requirements_with_81_criteria_and_star4_adds_17() {
    let f = fw(SCS);
    assert_eq!(f.verification, Verification::Secondary);
    assert_eq!(f.version, "criteria 2026-03-27");
    let star3_req = count(&f, |n| n.kind == NodeKind::Requirement && n.tags.contains(&Tag::ScsLevel(ScsLevel::Star3)));
    let star4_req = count(&f, |n| n.kind == NodeKind::Requirement && n.tags.contains(&Tag::ScsLevel(ScsLevel::Star4)));
    let criteria = count(&f, |n| n.kind == NodeKind::Criterion);
    assert_eq!((star3_req, star4_req, criteria), (26, 43, 81));
    assert_eq!(f.children("4-1-2").count(), 8);
    assert!(f.nodes.iter().filter(|n| n.kind != NodeKind::Group).all(|n| n.verification == Verification::Secondary));
}

#[test]
fn security_action_scores_25_items_on_4_2_0_minus_1() {
    let f = fw(SECURITY_ACTION);
    assert_eq!(f.children("star1").count(), 5);
    let items = count(&f, |n| n.scale.as_deref() == Some("self-check-points"));
    assert_eq!(items, 25);
    let scale = f.scales.iter().find(|s| s.id == "self-check-points").unwrap();
    let values: Vec<i32> = scale.levels.iter().map(|l| l.value).collect();
    assert_eq!(values, [4, 2, 0, -1]);
    assert_eq!(scale.max_value().unwrap() * 25, 100);
    assert_eq!(f.node("check-22").unwrap().verification, Verification::Unverified);
    assert_eq!(f.node("check-21").unwrap().verification, Verification::Secondary);
}

#[test]
fn iso_27001_annex_a_lists_93_controls_in_4_themes() {
    let f = fw(ISO_27001_2022);
    assert_eq!(f.assessable_count(), 93);
    let per_theme: Vec<usize> = ["5", "6", "7", "8"].iter().map(|t| f.children(t).count()).collect();
    assert_eq!(per_theme, [37, 8, 14, 34]);
    assert!(f.node("8.34").is_some() && f.node("5.38").is_none());
}

#[test]
fn cpsf_ships_15_verified_requirements_of_104() {
    let f = fw(CPSF_1_0);
    assert_eq!(f.assessable_count(), 15);
    assert_eq!(f.expected_assessable, Some(104));
    assert_eq!(f.children("layers").count(), 3);
    assert_eq!(f.children("components").count(), 6);
    assert!(f.nodes.iter().filter(|n| n.assessable).all(|n| n.ref_id.starts_with("CPS.")));
    let rp = f.node("CPS.RP-1").unwrap();
    assert!(rp.tags.contains(&Tag::CpsfComponent(CpsfComponent::SYS)));
    assert_eq!(f.with_tag(&Tag::CpsfCategory("IP".into())).filter(|n| n.assessable).count(), 2);
}

#[test]
fn jc_star_ships_only_the_confirmed_items() {
    let f = fw(JC_STAR_1);
    assert_eq!(f.assessable_count(), 6);
    assert_eq!(f.expected_assessable, Some(16));
    assert_eq!(f.node("S1.1-06").unwrap().verification, Verification::Secondary);
}

#[test]
fn search_finds_japanese_and_english_text() {
    let f = fw(CPSF_1_0);
    let hits: Vec<_> = f.search("脆弱性").into_iter().map(|n| n.ref_id.clone()).collect();
    assert!(hits.contains(&"CPS.RA-1".to_owned()));
    assert_eq!(f.search("VULNERABILITIES").len(), 1);
    assert!(f.search("  ").is_empty());
}

#[test]
fn every_builtin_crosswalk_link_points_at_existing_nodes() {
    let frameworks = builtin_frameworks().unwrap();
    for xw in builtin_crosswalks().unwrap() {
        assert!(!xw.provenance.is_empty());
        for link in &xw.links {
            for end in [&link.source, &link.target] {
                if end.framework == SP_800_53_R5 {
                    continue; // SP 800-53 is imported from OSCAL, checked in the oscal tests.
                }
                let f = frameworks.iter().find(|f| f.id == end.framework).unwrap();
                assert!(f.node(&end.ref_id).is_some(), "{} {:?} missing", xw.id, end);
            }
        }
    }
}

#[test]
fn nist_crosswalks_are_official_and_ours_are_labelled_ours() {
    for xw in builtin_crosswalks().unwrap() {
        let expected = if xw.source_framework == CSF_2_0 { Authorship::Official } else { Authorship::Ours };
        assert_eq!(xw.authorship, expected, "{}", xw.id);
    }
}

#[test]
fn csf_to_iso_query_returns_nists_links_typed_related() {
    let index = CrosswalkIndex::from_crosswalks(&builtin_crosswalks().unwrap());
    let got = index.map(CSF_2_0, "PR.DS-11", ISO_27001_2022);
    let direct: Vec<_> = got.iter().filter(|m| m.pivot.is_none()).map(|m| m.target.ref_id.as_str()).collect();
    assert!(direct.contains(&"8.13"), "{direct:?}");
    assert!(got.iter().all(|m| m.relation == Relation::Related));
    assert!(index.links_for(ISO_27001_2022).len() > 250);
}

#[test]
fn scs_maps_to_iso_through_csf_with_the_pivot_reported() {
    let index = CrosswalkIndex::from_crosswalks(&builtin_crosswalks().unwrap());
    let got = index.map(SCS, "4-3-4", ISO_27001_2022);
    let m = got.iter().find(|m| m.target.ref_id == "8.13").unwrap();
    assert_eq!(m.pivot.as_ref().unwrap(), &NodeRef::new(CSF_2_0, "PR.DS-11"));
    assert_eq!(m.relation, Relation::Related);
    assert_eq!(m.links.len(), 2);
}

#[test]
fn reverse_lookup_inverts_the_relation() {
    let index = CrosswalkIndex::new(&[Link {
        source: NodeRef::new("a", "1"),
        target: NodeRef::new("b", "x"),
        relation: Relation::Subset,
        confidence: Confidence::High,
        crosswalk: "t".into(),
        rationale: None,
        strength: None,
    }]);
    let got = index.map("b", "x", "a");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].relation, Relation::Superset);
}
