//! Validation of one STIX 2.1 object: common properties, identifiers, timestamps, markings,
//! references, then the per-type rules. Objects stay lossless `serde_json::Value`s.

use serde_json::{Map, Value};

use super::ctx::{Ctx, Need, escape_pointer_token};
use super::ids::{ObjectFamily, is_valid_type_name, parse_id, uuid_version};
use super::timestamp::StixTimestamp;
use super::types::check_type;

/// A STIX object that passed validation, with the properties the store indexes.
#[derive(Debug, Clone)]
pub struct ValidObject {
    id: String,
    object_type: String,
    family: ObjectFamily,
    spec_version: Option<String>,
    created: Option<StixTimestamp>,
    modified: Option<StixTimestamp>,
    created_by_ref: Option<String>,
    object_marking_refs: Vec<String>,
    granular_marking_refs: Vec<String>,
    revoked: bool,
    warnings: Vec<String>,
    value: Value,
}

impl ValidObject {
    /// The STIX identifier.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The STIX type (`indicator`, `x-mitre-tactic`, ...).
    #[must_use]
    pub fn object_type(&self) -> &str {
        &self.object_type
    }
    /// The object family.
    #[must_use]
    pub fn family(&self) -> ObjectFamily {
        self.family
    }
    /// `spec_version` as given (always `"2.1"` when present).
    #[must_use]
    pub fn spec_version(&self) -> Option<&str> {
        self.spec_version.as_deref()
    }
    /// `created`, when the object has one.
    #[must_use]
    pub fn created(&self) -> Option<&StixTimestamp> {
        self.created.as_ref()
    }
    /// `modified`, when the object has one.
    #[must_use]
    pub fn modified(&self) -> Option<&StixTimestamp> {
        self.modified.as_ref()
    }
    /// The TAXII version key: `modified`, else `created`, else none (unversioned SCOs).
    #[must_use]
    pub fn version(&self) -> Option<&StixTimestamp> {
        self.modified.as_ref().or(self.created.as_ref())
    }
    /// `created_by_ref`, when present.
    #[must_use]
    pub fn created_by_ref(&self) -> Option<&str> {
        self.created_by_ref.as_deref()
    }
    /// `object_marking_refs` (marking-definition ids).
    #[must_use]
    pub fn object_marking_refs(&self) -> &[String] {
        &self.object_marking_refs
    }
    /// Distinct `marking_ref`s used by `granular_markings`.
    #[must_use]
    pub fn granular_marking_refs(&self) -> &[String] {
        &self.granular_marking_refs
    }
    /// Every marking-definition id the object references, object-level and granular.
    pub fn all_marking_refs(&self) -> impl Iterator<Item = &str> {
        self.object_marking_refs.iter().chain(&self.granular_marking_refs).map(String::as_str)
    }
    /// `revoked` (false when absent).
    #[must_use]
    pub fn revoked(&self) -> bool {
        self.revoked
    }
    /// Non-fatal findings (for example a SCO id that is not a UUIDv5).
    #[must_use]
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
    /// The object exactly as received, unknown and custom properties included.
    #[must_use]
    pub fn value(&self) -> &Value {
        &self.value
    }
    /// Consumes the wrapper and returns the object.
    #[must_use]
    pub fn into_value(self) -> Value {
        self.value
    }
}

/// Why an object was rejected: its id when it could be read, and every reason found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ObjectRejection {
    /// The object's `id` if it was a string.
    pub id: Option<String>,
    /// One line per violated rule, each starting with the JSON pointer of the property.
    pub reasons: Vec<String>,
}

/// Validates one STIX 2.1 object (not a bundle).
///
/// # Errors
/// [`ObjectRejection`] listing every violated rule.
pub fn validate_object(value: &Value) -> Result<ValidObject, ObjectRejection> {
    let Value::Object(obj) = value else {
        return Err(ObjectRejection { id: None, reasons: vec![": a STIX object must be a JSON object".to_owned()] });
    };
    let mut ctx = Ctx::new(obj);
    let raw_id = obj.get("id").and_then(Value::as_str).map(str::to_owned);
    let type_name = ctx.string("type", Need::Required).unwrap_or_default();
    if !type_name.is_empty() && !is_valid_type_name(type_name) {
        ctx.fail("type", "type names use a-z, 0-9 and single hyphens, 3-250 characters");
    }
    let family = ObjectFamily::of(type_name);
    if family == ObjectFamily::Bundle {
        ctx.fail("type", "a bundle is a file format, not an object; it cannot appear inside an envelope or bundle");
    }
    if let Some(id) = ctx.string("id", Need::Required) {
        match parse_id(id) {
            Err(e) => ctx.fail("id", e),
            Ok((t, _)) if t != type_name => {
                ctx.fail("id", format!("the id's type part `{t}` differs from type `{type_name}`"));
            }
            Ok((_, uuid)) => {
                if family == ObjectFamily::Sco && uuid_version(uuid) != Some(5) {
                    ctx.warn("id", "SCO ids should be UUIDv5 over the ID-contributing properties");
                }
            }
        }
    }
    let (created, modified) = check_common(&mut ctx, family);
    if ctx.has("object_marking_refs") || ctx.has("granular_markings") {
        check_markings(&mut ctx, raw_id.as_deref(), family);
    }
    check_generic_refs(&mut ctx);
    check_type(&mut ctx, type_name);
    if family == ObjectFamily::MarkingDefinition
        && let Err(e) = crate::tlp::check_predefined_definition(obj)
    {
        ctx.fail("id", e);
    }
    if !ctx.reasons.is_empty() {
        // Generic and per-type checks can report the same property twice; keep the first.
        let mut seen = std::collections::HashSet::new();
        let reasons = ctx.reasons.into_iter().filter(|r| seen.insert(r.clone())).collect();
        return Err(ObjectRejection { id: raw_id, reasons });
    }
    let created_by_ref = obj.get("created_by_ref").and_then(Value::as_str).map(str::to_owned);
    let object_marking_refs = string_list(obj.get("object_marking_refs"));
    let mut granular_marking_refs: Vec<String> = obj
        .get("granular_markings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|g| g.get("marking_ref").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    granular_marking_refs.sort();
    granular_marking_refs.dedup();
    Ok(ValidObject {
        id: raw_id.unwrap_or_default(),
        object_type: type_name.to_owned(),
        family,
        spec_version: obj.get("spec_version").and_then(Value::as_str).map(str::to_owned),
        created,
        modified,
        created_by_ref,
        object_marking_refs,
        granular_marking_refs,
        revoked: obj.get("revoked").and_then(Value::as_bool).unwrap_or(false),
        warnings: ctx.warnings,
        value: value.clone(),
    })
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
}

/// Checks `spec_version`, `created`/`modified` and the common optional properties.
fn check_common(ctx: &mut Ctx<'_>, family: ObjectFamily) -> (Option<StixTimestamp>, Option<StixTimestamp>) {
    use ObjectFamily as F;
    // Custom objects are treated like SDOs when they carry `created`, like SCOs otherwise.
    let sdo_like = match family {
        F::Sdo | F::Sro | F::LanguageContent | F::ExtensionDefinition | F::MarkingDefinition => true,
        F::Custom => ctx.has("created") || ctx.has("modified"),
        F::Sco | F::Bundle => false,
    };
    let spec_need = if sdo_like { Need::Required } else { Need::Optional };
    if let Some(v) = ctx.string("spec_version", spec_need)
        && v != "2.1"
    {
        ctx.fail("spec_version", format!("`{v}` is not supported; this hub accepts STIX 2.1 only"));
    }
    let (mut created, mut modified) = (None, None);
    if sdo_like {
        created = ctx.timestamp("created", Need::Required);
        let modified_need = if family == F::MarkingDefinition { Need::Optional } else { Need::Required };
        if family != F::MarkingDefinition {
            modified = ctx.timestamp("modified", modified_need);
        }
        for (key, ts) in [("created", &created), ("modified", &modified)] {
            if let Some(t) = ts
                && t.fraction_digits() < 3
            {
                ctx.warn(key, "STIX 2.1 asks for at least millisecond precision");
            }
        }
        if let (Some(c), Some(m)) = (&created, &modified)
            && m < c
        {
            ctx.fail("modified", format!("modified ({m}) must not be earlier than created ({c})"));
        }
    }
    ctx.reference("created_by_ref", Need::Optional, &["identity"]);
    ctx.boolean("revoked", Need::Optional);
    ctx.boolean("defanged", Need::Optional);
    ctx.string_list("labels", Need::Optional);
    ctx.integer("confidence", Need::Optional, 0, 100);
    ctx.string("lang", Need::Optional);
    if let Some(refs) = ctx.list("external_references", Need::Optional) {
        for (i, r) in refs.iter().enumerate() {
            let ok = r.get("source_name").and_then(Value::as_str).is_some_and(|s| !s.is_empty());
            if !ok {
                ctx.fail_at(
                    &format!("/external_references/{i}/source_name"),
                    "each external reference needs a non-empty `source_name`",
                );
            }
        }
    }
    if let Some(phases) = ctx.list("kill_chain_phases", Need::Optional) {
        for (i, p) in phases.iter().enumerate() {
            for key in ["kill_chain_name", "phase_name"] {
                if p.get(key).and_then(Value::as_str).is_none_or(str::is_empty) {
                    ctx.fail_at(&format!("/kill_chain_phases/{i}/{key}"), "required non-empty string");
                }
            }
        }
    }
    if let Some(ext) = ctx.dictionary("extensions", Need::Optional) {
        for (k, v) in ext {
            if !v.is_object() {
                ctx.fail_at(&format!("/extensions/{}", escape_pointer_token(k)), "each extension must be an object");
            }
        }
    }
    (created, modified)
}

/// Checks `object_marking_refs` and the shape of `granular_markings`, including that every
/// selector resolves on the object.
fn check_markings(ctx: &mut Ctx<'_>, own_id: Option<&str>, family: ObjectFamily) {
    if let Some(refs) = ctx.references("object_marking_refs", Need::Optional, &["marking-definition"])
        && family == ObjectFamily::MarkingDefinition
        && own_id.is_some_and(|id| refs.contains(&id))
    {
        ctx.fail("object_marking_refs", "a marking definition must not mark itself");
    }
    let Some(list) = ctx.list("granular_markings", Need::Optional) else {
        return;
    };
    let obj = ctx.obj;
    for (i, g) in list.iter().enumerate() {
        let base = format!("/granular_markings/{i}");
        let Some(g) = g.as_object() else {
            ctx.fail_at(&base, "a granular marking must be an object");
            continue;
        };
        match (g.get("marking_ref"), g.get("lang")) {
            (Some(_), Some(_)) | (None, None) => {
                ctx.fail_at(&base, "a granular marking needs exactly one of `marking_ref` and `lang`")
            }
            (Some(r), None) => {
                let ok = r.as_str().is_some_and(|s| super::ids::is_id_of_type(s, "marking-definition"));
                if !ok {
                    ctx.fail_at(&format!("{base}/marking_ref"), "must be a marking-definition id");
                } else if family == ObjectFamily::MarkingDefinition && r.as_str() == own_id {
                    ctx.fail_at(&format!("{base}/marking_ref"), "a marking definition must not mark itself");
                }
            }
            (None, Some(l)) => {
                if l.as_str().is_none_or(str::is_empty) {
                    ctx.fail_at(&format!("{base}/lang"), "must be a language tag");
                }
            }
        }
        match g.get("selectors").and_then(Value::as_array) {
            Some(sel) if !sel.is_empty() => {
                for (j, s) in sel.iter().enumerate() {
                    let resolved = s.as_str().is_some_and(|s| selector_resolves(obj, s));
                    if !resolved {
                        ctx.fail_at(
                            &format!("{base}/selectors/{j}"),
                            "selector does not resolve to a property of this object",
                        );
                    }
                }
            }
            _ => ctx.fail_at(&format!("{base}/selectors"), "required non-empty list of selectors"),
        }
    }
}

/// True when a granular-marking selector such as `external_references.[0].url` names a
/// property that exists on the object.
#[must_use]
pub fn selector_resolves(obj: &Map<String, Value>, selector: &str) -> bool {
    if selector.is_empty() {
        return false;
    }
    let mut parts = selector.split('.');
    let Some(first) = parts.next() else {
        return false;
    };
    let Some(mut cur) = obj.get(first) else {
        return false;
    };
    for part in parts {
        let next = if let Some(idx) = part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
            idx.parse::<usize>().ok().and_then(|i| cur.get(i))
        } else {
            cur.as_object().and_then(|m| m.get(part))
        };
        match next {
            Some(n) => cur = n,
            None => return false,
        }
    }
    true
}

/// Any top-level spec property named `*_ref` must hold an id and `*_refs` a non-empty list of
/// ids. Custom `x_` properties are left alone: their semantics belong to their producer.
fn check_generic_refs(ctx: &mut Ctx<'_>) {
    const HANDLED: [&str; 2] = ["created_by_ref", "object_marking_refs"];
    let obj = ctx.obj;
    for key in obj.keys() {
        if key.starts_with("x_") || HANDLED.contains(&key.as_str()) {
            continue;
        }
        if key.ends_with("_ref") {
            ctx.reference(key, Need::Optional, &[]);
        } else if key.ends_with("_refs") {
            ctx.references(key, Need::Optional, &[]);
        }
    }
}
