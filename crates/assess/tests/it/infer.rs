//! Inference across crosswalks: what each relation proposes, conflict resolution and confirmation.

use mamori_assess::{
    ImplementationStatus as S, InferenceSource, Link, Proposal, ProposalKind as K, Relation, confirm, confirm_as, infer,
};

use crate::support::{answers, status};

fn link(source: &str, target: &str, relation: Relation) -> Link {
    Link { source: source.into(), target: target.into(), relation }
}

fn from(list: &[(&str, Relation)]) -> Vec<InferenceSource> {
    list.iter().map(|(s, r)| InferenceSource { source: (*s).into(), relation: *r }).collect()
}

fn proposals() -> Vec<Proposal> {
    let a = answers(vec![
        ("s1", status('I')),
        ("s2", status('P')),
        ("s3", status('A')),
        ("s4", status('N')),
        ("s5", status('I')),
    ]);
    let links = vec![
        link("s1", "t1", Relation::Equal),
        link("s1", "t2", Relation::Subset),
        link("s4", "t3", Relation::Subset),
        link("s1", "t4", Relation::Intersects),
        link("s3", "t5", Relation::Equal),
        link("s9", "t5", Relation::Equal),
        link("s5", "t6", Relation::Related),
        link("s1", "t6", Relation::Superset),
        link("s2", "t6", Relation::Equal),
        link("s1", "t7", Relation::Related),
        link("s4", "t7", Relation::Subset),
    ];
    infer(&a, &links)
}

fn check(p: &Proposal, target: &str, status: S, kind: K, sources: &[(&str, Relation)]) {
    assert_eq!(p.target, target);
    assert_eq!((&p.status, p.kind), (&status, kind), "{target}");
    assert_eq!(p.from, from(sources), "{target}");
}

#[test]
fn each_relation_yields_the_documented_kind_of_proposal() {
    let p = proposals();
    assert_eq!(p.iter().map(|p| p.target.as_str()).collect::<Vec<_>>(), ["t1", "t2", "t3", "t4", "t6", "t7"]);
    // Equal: the source covers the target.
    check(&p[0], "t1", S::Implemented, K::Proposed, &[("s1", Relation::Equal)]);
    // Subset: the source covers part of the target, capped at partial.
    check(&p[1], "t2", S::Partial, K::ProposedPartial, &[("s1", Relation::Subset)]);
    // The cap never raises a status.
    check(&p[2], "t3", S::NotImplemented, K::ProposedPartial, &[("s4", Relation::Subset)]);
    // Intersects: a suggestion only.
    check(&p[3], "t4", S::Implemented, K::SuggestionOnly, &[("s1", Relation::Intersects)]);
}

#[test]
fn na_and_unanswered_sources_propose_nothing() {
    assert!(proposals().iter().all(|p| p.target != "t5"));
}

#[test]
fn the_strongest_inference_wins_and_ties_take_the_worst_status() {
    let p = proposals();
    // t6: superset (implemented) and equal (partial) tie as proposed; the
    // worse status, partial, wins; the related source does not count.
    check(&p[4], "t6", S::Partial, K::Proposed, &[("s1", Relation::Superset), ("s2", Relation::Equal)]);
    // t7: a subset beats a related link even though its status is worse.
    check(&p[5], "t7", S::NotImplemented, K::ProposedPartial, &[("s4", Relation::Subset)]);
}

#[test]
fn confirming_keeps_the_provenance_for_reports() {
    let p = proposals();
    let a = confirm(&p[4]);
    assert_eq!(a.status, S::Partial);
    assert!(a.is_inferred());
    let prov = a.provenance.as_ref().unwrap();
    assert_eq!((prov.kind, prov.overridden), (K::Proposed, false));
    assert_eq!(prov.from.len(), 2);
    let b = confirm_as(&p[3], S::Planned);
    let prov = b.provenance.unwrap();
    assert_eq!((b.status, prov.proposed_status, prov.overridden), (S::Planned, S::Implemented, true));
    assert_eq!(prov.kind, K::SuggestionOnly);
}

#[test]
fn olir_relation_names_parse() {
    let check = |text: &str, r: Relation| assert_eq!(text.parse::<Relation>().unwrap(), r, "{text}");
    check("equal", Relation::Equal);
    check("Subset of", Relation::Subset);
    check("superset-of", Relation::Superset);
    check("intersects with", Relation::Intersects);
    check("related_to", Relation::Related);
    assert!("not related".parse::<Relation>().is_err());
}

mod properties {
    use mamori_assess::{Link, ProposalKind, Relation, infer};
    use proptest::prelude::*;

    use crate::support::{answers, status};

    proptest! {
        #[test]
        fn proposals_never_exceed_their_sources_and_subsets_stay_at_most_partial(
            sources in proptest::collection::vec(prop_oneof![Just('I'), Just('P'), Just('L'), Just('N'), Just('A')], 1..8),
            links in proptest::collection::vec((0usize..8, 0usize..4, 0usize..5), 0..30),
        ) {
            let ids: Vec<String> = (0..sources.len()).map(|i| format!("s{i}")).collect();
            let a = answers(ids.iter().zip(&sources).map(|(id, c)| (id.as_str(), status(*c))).collect());
            let relations = [Relation::Equal, Relation::Subset, Relation::Superset, Relation::Intersects, Relation::Related];
            let links: Vec<Link> = links.iter().map(|(s, t, r)| Link { source: format!("s{s}"), target: format!("t{t}"), relation: relations[*r] }).collect();
            for p in infer(&a, &links) {
                let rank = p.status.rank().unwrap();
                prop_assert!(!p.from.is_empty());
                for src in &p.from {
                    prop_assert_eq!(ProposalKind::of(src.relation), p.kind);
                    let source_rank = a[&src.source].status.rank().unwrap();
                    prop_assert!(rank <= source_rank);
                }
                if p.kind == ProposalKind::ProposedPartial {
                    prop_assert!(rank <= 2);
                }
            }
        }
    }
}
