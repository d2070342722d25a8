//! TLP recognition, policy resolution and the access rule (Rust, clauses and SQL).

use std::collections::BTreeSet;

use mamori_intel::tlp::{
    MarkingKind, ObjectAccess, Recipient, SqlColumns, SqlParam, Tlp, TlpPolicy, Viewer, allowed_by_table, can_read,
    classify_marking_definition, predefined, read_filter,
};
use proptest::prelude::*;

#[test]
fn all_nine_predefined_tlp_ids_map_to_their_levels() {
    let table = [
        ("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Tlp::Clear),
        ("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", Tlp::Green),
        ("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Tlp::Amber),
        ("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", Tlp::AmberStrict),
        ("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Tlp::Red),
        ("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp::Clear),
        ("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp::Green),
        ("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp::Amber),
        ("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp::Red),
    ];
    for (id, level) in table {
        assert_eq!(predefined(id).map(|p| p.0), Some(level), "{id}");
    }
    assert_eq!(predefined("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c2"), None);
    for level in mamori_intel::tlp::ALL_LEVELS {
        assert_eq!(predefined(level.marking_id()).map(|p| p.0), Some(level));
    }
}

#[test]
fn the_most_restrictive_marking_wins_and_defaults_are_documented() {
    let policy = TlpPolicy::default();
    let none = |_: &str| None;
    let r = policy.resolve(
        [
            "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        ],
        none,
    );
    assert_eq!(r.tlp, Tlp::AmberStrict);
    assert!(!r.defaulted);
    let unmarked = policy.resolve([], none);
    assert_eq!((unmarked.tlp, unmarked.defaulted), (Tlp::Amber, true));
    let public = TlpPolicy { unmarked: Tlp::Clear, ..policy };
    assert_eq!(public.resolve([], none).tlp, Tlp::Clear);
    // An unknown marking makes a GREEN object AMBER+STRICT; a known statement does not.
    let unknown = "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168";
    let green = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
    let r = policy.resolve([green, unknown], none);
    assert_eq!(r.tlp, Tlp::AmberStrict);
    assert_eq!(r.unknown_refs, [unknown]);
    let statement = |id: &str| (id == unknown).then_some(MarkingKind::Statement);
    assert_eq!(policy.resolve([green, unknown], statement).tlp, Tlp::Green);
}

#[test]
fn attack_copyright_statement_is_classified_as_a_statement() {
    let bundle = crate::fixture_json("ics-attack.json");
    let def = bundle["objects"].as_array().unwrap().iter().find(|o| o["type"] == "marking-definition").unwrap();
    assert_eq!(classify_marking_definition(def), MarkingKind::Statement);
    assert_eq!(classify_marking_definition(&Tlp::Red.marking_definition()), MarkingKind::Tlp(Tlp::Red));
}

#[test]
fn granular_red_makes_the_whole_object_red_until_redaction_exists() {
    let v = serde_json::json!({
        "type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
        "pattern": "[ipv4-addr:value = '10.0.0.1']", "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z",
        "description": "victim context",
        "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
        "granular_markings": [{"marking_ref": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "selectors": ["description"]}]
    });
    let obj = mamori_intel::stix::validate_object(&v).unwrap();
    assert_eq!(TlpPolicy::default().resolve_object(&obj, |_| None).tlp, Tlp::Red);
}

fn viewer(user: &str, org: &str, circles: &[&str]) -> Viewer {
    Viewer {
        user_id: user.into(),
        org_id: org.into(),
        circle_memberships: circles.iter().map(|c| (*c).to_owned()).collect(),
    }
}

fn object(tlp: Tlp, recipients: &[Recipient]) -> ObjectAccess {
    ObjectAccess {
        tlp,
        circle_id: "council".into(),
        producer_org: "org-a".into(),
        producer_user: Some("alice".into()),
        recipients: recipients.iter().cloned().collect(),
    }
}

#[test]
fn the_issue_table_holds_for_representative_viewers() {
    let producer_colleague = viewer("anna", "org-a", &["council"]);
    let member = viewer("bob", "org-b", &["council"]);
    let outsider = viewer("carol", "org-c", &["sector-x"]);
    let named_user = Recipient::User("bob".into());
    let named_org = Recipient::Org("org-b".into());
    // (level, recipients, [colleague, member, outsider])
    let cases: [(Tlp, Vec<Recipient>, [bool; 3]); 7] = [
        (Tlp::Clear, vec![], [true, true, false]),
        (Tlp::Green, vec![], [true, true, false]),
        (Tlp::Amber, vec![], [true, false, false]),
        (Tlp::Amber, vec![named_org.clone()], [true, true, false]),
        (Tlp::AmberStrict, vec![named_org.clone(), named_user.clone()], [true, false, false]),
        (Tlp::Red, vec![named_org], [false, false, false]),
        (Tlp::Red, vec![named_user], [false, true, false]),
    ];
    for (tlp, recipients, expected) in cases {
        let o = object(tlp, &recipients);
        let got = [&producer_colleague, &member, &outsider].map(|v| can_read(v, &o));
        assert_eq!(got, expected, "{tlp:?} {recipients:?}");
    }
    // The submitting user always sees its own object, even RED.
    assert!(can_read(&viewer("alice", "org-a", &[]), &object(Tlp::Red, &[])));
}

#[test]
fn the_sql_rendering_binds_one_parameter_per_placeholder() {
    let cols = SqlColumns {
        tlp: "o.tlp".into(),
        circle_id: "o.circle_id".into(),
        producer_org: "o.producer_org".into(),
        producer_user: "o.producer_user".into(),
        recipient_exists: "EXISTS (SELECT 1 FROM intel_recipient r WHERE r.object_id = o.id AND r.kind = {kind} AND r.principal_id = {principal})".into(),
    };
    let (sql, params) = read_filter(&viewer("bob", "org-b", &["council", "sector-x"])).to_sql(&cols);
    assert_eq!(sql.matches('?').count(), params.len());
    assert!(sql.starts_with("(o.producer_user = ?) OR (o.producer_org = ? AND o.tlp IN (?, ?, ?, ?))"));
    assert_eq!(params[0], SqlParam::Text("bob".into()));
    assert!(params.contains(&SqlParam::Text("amber+strict".into())));
    let (sql, _) = read_filter(&viewer("x", "y", &[])).to_sql(&cols);
    assert!(!sql.contains("circle_id"), "no empty IN lists: {sql}");
}

const USERS: [&str; 4] = ["u1", "u2", "u3", "u4"];
const ORGS: [&str; 3] = ["o1", "o2", "o3"];
const CIRCLES: [&str; 3] = ["c1", "c2", "c3"];

fn arb_tlp() -> impl Strategy<Value = Tlp> {
    prop::sample::select(mamori_intel::tlp::ALL_LEVELS.to_vec())
}

fn arb_viewer() -> impl Strategy<Value = Viewer> {
    (
        prop::sample::select(USERS.to_vec()),
        prop::sample::select(ORGS.to_vec()),
        prop::sample::subsequence(CIRCLES.to_vec(), 0..=3),
    )
        .prop_map(|(u, o, c)| viewer(u, o, &c))
}

fn arb_object() -> impl Strategy<Value = ObjectAccess> {
    let recipient = prop_oneof![
        prop::sample::select(USERS.to_vec()).prop_map(|u| Recipient::User(u.into())),
        prop::sample::select(ORGS.to_vec()).prop_map(|o| Recipient::Org(o.into())),
    ];
    (
        arb_tlp(),
        prop::sample::select(CIRCLES.to_vec()),
        prop::sample::select(ORGS.to_vec()),
        prop::option::of(prop::sample::select(USERS.to_vec())),
        prop::collection::btree_set(recipient, 0..4),
    )
        .prop_map(|(tlp, c, o, u, r)| ObjectAccess {
            tlp,
            circle_id: c.into(),
            producer_org: o.into(),
            producer_user: u.map(str::to_owned),
            recipients: r,
        })
}

proptest! {
    #[test]
    fn rust_predicate_clause_form_and_table_oracle_agree(v in arb_viewer(), o in arb_object()) {
        let direct = can_read(&v, &o);
        prop_assert_eq!(direct, read_filter(&v).matches(&o));
        prop_assert_eq!(direct, allowed_by_table(&v, &o));
    }

    #[test]
    fn no_viewer_outside_the_allowed_audience_ever_reads(o in arb_object(), viewers in prop::collection::vec(arb_viewer(), 1..20)) {
        for v in &viewers {
            if !can_read(v, &o) {
                continue;
            }
            let producer = o.producer_user.as_deref() == Some(v.user_id.as_str());
            let member = v.circle_memberships.contains(&o.circle_id);
            let same_org = v.org_id == o.producer_org;
            let named_user = o.recipients.contains(&Recipient::User(v.user_id.clone()));
            let named_org = o.recipients.contains(&Recipient::Org(v.org_id.clone()));
            // Nobody outside the circle reads anything except the producer's own organization.
            prop_assert!(producer || member || same_org);
            match o.tlp {
                Tlp::AmberStrict => prop_assert!(producer || same_org),
                Tlp::Red => prop_assert!(producer || (member && named_user)),
                Tlp::Amber => prop_assert!(producer || same_org || named_user || named_org),
                Tlp::Clear | Tlp::Green => {}
            }
        }
    }

    #[test]
    fn raising_the_level_never_widens_the_audience(v in arb_viewer(), o in arb_object(), higher in arb_tlp()) {
        let stricter = ObjectAccess { tlp: o.tlp.max(higher), ..o.clone() };
        // Monotonicity holds up to AMBER+STRICT. RED is not nested inside it: RED names
        // individuals (possibly outside the producing organization) instead of an organization.
        if can_read(&v, &stricter) {
            prop_assert!(can_read(&v, &o) || stricter.tlp == Tlp::Red);
        }
    }
}

#[test]
fn viewer_sets_are_plain_btree_sets() {
    let v = viewer("u", "o", &["c1", "c1"]);
    assert_eq!(v.circle_memberships, BTreeSet::from(["c1".to_owned()]));
}
