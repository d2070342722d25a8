//! Exact scheme scores, roll-ups, gaps and chart series for stored assessments, computed by the assess crate.

use std::collections::{BTreeMap, HashMap};

use mamori_assess::{
    AnswerView, Axis, BarSeries, CsfScore, Gap, GuidelinesScore, Metric, RadarSeries, Rollup, RollupConfig, ScoreError,
    ScsLevel, ScsResult, SectorAverage, SectorContribution, SecurityActionScore, TargetProfile, TrendPoint,
    TrendSeries, bar_series, gaps, radar_csf, radar_from_groups, radar_guidelines, rollup, score_csf, score_guidelines,
    score_scs, score_security_action, sector_average, trend_series,
};
use mamori_catalog::builtin;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use serde::Serialize;

use super::answers::load_answers;
use super::frameworks::{Plan, plan};
use super::migration::{AssessSettings, Assessments};
use super::{AssessmentInfo, load_assessment, state_from};
use crate::schema::Orgs;
use crate::{Store, StoreError, Tenant};

/// The scheme-specific result.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "scheme", rename_all = "snake_case")]
pub enum SchemeScores {
    /// SECURITY ACTION: the 25-item self-check and how many of the five ★1 rules are implemented.
    SecurityAction { self_check: Option<SecurityActionScore>, star1_implemented: usize, star1_total: usize },
    /// SCS: ★3 verdict and the gap to ★4.
    Scs(ScsResult),
    /// Management Guidelines: maturity per directive.
    Guidelines(GuidelinesScore),
    /// CSF 2.0: per function and category.
    Csf(CsfScore),
    /// Any other framework: the generic roll-up only.
    Generic,
}

/// Everything the results page, the API and the reports show.
#[derive(Clone, Debug, Serialize)]
pub struct Scores {
    pub scheme: SchemeScores,
    pub rollup: Rollup,
    pub radar: Option<RadarSeries>,
    pub bars: Option<BarSeries>,
    /// The prioritised gap list ("roadmap"), against ★3 for SCS and level 3 elsewhere.
    pub gaps: Vec<Gap>,
    /// For SCS: the additional gaps to ★4.
    pub gaps_star4: Vec<Gap>,
    /// Headline number for lists and trends (percent or maturity mean).
    pub overall: Option<f64>,
    pub metric: Metric,
}

fn group_labels(plan: &Plan) -> BTreeMap<String, Axis> {
    plan.framework
        .nodes
        .iter()
        .filter(|n| !n.assessable)
        .map(|n| {
            (n.ref_id.clone(), Axis::new(n.ref_id.clone(), n.title.get("ja").to_owned(), n.title.get("en").to_owned()))
        })
        .collect()
}

/// Scores one assessment's answers against its framework plan. Pure; used by the store, benches and reports.
pub fn compute_scores(plan: &Plan, answers: &BTreeMap<String, AnswerView>) -> Result<Scores, ScoreError> {
    let reqs = plan.requirements();
    let config = RollupConfig { scale: plan.scale, ..RollupConfig::default() };
    let rolled = rollup(&reqs, answers, &config)?;
    let labels = group_labels(plan);
    let fw = plan.framework.id.as_str();
    let mut radar = None;
    let mut bars = None;
    let mut gaps_star4 = Vec::new();
    let mut metric = Metric::CompliancePercent;
    let mut overall = rolled.overall.compliance_percent();
    let scheme = if fw == builtin::SECURITY_ACTION {
        let items: Vec<AnswerView> = (1..=25)
            .map(|n| {
                answers
                    .get(&format!("check-{n}"))
                    .cloned()
                    .unwrap_or_else(|| AnswerView::self_check(mamori_assess::SelfCheckChoice::NotImplemented))
            })
            .collect();
        let complete = (1..=25).all(|n| answers.contains_key(&format!("check-{n}")));
        let self_check = if complete { Some(score_security_action(&items)?) } else { None };
        let rules: Vec<_> = reqs.iter().filter(|r| r.id.starts_with("rule-")).collect();
        let star1_implemented = rules
            .iter()
            .filter(|r| {
                answers.get(&r.id).is_some_and(|a| a.status == mamori_assess::ImplementationStatus::Implemented)
            })
            .count();
        overall = self_check.as_ref().map(|s| f64::from(s.total));
        let groups: Vec<_> = rolled.at_depth(2).cloned().collect();
        bars = Some(bar_series(&groups, Metric::CompliancePercent, &plan.scale, &labels));
        SchemeScores::SecurityAction { self_check, star1_implemented, star1_total: rules.len() }
    } else if fw == builtin::SCS {
        let result = score_scs(&reqs, answers)?;
        gaps_star4 = gaps(&reqs, answers, &TargetProfile::scs_roadmap(&reqs, ScsLevel::Star4Only));
        let star3 = TargetProfile::scs_roadmap(&reqs, ScsLevel::Star3);
        let g = gaps(&reqs, answers, &star3);
        gaps_star4.retain(|x| !g.iter().any(|y| y.requirement == x.requirement));
        let groups: Vec<_> = rolled.at_depth(1).cloned().collect();
        radar = Some(radar_from_groups(&groups, Metric::CompliancePercent, &plan.scale, &labels, None));
        bars = Some(bar_series(&groups, Metric::CompliancePercent, &plan.scale, &labels));
        return Ok(Scores {
            scheme: SchemeScores::Scs(result),
            rollup: rolled,
            radar,
            bars,
            gaps: g,
            gaps_star4,
            overall,
            metric,
        });
    } else if fw == builtin::GUIDELINES_3_0 {
        let score = score_guidelines(&reqs, answers, &plan.scale)?;
        radar = Some(radar_guidelines(&score, None));
        metric = Metric::Maturity;
        overall = score.overall;
        SchemeScores::Guidelines(score)
    } else if fw == builtin::CSF_2_0 {
        let score = score_csf(&reqs, answers, &config)?;
        radar = Some(radar_csf(&score, Metric::CompliancePercent, &plan.scale, None));
        bars = Some(bar_series(&score.categories, Metric::CompliancePercent, &plan.scale, &labels));
        SchemeScores::Csf(score)
    } else {
        let groups: Vec<_> = rolled.at_depth(1).cloned().collect();
        if groups.len() >= 3 {
            radar = Some(radar_from_groups(&groups, Metric::CompliancePercent, &plan.scale, &labels, None));
        }
        bars = Some(bar_series(&groups, Metric::CompliancePercent, &plan.scale, &labels));
        SchemeScores::Generic
    };
    let profile = if plan.has_maturity {
        TargetProfile::uniform_maturity(3, plan.scale)
    } else {
        TargetProfile {
            default: Some(mamori_assess::Target::Status(mamori_assess::TargetStatus::Implemented)),
            ..TargetProfile::default()
        }
    };
    let g = gaps(&reqs, answers, &profile);
    Ok(Scores { scheme, rollup: rolled, radar, bars, gaps: g, gaps_star4, overall, metric })
}

/// The per-axis values of a radar, keyed by axis id.
fn axis_values(s: &Scores) -> BTreeMap<String, f64> {
    s.radar
        .as_ref()
        .map(|r| r.axes.iter().zip(&r.values).filter_map(|(a, v)| v.map(|v| (a.id.clone(), v))).collect())
        .unwrap_or_default()
}

fn score_err(e: ScoreError) -> StoreError {
    StoreError::Internal(format!("scoring failed: {e}"))
}

impl Store {
    /// An assessment with its scores.
    pub async fn assessment_scores(&self, tenant: &Tenant, id: &str) -> Result<(AssessmentInfo, Scores), StoreError> {
        let info = load_assessment(self.conn(), tenant, id).await?;
        let plan = plan(&info.framework_id, &info.framework_version).ok_or(StoreError::NotFound)?;
        let answers: BTreeMap<String, AnswerView> = load_answers(self.conn(), &[id.to_owned()])
            .await?
            .into_iter()
            .map(|(_, a)| (a.requirement_id, a.view))
            .collect();
        let scores = compute_scores(&plan, &answers).map_err(score_err)?;
        Ok((info, scores))
    }

    /// The organization's history for one framework, oldest first: two queries whatever its length.
    pub async fn assessment_trend(&self, tenant: &Tenant, framework_id: &str) -> Result<TrendSeries, StoreError> {
        let q = super::select_assessments(tenant.org_id())
            .and_where(Expr::col((Assessments::Table, Assessments::FrameworkId)).eq(framework_id))
            .to_owned();
        let infos: Vec<AssessmentInfo> =
            self.conn().query_all(&q).await?.iter().map(super::assessment_from_row).collect::<Result<_, _>>()?;
        let ids: Vec<String> = infos.iter().map(|i| i.id.clone()).collect();
        let mut by_assessment: HashMap<String, BTreeMap<String, AnswerView>> = HashMap::new();
        for (aid, a) in load_answers(self.conn(), &ids).await? {
            by_assessment.entry(aid).or_default().insert(a.requirement_id, a.view);
        }
        let mut metric = Metric::CompliancePercent;
        let mut scale = mamori_assess::MaturityScale::default();
        let mut points = Vec::new();
        for info in &infos {
            let Some(plan) = plan(&info.framework_id, &info.framework_version) else { continue };
            let empty = BTreeMap::new();
            let s = compute_scores(&plan, by_assessment.get(&info.id).unwrap_or(&empty)).map_err(score_err)?;
            metric = s.metric;
            scale = plan.scale;
            let Ok(date) = super::parse_date("assessed_on", &info.assessed_on) else { continue };
            points.push(TrendPoint {
                assessment_id: info.id.clone(),
                date,
                overall: s.overall,
                by_axis: axis_values(&s),
            });
        }
        Ok(trend_series(points, metric, &scale))
    }

    /// The sector average radar for an assessment's framework, from opted-in organizations of
    /// the same sector (latest submitted, approved or archived assessment of each). `None` below
    /// five contributors, or when the tenant itself has not opted in. Only means leave this function.
    pub async fn sector_average(&self, tenant: &Tenant, id: &str) -> Result<Option<SectorAverage>, StoreError> {
        let info = load_assessment(self.conn(), tenant, id).await?;
        if !self.sector_opt_in(tenant).await? {
            return Ok(None);
        }
        let Some(plan) = plan(&info.framework_id, &info.framework_version) else { return Ok(None) };
        let q = Query::select()
            .column(Orgs::Sector)
            .from(Orgs::Table)
            .and_where(Expr::col(Orgs::Id).eq(tenant.org_id()))
            .to_owned();
        let sector: Option<String> = match self.conn().query_one(&q).await? {
            Some(r) => r.try_get("", "sector")?,
            None => None,
        };
        let Some(sector) = sector else { return Ok(None) };
        let q = Query::select()
            .columns([
                (Assessments::Table, Assessments::Id),
                (Assessments::Table, Assessments::OrgId),
                (Assessments::Table, Assessments::State),
                (Assessments::Table, Assessments::AssessedOn),
            ])
            .from(Assessments::Table)
            .inner_join(
                Orgs::Table,
                Expr::col((Orgs::Table, Orgs::Id)).equals((Assessments::Table, Assessments::OrgId)),
            )
            .inner_join(
                AssessSettings::Table,
                Expr::col((AssessSettings::Table, AssessSettings::OrgId))
                    .equals((Assessments::Table, Assessments::OrgId)),
            )
            .and_where(Expr::col((Orgs::Table, Orgs::Sector)).eq(sector))
            .and_where(Expr::col((AssessSettings::Table, AssessSettings::SectorOptIn)).eq(true))
            .and_where(Expr::col((Assessments::Table, Assessments::FrameworkId)).eq(info.framework_id.clone()))
            .and_where(
                Expr::col((Assessments::Table, Assessments::FrameworkVersion)).eq(info.framework_version.clone()),
            )
            .to_owned();
        let mut latest: BTreeMap<String, (String, String)> = BTreeMap::new();
        for r in self.conn().query_all(&q).await? {
            let state: String = r.try_get("", "state")?;
            if matches!(
                state_from(&state)?,
                mamori_assess::AssessmentState::Draft | mamori_assess::AssessmentState::InReview
            ) {
                continue;
            }
            let (aid, org, on): (String, String, String) =
                (r.try_get("", "id")?, r.try_get("", "org_id")?, r.try_get("", "assessed_on")?);
            match latest.get(&org) {
                Some((_, d)) if *d >= on => {}
                _ => {
                    latest.insert(org, (aid, on));
                }
            }
        }
        if latest.len() < mamori_assess::charts::MIN_SECTOR_CONTRIBUTORS {
            return Ok(None);
        }
        let ids: Vec<String> = latest.values().map(|(a, _)| a.clone()).collect();
        let mut by_assessment: HashMap<String, BTreeMap<String, AnswerView>> = HashMap::new();
        for (aid, a) in load_answers(self.conn(), &ids).await? {
            by_assessment.entry(aid).or_default().insert(a.requirement_id, a.view);
        }
        let empty = BTreeMap::new();
        let mut contributions = Vec::new();
        let mut axes = Vec::new();
        for (org, (aid, _)) in &latest {
            let s = compute_scores(&plan, by_assessment.get(aid).unwrap_or(&empty)).map_err(score_err)?;
            let Some(r) = s.radar else { return Ok(None) };
            axes = r.axes.iter().map(|a| a.id.clone()).collect();
            contributions.push(SectorContribution { org_id: org.clone(), opted_in: true, values: r.values });
        }
        Ok(sector_average(axes.len(), &contributions))
    }
}
