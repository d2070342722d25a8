//! The framework model: frameworks, their flat node tree, tags, provenance and answer scales.

use serde::{Deserialize, Serialize};

use crate::scale::Scale;

/// A text in Japanese and English. Either side may be empty when a source has only one language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct I18n {
    /// Japanese text.
    #[serde(default)]
    pub ja: String,
    /// English text.
    #[serde(default)]
    pub en: String,
}

impl I18n {
    /// Builds a text from its two language sides.
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self { ja: ja.into(), en: en.into() }
    }

    /// Builds a text that exists only in English (the Japanese side stays empty).
    pub fn en(en: impl Into<String>) -> Self {
        Self { ja: String::new(), en: en.into() }
    }

    /// Returns the text for `lang` ("ja" or anything else for English), falling back to the other side.
    pub fn get(&self, lang: &str) -> &str {
        let (first, second) = if lang == "ja" { (&self.ja, &self.en) } else { (&self.en, &self.ja) };
        if first.is_empty() { second } else { first }
    }

    /// True when both sides are empty.
    pub fn is_empty(&self) -> bool {
        self.ja.is_empty() && self.en.is_empty()
    }

    /// Case-insensitive substring match on either language side.
    pub fn contains(&self, needle_lower: &str) -> bool {
        self.en.to_lowercase().contains(needle_lower) || self.ja.to_lowercase().contains(needle_lower)
    }
}

/// How far a piece of content has been checked against its primary source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// Confirmed from the primary (official) source.
    #[default]
    Verified,
    /// Taken from a third-party summary or transcription, not the official document.
    Secondary,
    /// Not confirmed from any primary source.
    Unverified,
    /// Authored by the mamori project; not official content of the publisher.
    Own,
}

/// A source document the content was taken or paraphrased from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Title of the source document or data set.
    pub title: String,
    /// Where the source can be found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Date (ISO 8601) the source was retrieved or dated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Free note, e.g. the file name and commit of a vendored export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The kind of a node in a framework tree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A grouping (function, category, family, chapter…).
    Group,
    /// A requirement or control.
    #[default]
    Requirement,
    /// A criterion or question refining a requirement.
    Criterion,
}

/// NIST CSF functions, used as tags across frameworks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CsfFunction {
    /// GOVERN.
    GV,
    /// IDENTIFY.
    ID,
    /// PROTECT.
    PR,
    /// DETECT.
    DE,
    /// RESPOND.
    RS,
    /// RECOVER.
    RC,
}

impl CsfFunction {
    /// Parses a two-letter function code (case-insensitive).
    pub fn parse(code: &str) -> Option<Self> {
        Some(match code.to_ascii_uppercase().as_str() {
            "GV" => Self::GV,
            "ID" => Self::ID,
            "PR" => Self::PR,
            "DE" => Self::DE,
            "RS" => Self::RS,
            "RC" => Self::RC,
            _ => return None,
        })
    }
}

/// The six CPSF components.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CpsfComponent {
    /// Organization.
    ORG,
    /// People.
    PEO,
    /// Component (physical things and their software).
    COM,
    /// Data.
    DAT,
    /// Procedure.
    PRO,
    /// System.
    SYS,
}

impl CpsfComponent {
    /// Parses a three-letter component code (case-insensitive).
    pub fn parse(code: &str) -> Option<Self> {
        Some(match code.trim().to_ascii_uppercase().as_str() {
            "ORG" => Self::ORG,
            "PEO" => Self::PEO,
            "COM" => Self::COM,
            "DAT" => Self::DAT,
            "PRO" => Self::PRO,
            "SYS" => Self::SYS,
            _ => return None,
        })
    }
}

/// SCS evaluation levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScsLevel {
    /// ★3 (Basic).
    Star3,
    /// ★4 (Standard).
    Star4,
}

/// A typed tag on a node. Tags are what the UI filters on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Tag {
    /// CPSF layer 1..=3.
    CpsfLayer(u8),
    /// CPSF component.
    CpsfComponent(CpsfComponent),
    /// CPSF category code such as `AM`.
    CpsfCategory(String),
    /// NIST CSF function.
    CsfFunction(CsfFunction),
    /// SCS level at which the node applies.
    ScsLevel(ScsLevel),
    /// SCS category 1..=7.
    ScsCategory(u8),
    /// Cybersecurity Management Guidelines directive group `A`..`E`.
    DirectiveGroup(char),
    /// Anything else.
    Free(String),
}

impl Tag {
    /// A stable `type:value` text form, used by the CSV template and OSCAL props.
    pub fn to_text(&self) -> String {
        match self {
            Tag::CpsfLayer(n) => format!("cpsf_layer:{n}"),
            Tag::CpsfComponent(c) => format!("cpsf_component:{c:?}"),
            Tag::CpsfCategory(c) => format!("cpsf_category:{c}"),
            Tag::CsfFunction(f) => format!("csf_function:{f:?}"),
            Tag::ScsLevel(ScsLevel::Star3) => "scs_level:star3".to_owned(),
            Tag::ScsLevel(ScsLevel::Star4) => "scs_level:star4".to_owned(),
            Tag::ScsCategory(n) => format!("scs_category:{n}"),
            Tag::DirectiveGroup(g) => format!("directive_group:{g}"),
            Tag::Free(s) => format!("free:{s}"),
        }
    }

    /// Parses the `type:value` text form. A text without a known prefix becomes a free tag.
    pub fn parse(text: &str) -> Option<Tag> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let Some((kind, value)) = text.split_once(':') else {
            return Some(Tag::Free(text.to_owned()));
        };
        let tag = match kind {
            "cpsf_layer" => Tag::CpsfLayer(value.parse().ok().filter(|n| (1..=3).contains(n))?),
            "cpsf_component" => Tag::CpsfComponent(CpsfComponent::parse(value)?),
            "cpsf_category" => Tag::CpsfCategory(value.to_owned()),
            "csf_function" => Tag::CsfFunction(CsfFunction::parse(value)?),
            "scs_level" => match value {
                "star3" => Tag::ScsLevel(ScsLevel::Star3),
                "star4" => Tag::ScsLevel(ScsLevel::Star4),
                _ => return None,
            },
            "scs_category" => Tag::ScsCategory(value.parse().ok().filter(|n| (1..=7).contains(n))?),
            "directive_group" => {
                let mut chars = value.chars();
                let c = chars.next()?;
                if chars.next().is_some() || !('A'..='E').contains(&c) {
                    return None;
                }
                Tag::DirectiveGroup(c)
            }
            "free" => Tag::Free(value.to_owned()),
            _ => Tag::Free(text.to_owned()),
        };
        Some(tag)
    }
}

/// Weight of a node in roll-ups; integer so that frameworks stay comparable with `Eq`.
pub type Weight = u32;

/// One node of a framework tree. Nodes are stored flat; `parent` links them into a tree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// Identifier unique within the framework, as the publisher writes it (e.g. `GV.OC-01`, `5.1`).
    pub ref_id: String,
    /// `ref_id` of the parent node; `None` for top-level nodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Group, requirement or criterion.
    #[serde(default)]
    pub kind: NodeKind,
    /// Whether an assessment answers this node.
    #[serde(default)]
    pub assessable: bool,
    /// Short title.
    #[serde(default)]
    pub title: I18n,
    /// Body text (our paraphrase unless the source is public domain).
    #[serde(default, skip_serializing_if = "I18n::is_empty")]
    pub text: I18n,
    /// Typed tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// How far this node has been checked against its source.
    #[serde(default)]
    pub verification: Verification,
    /// Marks identifiers kept for history but no longer current (OSCAL `status=withdrawn`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withdrawn: bool,
    /// Id of a framework scale that overrides the framework default for this node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
    /// Per-node level descriptors (e.g. 0–5 maturity wording for one question).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub level_descriptors: Vec<LevelDescriptor>,
    /// Weight in roll-ups; `None` means 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<Weight>,
    /// Identifier in the source format (OSCAL control id, CISO Assistant URN) kept for round trips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Note on the node, e.g. what is unverified about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Wording for one level of a scale, attached to a node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelDescriptor {
    /// Scale value the descriptor belongs to.
    pub value: i32,
    /// Wording.
    pub text: I18n,
}

/// A framework: metadata, provenance, answer scales and a flat node tree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Framework {
    /// Stable identifier, lowercase with dashes (e.g. `nist-csf-2.0`).
    pub id: String,
    /// Name in Japanese and English.
    pub name: I18n,
    /// Publisher (e.g. `NIST`, `METI / IPA`).
    #[serde(default)]
    pub publisher: String,
    /// Edition or version as the publisher writes it.
    #[serde(default)]
    pub version: String,
    /// Publication date of that edition (ISO 8601 date, possibly only year-month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Short description.
    #[serde(default, skip_serializing_if = "I18n::is_empty")]
    pub description: I18n,
    /// Source documents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provenance: Vec<Source>,
    /// Licence or copyright note for the content.
    #[serde(default)]
    pub licence_note: String,
    /// How far the content as a whole has been checked.
    #[serde(default)]
    pub verification: Verification,
    /// Answer scales available in this framework.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scales: Vec<Scale>,
    /// Id of the scale used when a node names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_scale: Option<String>,
    /// Number of assessable nodes the complete official list has, when known and not all shipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_assessable: Option<usize>,
    /// Notes on coverage, translation status and similar.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The nodes, parents before children.
    #[serde(default)]
    pub nodes: Vec<Node>,
}
