//! TLP 2.0 (and TLP 1.0) markings: recognising the predefined marking definitions, resolving
//! an object's effective level (most restrictive wins), and the read-access rule.
//!
//! The access rule exists twice on purpose: [`can_read`] evaluates it directly, and
//! [`read_filter`] describes it as OR-of-AND clauses over stored columns so the store can
//! apply the same rule in SQL ([`ReadFilter::to_sql`]). A property test keeps them equal.

mod access;
mod sql;

use serde_json::{Map, Value};

pub use access::{Condition, ObjectAccess, ReadFilter, Recipient, Viewer, allowed_by_table, can_read, read_filter};
pub use sql::{SqlColumns, SqlParam};

use crate::stix::StixTimestamp;

/// TLP levels, ordered from least to most restrictive (so `max` picks the strictest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Tlp {
    /// TLP:CLEAR (TLP 1.0 WHITE).
    #[serde(rename = "clear")]
    Clear,
    /// TLP:GREEN.
    #[serde(rename = "green")]
    Green,
    /// TLP:AMBER.
    #[serde(rename = "amber")]
    Amber,
    /// TLP:AMBER+STRICT (TLP 2.0 only).
    #[serde(rename = "amber+strict")]
    AmberStrict,
    /// TLP:RED.
    #[serde(rename = "red")]
    Red,
}

/// All levels, least restrictive first.
pub const ALL_LEVELS: [Tlp; 5] = [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict, Tlp::Red];

/// The TLP 2.0 extension definition that carries `tlp_2_0`.
pub const TLP2_EXTENSION_ID: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// Which TLP standard a predefined marking definition belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TlpVersion {
    /// TLP 1.0, predefined in STIX 2.1 §7.2.1.4.
    V1,
    /// TLP 2.0, the OASIS extension.
    V2,
}

/// The nine predefined TLP marking-definition ids (reference §3).
pub const PREDEFINED: [(&str, Tlp, TlpVersion); 9] = [
    ("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Tlp::Clear, TlpVersion::V2),
    ("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", Tlp::Green, TlpVersion::V2),
    ("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Tlp::Amber, TlpVersion::V2),
    ("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", Tlp::AmberStrict, TlpVersion::V2),
    ("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Tlp::Red, TlpVersion::V2),
    ("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp::Clear, TlpVersion::V1),
    ("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp::Green, TlpVersion::V1),
    ("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp::Amber, TlpVersion::V1),
    ("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp::Red, TlpVersion::V1),
];

impl Tlp {
    /// The TLP 2.0 value (`clear`, `green`, `amber`, `amber+strict`, `red`), also the stored form.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clear => "clear",
            Self::Green => "green",
            Self::Amber => "amber",
            Self::AmberStrict => "amber+strict",
            Self::Red => "red",
        }
    }

    /// Parses the stored form (also accepts TLP 1.0 `white`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().trim_start_matches("tlp:") {
            "clear" | "white" => Some(Self::Clear),
            "green" => Some(Self::Green),
            "amber" => Some(Self::Amber),
            "amber+strict" => Some(Self::AmberStrict),
            "red" => Some(Self::Red),
            _ => None,
        }
    }

    /// Restrictiveness rank, 0 (CLEAR) to 4 (RED), for integer columns.
    #[must_use]
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The display label, identical in Japanese and English (`TLP:AMBER+STRICT`).
    #[must_use]
    pub fn label(self) -> String {
        format!("TLP:{}", self.as_str().to_ascii_uppercase())
    }

    /// Who may read, in English (our wording for the UI).
    #[must_use]
    pub fn audience_en(self) -> &'static str {
        match self {
            Self::Clear => "Anyone in the circle; may be shared without restriction",
            Self::Green => "The community: members of the circle",
            Self::Amber => "The producing organization and named need-to-know recipients",
            Self::AmberStrict => "The producing organization only",
            Self::Red => "Named individual recipients only",
        }
    }

    /// Who may read, in Japanese (our wording for the UI).
    #[must_use]
    pub fn audience_ja(self) -> &'static str {
        match self {
            Self::Clear => "サークル内の誰でも閲覧可（公開に制限なし）",
            Self::Green => "コミュニティ（サークルの会員）",
            Self::Amber => "作成組織と、知る必要のある指定受領者",
            Self::AmberStrict => "作成組織のみ",
            Self::Red => "指名された個人の受領者のみ",
        }
    }

    /// The TLP 2.0 marking-definition id for this level (what exports emit).
    #[must_use]
    pub fn marking_id(self) -> &'static str {
        PREDEFINED.iter().find(|(_, t, v)| *t == self && *v == TlpVersion::V2).map_or("", |(id, _, _)| id)
    }

    /// The TLP 2.0 marking-definition object, to ship alongside exported objects.
    #[must_use]
    pub fn marking_definition(self) -> Value {
        serde_json::json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": self.marking_id(),
            "created": "2022-10-01T00:00:00.000Z",
            "name": self.label(),
            "extensions": {
                TLP2_EXTENSION_ID: {
                    "extension_type": "property-extension",
                    "tlp_2_0": self.as_str(),
                }
            }
        })
    }
}

/// The level and standard of a predefined TLP marking-definition id.
#[must_use]
pub fn predefined(id: &str) -> Option<(Tlp, TlpVersion)> {
    PREDEFINED.iter().find(|(pid, _, _)| *pid == id).map(|(_, t, v)| (*t, *v))
}

/// What a marking definition means for access control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkingKind {
    /// A predefined TLP marking.
    Tlp(Tlp),
    /// A statement (copyright, terms of use): no effect on who may read.
    Statement,
    /// Anything else (PAP, IEP, custom extensions): its meaning is unknown here.
    Other,
}

/// Classifies a marking-definition object (for the store's catalogue of known markings).
#[must_use]
pub fn classify_marking_definition(def: &Value) -> MarkingKind {
    if let Some((t, _)) = def.get("id").and_then(Value::as_str).and_then(predefined) {
        return MarkingKind::Tlp(t);
    }
    let statement = def.get("definition_type").and_then(Value::as_str) == Some("statement");
    if statement && def.get("extensions").is_none() { MarkingKind::Statement } else { MarkingKind::Other }
}

/// Rejects marking definitions that impersonate TLP: a predefined id with altered content,
/// or TLP content under a non-predefined id (TLP 1.0 allows only the four predefined
/// objects, and a TLP 2.0 marking under a wrong UUID is exactly what stix2-validator misses).
///
/// # Errors
/// A message naming the violated rule.
pub fn check_predefined_definition(def: &Map<String, Value>) -> Result<(), String> {
    let id = def.get("id").and_then(Value::as_str).unwrap_or("");
    let claimed_v1 = def.get("definition").and_then(|d| d.get("tlp")).and_then(Value::as_str).and_then(Tlp::parse);
    let claimed_v1 = claimed_v1.filter(|_| def.get("definition_type").and_then(Value::as_str) == Some("tlp"));
    let claimed_v2 = def
        .get("extensions")
        .and_then(|e| e.get(TLP2_EXTENSION_ID))
        .and_then(|e| e.get("tlp_2_0"))
        .and_then(Value::as_str)
        .and_then(Tlp::parse);
    let created = def.get("created").and_then(Value::as_str).and_then(|s| StixTimestamp::parse(s).ok());
    let created_is = |expected: &str| {
        created.as_ref().map(StixTimestamp::instant) == StixTimestamp::parse(expected).ok().map(|t| t.instant())
    };
    match predefined(id) {
        Some((level, TlpVersion::V2)) => {
            if claimed_v2 != Some(level) || !created_is("2022-10-01T00:00:00.000Z") {
                return Err(format!(
                    "{id} is the predefined TLP 2.0 {} marking; its content must match the standard definition",
                    level.label()
                ));
            }
        }
        Some((level, TlpVersion::V1)) => {
            if claimed_v1 != Some(level) || !created_is("2017-01-20T00:00:00.000Z") {
                return Err(format!(
                    "{id} is the predefined TLP 1.0 {} marking; its content must match STIX 2.1 §7.2.1.4",
                    level.label()
                ));
            }
        }
        None => {
            if claimed_v1.is_some() {
                return Err("TLP 1.0 marking definitions may only use the four predefined ids".to_owned());
            }
            if claimed_v2.is_some() {
                return Err("TLP 2.0 marking definitions must use the five predefined ids".to_owned());
            }
        }
    }
    Ok(())
}

/// How markings translate into one effective level.
///
/// Defaults (documented choices):
/// - `unmarked = Amber`: an object without any TLP marking is readable by its producing
///   organization and named recipients only. Sharing more widely must be a deliberate act of
///   marking; public imports such as ATT&CK should be imported with `unmarked = Clear`.
/// - `unknown = AmberStrict`: a marking whose meaning we cannot establish (an id not in the
///   table nor known as a statement, or a PAP/IEP/custom marking) restricts the object to its
///   producing organization, the most restrictive level that still lets the producer see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlpPolicy {
    /// Level for objects with no TLP marking.
    pub unmarked: Tlp,
    /// Level contributed by each marking of unknown meaning.
    pub unknown: Tlp,
}

impl Default for TlpPolicy {
    fn default() -> Self {
        Self { unmarked: Tlp::Amber, unknown: Tlp::AmberStrict }
    }
}

/// How an effective level came about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlpResolution {
    /// The effective level: the most restrictive contribution.
    pub tlp: Tlp,
    /// True when no TLP marking was present and the policy default applied.
    pub defaulted: bool,
    /// Referenced marking ids whose meaning is unknown (each contributed `policy.unknown`).
    pub unknown_refs: Vec<String>,
}

impl TlpPolicy {
    /// Resolves marking references to one level. `known` looks up non-predefined marking
    /// definitions the store has seen (see [`classify_marking_definition`]).
    pub fn resolve<'a, I, F>(&self, refs: I, known: F) -> TlpResolution
    where
        I: IntoIterator<Item = &'a str>,
        F: Fn(&str) -> Option<MarkingKind>,
    {
        let mut level: Option<Tlp> = None;
        let mut unknown_refs = Vec::new();
        for r in refs {
            let kind = match predefined(r) {
                Some((t, _)) => MarkingKind::Tlp(t),
                None => known(r).unwrap_or(MarkingKind::Other),
            };
            let contribution = match kind {
                MarkingKind::Tlp(t) => t,
                MarkingKind::Statement => continue,
                MarkingKind::Other => {
                    if !unknown_refs.iter().any(|u| u == r) {
                        unknown_refs.push(r.to_owned());
                    }
                    self.unknown
                }
            };
            level = Some(level.map_or(contribution, |l| l.max(contribution)));
        }
        TlpResolution { tlp: level.unwrap_or(self.unmarked), defaulted: level.is_none(), unknown_refs }
    }

    /// Resolves a validated object. Granular markings count too: until the read paths can
    /// redact individual properties, a RED `description` must make the whole object RED.
    pub fn resolve_object<F>(&self, obj: &crate::stix::ValidObject, known: F) -> TlpResolution
    where
        F: Fn(&str) -> Option<MarkingKind>,
    {
        self.resolve(obj.all_marking_refs(), known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_order_from_clear_to_red() {
        assert!(Tlp::Clear < Tlp::Green);
        assert!(Tlp::Amber < Tlp::AmberStrict);
        assert!(Tlp::AmberStrict < Tlp::Red);
        assert_eq!(Tlp::AmberStrict.label(), "TLP:AMBER+STRICT");
        assert_eq!(Tlp::parse("TLP:WHITE"), Some(Tlp::Clear));
    }
}
