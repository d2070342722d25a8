//! Built-in catalogs and crosswalks, embedded from `data/` at compile time.

use serde::Deserialize;

use crate::crosswalk::{Authorship, Confidence, Crosswalk, Link, NodeRef, Relation};
use crate::model::{Framework, Source};
use crate::validate::ValidationError;

/// Id of the built-in NIST CSF 2.0 framework.
pub const CSF_2_0: &str = "nist-csf-2.0";
/// Framework id that crosswalk targets use for NIST SP 800-53 Rev. 5 (import the OSCAL catalog under this id).
pub const SP_800_53_R5: &str = "nist-sp-800-53-r5";
/// Id of the built-in ISO/IEC 27001:2022 Annex A outline.
pub const ISO_27001_2022: &str = "iso-iec-27001-2022";
/// Id of the built-in CPSF v1.0 catalog.
pub const CPSF_1_0: &str = "meti-cpsf-1.0";
/// Id of the built-in Cybersecurity Management Guidelines v3.0 catalog.
pub const GUIDELINES_3_0: &str = "meti-cyber-management-guidelines-3.0";
/// Id of the built-in SCS evaluation catalog.
pub const SCS: &str = "meti-scs-evaluation";
/// Id of the built-in SECURITY ACTION catalog.
pub const SECURITY_ACTION: &str = "ipa-security-action";
/// Id of the built-in JC-STAR ★1 catalog.
pub const JC_STAR_1: &str = "ipa-jc-star-star1";

const FRAMEWORK_FILES: &[(&str, &str)] = &[
    ("nist-csf-2.0.json", include_str!("../data/nist-csf-2.0.json")),
    ("meti-cyber-management-guidelines-3.0.json", include_str!("../data/meti-cyber-management-guidelines-3.0.json")),
    ("meti-scs-evaluation.json", include_str!("../data/meti-scs-evaluation.json")),
    ("ipa-security-action.json", include_str!("../data/ipa-security-action.json")),
    ("iso-iec-27001-2022.json", include_str!("../data/iso-iec-27001-2022.json")),
    ("meti-cpsf-1.0.json", include_str!("../data/meti-cpsf-1.0.json")),
    ("ipa-jc-star-star1.json", include_str!("../data/ipa-jc-star-star1.json")),
];

const CROSSWALK_FILES: &[(&str, &str)] = &[
    ("xw-csf2-sp800-53r5.json", include_str!("../data/xw-csf2-sp800-53r5.json")),
    ("xw-csf2-iso27001-2022.json", include_str!("../data/xw-csf2-iso27001-2022.json")),
    ("xw-scs-csf2.json", include_str!("../data/xw-scs-csf2.json")),
    ("xw-guidelines-csf2.json", include_str!("../data/xw-guidelines-csf2.json")),
    ("xw-cpsf-csf2.json", include_str!("../data/xw-cpsf-csf2.json")),
];

/// Why a built-in data file could not be loaded. Seeing this means the shipped data is broken.
#[derive(Debug, thiserror::Error)]
pub enum BuiltinError {
    /// The file is not valid JSON for the model.
    #[error("built-in data file {file}: {source}")]
    Parse {
        /// Data file name.
        file: &'static str,
        /// Parser error.
        source: serde_json::Error,
    },
    /// The framework breaks a structural rule.
    #[error("built-in data file {file}: {source}")]
    Invalid {
        /// Data file name.
        file: &'static str,
        /// The rule broken.
        source: ValidationError,
    },
}

/// Loads and validates every built-in framework.
pub fn builtin_frameworks() -> Result<Vec<Framework>, BuiltinError> {
    FRAMEWORK_FILES
        .iter()
        .map(|(file, text)| {
            let fw: Framework = serde_json::from_str(text).map_err(|source| BuiltinError::Parse { file, source })?;
            fw.validate().map_err(|source| BuiltinError::Invalid { file, source })?;
            Ok(fw)
        })
        .collect()
}

/// The compact on-disk form of a crosswalk: defaults once, then short link rows.
#[derive(Deserialize)]
struct CompactCrosswalk {
    id: String,
    name: String,
    source_framework: String,
    target_framework: String,
    authorship: Authorship,
    #[serde(default)]
    provenance: Vec<Source>,
    #[serde(default)]
    notes: Vec<String>,
    relation: Relation,
    confidence: Confidence,
    links: Vec<CompactLink>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CompactLink {
    Pair(String, String),
    Full { s: String, t: String, r: Option<Relation>, c: Option<Confidence>, why: Option<String> },
}

/// Loads every built-in crosswalk (NIST's from the CPRT export, and our own, labelled as ours).
pub fn builtin_crosswalks() -> Result<Vec<Crosswalk>, BuiltinError> {
    CROSSWALK_FILES
        .iter()
        .map(|(file, text)| {
            let c: CompactCrosswalk =
                serde_json::from_str(text).map_err(|source| BuiltinError::Parse { file, source })?;
            let links = c
                .links
                .into_iter()
                .map(|l| {
                    let (s, t, r, conf, why) = match l {
                        CompactLink::Pair(s, t) => (s, t, None, None, None),
                        CompactLink::Full { s, t, r, c, why } => (s, t, r, c, why),
                    };
                    Link {
                        source: NodeRef::new(&c.source_framework, s),
                        target: NodeRef::new(&c.target_framework, t),
                        relation: r.unwrap_or(c.relation),
                        confidence: conf.unwrap_or(c.confidence),
                        crosswalk: c.id.clone(),
                        rationale: why,
                        strength: None,
                    }
                })
                .collect();
            Ok(Crosswalk {
                id: c.id,
                name: c.name,
                source_framework: c.source_framework,
                target_framework: c.target_framework,
                authorship: c.authorship,
                provenance: c.provenance,
                notes: c.notes,
                links,
            })
        })
        .collect()
}
