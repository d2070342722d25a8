//! Chart series: radar, bars, trend, k-anonymous sector average and group comparison.

use std::collections::BTreeMap;

use mamori_assess::{
    Axis, ChartError, GroupMember, Metric, RollupConfig, SectorContribution, TrendPoint, bar_series, group_comparison,
    radar_csf, radar_guidelines, score_csf, score_guidelines, sector_average, trend_series,
};
use time::macros::date;

use crate::support::{answers, approx, matured, req, scale};

#[test]
fn the_guidelines_radar_always_has_ten_directive_axes() {
    let reqs = vec![req("q1", &[]).tag("directive", "1"), req("q7", &[]).tag("directive", "7")];
    let s =
        score_guidelines(&reqs, &answers(vec![("q1", matured('I', 2)), ("q7", matured('I', 4))]), &scale()).unwrap();
    let targets: BTreeMap<String, f64> = [("1".to_owned(), 3.0)].into();
    let r = radar_guidelines(&s, Some(&targets));
    assert_eq!(r.axes.len(), 10);
    assert_eq!(r.axes[6].label_ja, "指示7");
    assert_eq!(r.values[0], Some(2.0));
    assert_eq!(r.values[6], Some(4.0));
    assert_eq!(r.values[1], None);
    assert_eq!(r.target.as_ref().unwrap()[0], Some(3.0));
    assert_eq!(r.target.as_ref().unwrap()[1], None);
    assert_eq!(r.max, 5.0);
}

#[test]
fn the_csf_radar_and_bars_come_from_the_scored_profile() {
    let (reqs, a) = crate::csf::profile();
    let s = score_csf(&reqs, &a, &RollupConfig::default()).unwrap();
    let r = radar_csf(&s, Metric::CompliancePercent, &scale(), None);
    assert_eq!(r.axes.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), ["GV", "ID", "PR", "DE", "RS", "RC"]);
    // GV 0.5 and PR.AA 0.5 from the CSF test's arithmetic, as percentages.
    approx(r.values[0], Some(50.0));
    approx(r.values[1], None);
    approx(r.values[2], Some(50.0));
    assert_eq!(r.max, 100.0);
    let m = radar_csf(&s, Metric::Maturity, &scale(), None);
    approx(m.value_of("GV"), Some(7.0 / 3.0));
    let labels: BTreeMap<String, Axis> =
        [("GV.OC".to_owned(), Axis::new("GV.OC", "組織の状況", "Organizational Context"))].into();
    let bars = bar_series(&s.categories, Metric::CompliancePercent, &scale(), &labels);
    let rows: Vec<(&str, Option<f64>, usize)> =
        bars.bars.iter().map(|b| (b.axis.label_en.as_str(), b.value, b.denominator_count)).collect();
    assert_eq!(
        rows,
        vec![("Organizational Context", Some(75.0), 2), ("GV.RM", Some(0.0), 1), ("PR.AA", Some(50.0), 2)]
    );
}

#[test]
fn the_trend_is_sorted_by_date_then_assessment_id() {
    let point = |id: &str, d: time::Date, v: f64| TrendPoint {
        assessment_id: id.into(),
        date: d,
        overall: Some(v),
        by_axis: [("GV".to_owned(), v), ("PR".to_owned(), f64::NAN)].into(),
    };
    let t = trend_series(
        vec![
            point("c", date!(2026 - 04 - 01), 3.0),
            point("b", date!(2025 - 04 - 01), 2.0),
            point("a", date!(2026 - 04 - 01), 2.5),
        ],
        Metric::Maturity,
        &scale(),
    );
    assert_eq!(t.points.iter().map(|p| p.assessment_id.as_str()).collect::<Vec<_>>(), ["b", "a", "c"]);
    assert_eq!(t.axes, ["GV"]);
    assert!(t.points.iter().all(|p| !p.by_axis.contains_key("PR")));
}

fn contribution(org: &str, opted_in: bool, values: &[Option<f64>]) -> SectorContribution {
    SectorContribution { org_id: org.into(), opted_in, values: values.to_vec() }
}

#[test]
fn the_sector_average_needs_five_distinct_opted_in_organizations() {
    let four = vec![
        contribution("A", true, &[Some(2.0)]),
        contribution("A", true, &[Some(4.0)]),
        contribution("B", true, &[Some(3.0)]),
        contribution("C", true, &[Some(4.0)]),
        contribution("D", true, &[Some(5.0)]),
        // E did not opt in: it must not count towards the five.
        contribution("E", false, &[Some(1.0)]),
    ];
    assert_eq!(sector_average(1, &four), None);
    let mut five = four.clone();
    five[5].opted_in = true;
    let avg = sector_average(1, &five).unwrap();
    // A's two assessments average to 3 first; then (3 + 3 + 4 + 5 + 1) / 5 = 3.2.
    assert_eq!(avg.contributors, 5);
    approx(avg.means[0], Some(3.2));
    let json = serde_json::to_string(&avg).unwrap();
    for org in ["\"A\"", "\"B\"", "\"E\""] {
        assert!(!json.contains(org), "{json}");
    }
}

#[test]
fn a_sparse_axis_in_the_sector_average_stays_hidden() {
    let orgs: Vec<SectorContribution> = ["A", "B", "C", "D", "E", "F"]
        .iter()
        .enumerate()
        .map(|(i, org)| {
            // Axis 1 has values from A–D only (four organizations); axis 2 is missing entirely.
            let second = (i < 4).then_some(1.0);
            contribution(org, true, &[Some(i as f64), second])
        })
        .collect();
    let avg = sector_average(3, &orgs).unwrap();
    // Axis 0: (0 + 1 + 2 + 3 + 4 + 5) / 6 = 2.5.
    approx(avg.means[0], Some(2.5));
    assert_eq!(avg.means[1], None);
    assert_eq!(avg.means[2], None);
}

#[test]
fn group_comparison_aligns_subsidiaries_to_the_parents_axes() {
    let (reqs, a) = crate::csf::profile();
    let s = score_csf(&reqs, &a, &RollupConfig::default()).unwrap();
    let parent_series = radar_csf(&s, Metric::CompliancePercent, &scale(), None);
    let mut sub_series = parent_series.clone();
    sub_series.axes.swap(0, 2);
    sub_series.values = vec![Some(10.0), None, Some(90.0), None, None, None];
    let member = |id: &str, label: &str, series| GroupMember { entity_id: id.into(), label: label.into(), series };
    let cmp = group_comparison(
        &member("p", "親会社", parent_series.clone()),
        &[member("s2", "子会社B", sub_series.clone()), member("s1", "子会社A", sub_series)],
    )
    .unwrap();
    assert_eq!(cmp.subsidiaries.iter().map(|e| e.label.as_str()).collect::<Vec<_>>(), ["子会社A", "子会社B"]);
    // The subsidiary listed PR first; aligned by id, GV = 90 and PR = 10.
    assert_eq!(cmp.subsidiaries[0].values[0], Some(90.0));
    assert_eq!(cmp.subsidiaries[0].values[2], Some(10.0));
    assert_eq!(cmp.parent.values[0], Some(50.0));
    let mut other = parent_series.clone();
    other.metric = Metric::Maturity;
    other.max = 5.0;
    assert_eq!(
        group_comparison(&member("p", "P", parent_series), &[member("x", "X", other)]),
        Err(ChartError::MetricMismatch { entity_id: "x".into() })
    );
}
