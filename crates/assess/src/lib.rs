//! Pure assessment domain for mamori: answers, lifecycle, exact scheme scoring, crosswalk inference and chart data.
//!
//! The crate does no IO and reads no clock. Callers fill the small input
//! views ([`Requirement`], [`AnswerView`]) from the catalog and the store,
//! and get plain values back:
//!
//! - [`score_security_action`]: SECURITY ACTION 25-item self-check, 4/2/0/−1, band;
//! - [`score_scs`]: SCS ★3 verdict (every criterion) and the gap to ★4;
//! - [`score_guidelines`]: Management Guidelines maturity per directive;
//! - [`score_csf`]: CSF 2.0 per function and category;
//! - [`rollup`], [`gaps`]: weighted roll-ups over any tree, targets and a prioritised roadmap;
//! - [`infer`], [`confirm`]: proposals across crosswalks, confirmed by a person;
//! - [`charts`]: radar, bar, trend, sector average, group comparison, and [`radar_svg`].

pub mod answer;
pub mod charts;
pub mod infer;
pub mod input;
pub mod lifecycle;
pub mod model;
pub mod scoring;

pub use answer::{AnswerError, AnswerView, ImplementationStatus, MaturityScale, NaReason, SelfCheckChoice};
pub use charts::{
    Axis, BarSeries, ChartError, EntityValues, GROUP_RADAR_MAX, GroupComparison, GroupMember, Lang, Metric,
    RadarSeries, SectorAverage, SectorContribution, TrendPoint, TrendSeries, bar_series, csf_function_axis,
    group_comparison, group_radar_svg, radar_csf, radar_from_groups, radar_guidelines, radar_svg, sector_average,
    trend_series,
};
pub use infer::{InferenceSource, Link, Proposal, ProposalKind, Provenance, Relation, confirm, confirm_as, infer};
pub use input::{AnswerInput, InvalidAnswer, ValidAnswer};
pub use lifecycle::{
    AssessRole, AssessmentState, LifecycleAction, ReadOnly, TransitionError, ensure_editable, transition,
};
pub use model::{AnswerSource, Requirement, ScoreError};
pub use scoring::csf::{CsfScore, score_csf};
pub use scoring::gaps::{Gap, GroupTarget, Target, TargetProfile, TargetStatus, gaps};
pub use scoring::guidelines::{DirectiveScore, GuidelinesScore, score_guidelines};
pub use scoring::rollup::{GroupScore, Rollup, RollupConfig, StatusCounts, StatusCredits, UnansweredPolicy, rollup};
pub use scoring::scs::{ScsLevel, ScsResult, ScsVerdict, UnmetCriterion, UnmetReason, score_scs};
pub use scoring::security_action::{
    SecurityActionBand, SecurityActionRules, SecurityActionScore, SelfCheckNaPolicy, SelfCheckSection,
    score_security_action, score_security_action_with,
};
