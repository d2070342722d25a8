//! Target profiles and the prioritised gap list (roadmap to ★3/★4).

use mamori_assess::{GroupTarget, ScsLevel, Target, TargetProfile, TargetStatus, gaps};

use crate::support::{answers, matured, req, scale, status};

#[test]
fn gaps_sort_by_size_times_weight_then_criticality_then_id() {
    let reqs = vec![
        req("a", &["G"]),
        req("b", &["G"]).weighted(2.0).tag("criticality", "high"),
        req("c", &["G"]),
        req("d", &["G"]),
        req("e", &["G"]),
        req("f", &["G"]).weighted(2.0).tag("criticality", "low"),
    ];
    let a = answers(vec![
        ("a", matured('P', 1)),
        ("b", matured('P', 2)),
        ("c", matured('I', 3)),
        ("d", status('A')),
        // e unanswered.
        ("f", matured('P', 2)),
    ]);
    let g = gaps(&reqs, &a, &TargetProfile::uniform_maturity(3, scale()));
    // Target 3 on 0–5 (range 5):
    //   e: (3 − 0) / 5 = 0.6, × 1 = 0.6
    //   a: (3 − 1) / 5 = 0.4, × 1 = 0.4 (no criticality)
    //   b: (3 − 2) / 5 = 0.2, × 2 = 0.4 (high)
    //   f: (3 − 2) / 5 = 0.2, × 2 = 0.4 (low)
    //   c meets the target; d is N/A.
    let order: Vec<(&str, f64)> = g.iter().map(|x| (x.requirement.as_str(), x.priority)).collect();
    assert_eq!(order, vec![("e", 0.6), ("b", 0.4), ("f", 0.4), ("a", 0.4)]);
    assert_eq!(g[0].current_status, None);
    assert_eq!(g[1].current_maturity, Some(2));
}

#[test]
fn requirement_targets_override_group_targets_which_override_the_default() {
    let reqs = [req("x", &["GV", "GV.OC"]), req("y", &["GV", "GV.RM"]), req("z", &["PR"])];
    let profile = TargetProfile {
        scale: scale(),
        default: Some(Target::Maturity(2)),
        groups: vec![
            GroupTarget { path: vec!["GV".into()], target: Target::Maturity(4) },
            GroupTarget { path: vec!["GV".into(), "GV.RM".into()], target: Target::Maturity(5) },
        ],
        requirements: [("x".to_owned(), Target::Status(TargetStatus::Implemented))].into(),
    };
    assert_eq!(profile.target_for(&reqs[0]), Some(Target::Status(TargetStatus::Implemented)));
    assert_eq!(profile.target_for(&reqs[1]), Some(Target::Maturity(5)));
    assert_eq!(profile.target_for(&reqs[2]), Some(Target::Maturity(2)));
    assert_eq!(profile.target_for_group(&["GV".into(), "GV.OC".into()]), Some(Target::Maturity(4)));
}

#[test]
fn the_scs_roadmap_lists_unmet_criteria_for_the_chosen_level() {
    let reqs = vec![
        req("s3-1", &["r3"]).tag("scs_level", "3"),
        req("s3-2", &["r3"]).tag("scs_level", "3"),
        req("s4-1", &["r4"]).tag("scs_level", "4"),
    ];
    let a = answers(vec![("s3-1", status('I')), ("s3-2", status('P')), ("s4-1", status('N'))]);
    let to3 = gaps(&reqs, &a, &TargetProfile::scs_roadmap(&reqs, ScsLevel::Star3));
    // s3-2 partial → implemented: (3 − 2) / 3 of the status ranks.
    assert_eq!(to3.len(), 1);
    assert_eq!(to3[0].requirement, "s3-2");
    assert!((to3[0].size - 1.0 / 3.0).abs() < 1e-12);
    let to4 = gaps(&reqs, &a, &TargetProfile::scs_roadmap(&reqs, ScsLevel::Star4Only));
    // s4-1 not implemented → implemented: 3 / 3 = 1 comes first.
    assert_eq!(to4.iter().map(|g| g.requirement.as_str()).collect::<Vec<_>>(), ["s4-1", "s3-2"]);
}
