//! Supply graph analytics, checked against hand-made examples, brute force
//! and petgraph as an independent oracle.

use mamori_chain::Criticality::{self, *};
use mamori_chain::bench::{Phase, run_bench, synthetic, synthetic_edges};
use mamori_chain::graph::*;
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// Buyer 0. Tier 1: 1, 2. Tier 2: 3 (via 1 and 2), 4 (via 2). Tier 3: 5 (via 3).
/// 6 is unreachable from 0. 5 → 3 closes a cycle {3, 5}.
fn sample() -> SupplyGraph {
    SupplyGraph::from_edges(
        7,
        &[
            (0, 1, Critical),
            (0, 2, Low),
            (1, 3, High),
            (2, 3, Critical),
            (2, 4, Medium),
            (3, 5, Critical),
            (5, 3, Low),
            (6, 4, High),
        ],
    )
    .unwrap()
}

#[test]
fn tiers_are_shortest_bfs_distances_from_the_buyer() {
    let g = sample();
    assert_eq!(g.tiers_from(0).unwrap(), vec![(1, 1), (2, 1), (3, 2), (4, 2), (5, 3)]);
    assert_eq!(g.tiers_from(4).unwrap(), vec![]);
    assert!(matches!(g.tiers_from(7), Err(GraphError::UnknownNode { node: 7, n: 7 })));
}

#[test]
fn path_criticality_is_the_best_weakest_edge_over_shortest_paths() {
    let r = sample().reach_from(0).unwrap();
    let crit: HashMap<u32, Criticality> = r.nodes.iter().copied().zip(r.criticality.iter().copied()).collect();
    assert_eq!(crit[&1], Critical);
    assert_eq!(crit[&2], Low);
    assert_eq!(crit[&3], High, "0-1-3 gives min(Critical, High) = High, better than 0-2-3 = Low");
    assert_eq!(crit[&4], Low);
    assert_eq!(crit[&5], High);
    assert_eq!(r.tier_counts(), vec![2, 2, 1]);
}

#[test]
fn parallel_edges_merge_keeping_the_highest_criticality_and_self_loops_are_dropped() {
    let g = SupplyGraph::from_edges(3, &[(0, 1, Low), (0, 1, High), (1, 1, Critical), (0, 2, Medium)]).unwrap();
    assert_eq!(g.edge_count(), 2);
    assert_eq!(g.suppliers(0).collect::<Vec<_>>(), vec![(1, High), (2, Medium)]);
    assert_eq!(g.buyers(1), &[0]);
    assert!(matches!(
        SupplyGraph::from_edges(2, &[(0, 2, Low)]),
        Err(GraphError::NodeOutOfRange { index: 0, node: 2, .. })
    ));
}

#[test]
fn supply_cycles_form_one_component() {
    let g = sample();
    assert!(g.in_cycle(3) && g.in_cycle(5));
    assert!(!g.in_cycle(0) && !g.in_cycle(4));
    assert_eq!(g.component_count(), 6);
}

fn postures(scores: &[Option<u8>]) -> Vec<Posture> {
    scores.iter().map(|s| s.map_or(Posture::UNKNOWN, |v| Posture::score(v).unwrap())).collect()
}

#[test]
fn rollup_treats_unknown_as_zero_counts_it_and_weights_by_criticality_and_tier() {
    let g = sample();
    // node:            0         1         2         3         4     5         6
    let p = postures(&[Some(90), Some(80), Some(60), Some(70), None, Some(40), Some(10)]);
    let r = g.rollup(0, &p).unwrap();
    assert_eq!(r.suppliers, 5);
    assert_eq!(r.unknown, 1);
    let weakest = r.weakest_link.unwrap();
    assert_eq!((weakest.node, weakest.effective), (4, 0.0));
    // Tier-weighted (decay 0.5): 1→80, 2→60, 3→100-30*0.5=85, 4→100-100*0.5=50, 5→100-60*0.25=85.
    let tw = r.tier_weighted_weakest_link.unwrap();
    assert_eq!((tw.node, tw.effective), (4, 50.0));
    // Weights: 1 Critical 8, 2 Low 1, 3 High 4, 4 Low 1, 5 High 4.
    let expected = (8.0 * 80.0 + 60.0 + 4.0 * 70.0 + 0.0 + 4.0 * 40.0) / 18.0;
    assert!((r.weighted_average.unwrap() - expected).abs() < 1e-9);
    let known = (8.0 * 80.0 + 60.0 + 4.0 * 70.0 + 4.0 * 40.0) / 17.0;
    assert!((r.weighted_average_known.unwrap() - known).abs() < 1e-9);
    assert_eq!(r.per_tier[1], TierStats { tier: 2, suppliers: 2, unknown: 1, min_known: Some(70) });
    assert_eq!(Posture::score(101), None);
}

#[test]
fn rollup_all_matches_per_buyer_weakest_links() {
    let g = sample();
    let p = postures(&[Some(90), Some(80), Some(60), Some(70), None, Some(40), Some(10)]);
    let all = g.rollup_all(&p);
    assert_eq!(all.effective(0), Some(0), "supplier 4 is unknown");
    assert_eq!(all.effective(1), Some(40));
    assert_eq!(all.effective(3), Some(40), "3 and 5 supply each other");
    assert_eq!(all.effective(4), None);
    assert_eq!(all.effective(6), Some(0));
}

#[test]
fn concentration_counts_direct_buyers_leads_and_estimates_all_buyers() {
    let g = sample();
    let c = g.concentration(&[0, 6]);
    assert_eq!(c.direct_buyers, vec![0, 1, 1, 3, 2, 1, 0]);
    assert_eq!(c.lead_dependents, vec![0, 1, 1, 1, 2, 1, 0]);
    // Exact ancestor counts are 0,1,1,{0,1,2,5}=4,{0,2,6}=3,{0,1,2,3}=4,0; the
    // estimate is exact at this size.
    assert_eq!(c.all_buyers_estimate, vec![0, 1, 1, 4, 3, 4, 0]);
    assert_eq!(c.top_by_leads(1), vec![4]);
}

#[test]
fn single_points_of_failure_are_dominators_of_critical_supply() {
    // 0 → 1 → 3 → 4 (critical chain), 0 → 2 → 3 gives 3 two routes in, 4 only via 3.
    // 0 → 5 (low) → 6 (high): 6 is reached only via low edge so not critical supply.
    let g = SupplyGraph::from_edges(
        7,
        &[(0, 1, High), (0, 2, Critical), (1, 3, Critical), (2, 3, High), (3, 4, Critical), (0, 5, Low), (5, 6, High)],
    )
    .unwrap();
    let r = g.single_points_of_failure(0, High).unwrap();
    assert_eq!(r.critical_total, 4, "1, 2, 3, 4");
    assert_eq!(r.spofs, vec![SinglePointOfFailure { node: 3, dominated_critical: 1, share: 0.25 }]);
}

fn random_graph(n: usize, raw: &[(u8, u8, u8)]) -> SupplyGraph {
    let edges: Vec<(u32, u32, Criticality)> = raw
        .iter()
        .map(|&(a, b, c)| (u32::from(a) % n as u32, u32::from(b) % n as u32, Criticality::from_u8(c % 4)))
        .collect();
    SupplyGraph::from_edges(n, &edges).unwrap()
}

fn to_petgraph(g: &SupplyGraph) -> petgraph::graph::DiGraph<(), ()> {
    let mut pg = petgraph::graph::DiGraph::new();
    let ids: Vec<_> = (0..g.node_count()).map(|_| pg.add_node(())).collect();
    for (b, s, _) in g.edges() {
        pg.add_edge(ids[b as usize], ids[s as usize], ());
    }
    pg
}

proptest! {
    #[test]
    fn dominators_agree_with_petgraph(n in 1usize..24, raw in proptest::collection::vec(any::<(u8, u8, u8)>(), 0..80)) {
        let g = random_graph(n, &raw);
        let pg = to_petgraph(&g);
        for root in 0..n as u32 {
            let doms = petgraph::algo::dominators::simple_fast(&pg, petgraph::graph::NodeIndex::new(root as usize));
            for (v, idom) in g.dominators(root).unwrap() {
                let expected = doms.immediate_dominator(petgraph::graph::NodeIndex::new(v as usize)).map(|i| i.index() as u32);
                prop_assert_eq!(Some(idom), expected, "root {} node {}", root, v);
            }
        }
    }

    #[test]
    fn tiers_components_and_concentration_agree_with_brute_force(n in 1usize..20, raw in proptest::collection::vec(any::<(u8, u8, u8)>(), 0..60)) {
        let g = random_graph(n, &raw);
        let pg = to_petgraph(&g);
        let sccs = petgraph::algo::tarjan_scc(&pg);
        prop_assert_eq!(g.component_count(), sccs.len());
        let leads: Vec<u32> = (0..n as u32).filter(|v| v % 3 == 0).collect();
        let c = g.concentration(&leads);
        let mut dependents = vec![0u32; n];
        let mut ancestors: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); n];
        for b in 0..n as u32 {
            let dist = petgraph::algo::dijkstra(&pg, petgraph::graph::NodeIndex::new(b as usize), None, |_| 1u32);
            let mut expected: Vec<(u32, u32)> = dist.iter().map(|(k, &d)| (k.index() as u32, d)).filter(|&(k, _)| k != b).collect();
            expected.sort_by_key(|&(k, d)| (d, k));
            let mut got = g.tiers_from(b).unwrap();
            got.sort_by_key(|&(k, d)| (d, k));
            prop_assert_eq!(&got, &expected);
            for &(s, _) in &got {
                ancestors[s as usize].insert(b);
                if leads.contains(&b) {
                    dependents[s as usize] += 1;
                }
            }
        }
        prop_assert_eq!(&c.lead_dependents, &dependents);
        for (v, set) in ancestors.iter().enumerate() {
            let exact = set.len() as f64;
            let est = f64::from(c.all_buyers_estimate[v]);
            prop_assert!((est - exact).abs() <= 2.0 + 0.3 * exact, "node {} exact {} est {}", v, exact, est);
        }
    }

    #[test]
    fn rollup_all_agrees_with_per_buyer_reach(n in 1usize..20, raw in proptest::collection::vec(any::<(u8, u8, u8)>(), 0..60), seed in any::<u64>()) {
        let g = random_graph(n, &raw);
        let p: Vec<Posture> = (0..n).map(|i| {
            let x = (seed >> (i % 60)) as u8 % 120;
            Posture::score(x).unwrap_or(Posture::UNKNOWN)
        }).collect();
        let all = g.rollup_all(&p);
        for v in 0..n as u32 {
            let reach = g.reach_from(v).unwrap();
            // In a cycle the node is its own indirect supplier.
            let own = g.in_cycle(v).then_some(p[v as usize].conservative());
            let expected = reach.nodes.iter().map(|&s| p[s as usize].conservative()).chain(own).min();
            prop_assert_eq!(all.effective(v), expected);
        }
    }

    #[test]
    fn exports_stay_well_formed_for_arbitrary_labels(labels in proptest::collection::vec("\\PC{0,12}|[\\x00-\\x1f<>&\"',=]{0,6}", 3)) {
        let g = SupplyGraph::from_edges(3, &[(0, 1, Low), (1, 2, Critical)]).unwrap();
        let xml = export_graphml(&g, &labels, &[]);
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut nodes = 0;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Start(e)) if e.name().as_ref() == b"node" => nodes += 1,
                Ok(_) => {}
                Err(e) => prop_assert!(false, "not well-formed: {e}\n{xml}"),
            }
        }
        prop_assert_eq!(nodes, 3);
        let (csv_nodes, _) = export_csv(&g, &labels, &[]);
        prop_assert!(csv_nodes.starts_with("id,label,posture\r\n"));
    }
}

#[test]
fn csv_export_quotes_fields_and_neutralises_formulas() {
    let g = SupplyGraph::from_edges(3, &[(0, 1, Low), (1, 2, Critical)]).unwrap();
    let p = postures(&[Some(50), None, Some(100)]);
    let (nodes, edges) = export_csv(&g, &["Acme, Inc.", "=HYPERLINK(\"x\")", "東京精密"], &p);
    assert_eq!(
        nodes,
        "id,label,posture\r\n0,\"Acme, Inc.\",50\r\n1,\"'=HYPERLINK(\"\"x\"\")\",unknown\r\n2,東京精密,100\r\n"
    );
    assert_eq!(edges, "buyer,supplier,criticality\r\n0,1,low\r\n1,2,critical\r\n");
}

#[test]
fn graphml_escapes_markup_in_labels() {
    let g = SupplyGraph::from_edges(2, &[(0, 1, High)]).unwrap();
    let xml = export_graphml(&g, &["<b>&\"Co\"</b>", "ok"], &[]);
    assert!(xml.contains("<data key=\"label\">&lt;b&gt;&amp;&quot;Co&quot;&lt;/b&gt;</data>"));
    assert!(xml.contains("<edge id=\"e0\" source=\"n0\" target=\"n1\"><data key=\"criticality\">high</data></edge>"));
}

#[test]
fn consent_view_shows_details_only_below_consenting_suppliers() {
    // 0 → 1 → 3 → 5, 0 → 2 → 4. Supplier 1 consented, 2 and 3 did not.
    let g =
        SupplyGraph::from_edges(6, &[(0, 1, High), (0, 2, Low), (1, 3, Medium), (2, 4, High), (3, 5, Low)]).unwrap();
    let view = g.consent_view(0, |v| v == 1, |v| if v == 4 { "attested" } else { "requested" }).unwrap();
    let visible: Vec<(u32, u32)> = view.visible.iter().map(|v| (v.node, v.tier)).collect();
    assert_eq!(visible, vec![(1, 1), (2, 1), (3, 2)]);
    assert_eq!(view.visible_edges, vec![(0, 1, High), (0, 2, Low), (1, 3, Medium)]);
    assert_eq!(
        view.hidden,
        vec![
            AggregateRow { tier: 2, status: "attested", count: 1 },
            AggregateRow { tier: 3, status: "requested", count: 1 },
        ]
    );
}

#[test]
fn synthetic_graphs_are_deterministic_and_shaped_around_lead_companies() {
    let (a, leads) = synthetic_edges(10_000, 50_000, 7);
    let (b, _) = synthetic_edges(10_000, 50_000, 7);
    let (c, _) = synthetic_edges(10_000, 50_000, 8);
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(leads.len(), 3);
    let s = synthetic(10_000, 50_000, 7);
    let reach = s.graph.reach_from(s.leads[0]).unwrap();
    assert!(reach.max_tier() >= 4, "several tiers below each lead");
    let conc = s.graph.concentration(&s.leads);
    let max_buyers = conc.direct_buyers.iter().max().copied().unwrap();
    assert!(max_buyers > 100, "power-law popularity gives hubs, got {max_buyers}");
}

#[test]
fn run_bench_reports_every_phase_in_order() {
    let mut phases = Vec::new();
    let summary = run_bench(5_000, 20_000, 1, &mut |p, _| phases.push(p));
    assert_eq!(
        phases,
        vec![Phase::Generate, Phase::Build, Phase::Tiers, Phase::Rollup, Phase::Concentration, Phase::Spof]
    );
    assert_eq!(summary.nodes, 5_000);
    assert!(summary.reached > 0 && summary.max_lead_dependents >= 1);
}
