//! Per-type required properties and constraints of STIX 2.1 objects (reference §2.2).

use serde_json::Value;

use super::ctx::{Ctx, Need};
use super::ids::SCO_TYPES;

const OPINIONS: [&str; 5] = ["strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"];

const EXTENSION_TYPES: [&str; 5] =
    ["new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"];

/// Applies the checks specific to `type_name`. Unknown (custom) types get none here.
pub(crate) fn check_type(ctx: &mut Ctx<'_>, type_name: &str) {
    use Need::{Optional, Required};
    match type_name {
        "attack-pattern" | "campaign" | "course-of-action" | "identity" | "incident" | "infrastructure"
        | "intrusion-set" | "threat-actor" | "tool" | "vulnerability" => {
            ctx.string("name", Required);
        }
        "grouping" => {
            ctx.string("context", Required);
            ctx.references("object_refs", Required, &[]);
        }
        "indicator" => {
            ctx.string("pattern", Required);
            ctx.string("pattern_type", Required);
            let from = ctx.timestamp("valid_from", Required);
            let until = ctx.timestamp("valid_until", Optional);
            if let (Some(f), Some(u)) = (from, until)
                && u <= f
            {
                ctx.fail("valid_until", "must be later than valid_from");
            }
        }
        "location" => check_location(ctx),
        "malware" => {
            if ctx.boolean("is_family", Required) == Some(true) {
                ctx.string("name", Required);
            } else {
                ctx.string("name", Optional);
            }
        }
        "malware-analysis" => {
            ctx.string("product", Required);
            if !ctx.has("result") && !ctx.has("analysis_sco_refs") {
                ctx.fail("result", "one of `result` or `analysis_sco_refs` is required");
            }
            ctx.string("result", Optional);
            ctx.references("analysis_sco_refs", Optional, &[]);
        }
        "note" => {
            ctx.string("content", Required);
            ctx.references("object_refs", Required, &[]);
        }
        "observed-data" => {
            let first = ctx.timestamp("first_observed", Required);
            let last = ctx.timestamp("last_observed", Required);
            if let (Some(f), Some(l)) = (first, last)
                && l < f
            {
                ctx.fail("last_observed", "must not be earlier than first_observed");
            }
            ctx.integer("number_observed", Required, 1, 999_999_999);
            ctx.references("object_refs", Required, &[]);
        }
        "opinion" => {
            ctx.enumeration("opinion", Required, &OPINIONS);
            ctx.references("object_refs", Required, &[]);
        }
        "report" => {
            ctx.string("name", Required);
            ctx.timestamp("published", Required);
            ctx.references("object_refs", Required, &[]);
        }
        "relationship" => {
            ctx.string("relationship_type", Required);
            ctx.reference("source_ref", Required, &[]);
            ctx.reference("target_ref", Required, &[]);
        }
        "sighting" => {
            ctx.reference("sighting_of_ref", Required, &[]);
            ctx.integer("count", Optional, 0, 999_999_999);
            ctx.references("observed_data_refs", Optional, &["observed-data"]);
            ctx.references("where_sighted_refs", Optional, &["identity", "location"]);
        }
        "language-content" => {
            ctx.reference("object_ref", Required, &[]);
            ctx.dictionary("contents", Required);
        }
        "extension-definition" => {
            ctx.reference("created_by_ref", Required, &["identity"]);
            ctx.string("name", Required);
            ctx.string("schema", Required);
            ctx.string("version", Required);
            if let Some(types) = ctx.string_list("extension_types", Required) {
                for t in types {
                    if !EXTENSION_TYPES.contains(&t) {
                        ctx.fail("extension_types", format!("`{t}` is not an extension type"));
                    }
                }
            }
        }
        "marking-definition" => check_marking_definition(ctx),
        t if SCO_TYPES.contains(&t) => check_sco(ctx, t),
        _ => {}
    }
}

fn check_location(ctx: &mut Ctx<'_>) {
    use Need::Optional;
    let lat = ctx.get("latitude", Optional).map(|v| v.as_f64());
    let lon = ctx.get("longitude", Optional).map(|v| v.as_f64());
    match (lat, lon) {
        (Some(Some(la)), Some(Some(lo))) => {
            if !(-90.0..=90.0).contains(&la) {
                ctx.fail("latitude", "must be between -90 and 90");
            }
            if !(-180.0..=180.0).contains(&lo) {
                ctx.fail("longitude", "must be between -180 and 180");
            }
        }
        (Some(None), _) => ctx.fail("latitude", "must be a number"),
        (_, Some(None)) => ctx.fail("longitude", "must be a number"),
        (Some(_), None) => ctx.fail("longitude", "is required when latitude is present"),
        (None, Some(_)) => ctx.fail("latitude", "is required when longitude is present"),
        (None, None) => {
            if !ctx.has("region") && !ctx.has("country") {
                ctx.fail("region", "a location needs `region`, `country`, or `latitude` and `longitude`");
            }
        }
    }
    ctx.string("region", Optional);
    ctx.string("country", Optional);
    if ctx.has("precision") && !(ctx.has("latitude") && ctx.has("longitude")) {
        ctx.fail("precision", "is only allowed with latitude and longitude");
    }
}

fn check_marking_definition(ctx: &mut Ctx<'_>) {
    use Need::Optional;
    // The 2025 errata make `definition_type`/`definition` optional when `extensions` carries
    // the definition (as TLP 2.0 does); without extensions both are still required.
    let has_ext = ctx.has("extensions");
    let need = if has_ext { Need::Optional } else { Need::Required };
    let dtype = ctx.string("definition_type", need);
    let def = ctx.dictionary("definition", need);
    if let (Some(dtype), Some(def)) = (dtype, def) {
        match dtype {
            "statement" if !def.get("statement").is_some_and(Value::is_string) => {
                ctx.fail_at("/definition/statement", "a statement marking needs a string `statement`");
            }
            "tlp" => {
                let ok = def
                    .get("tlp")
                    .and_then(|v| v.as_str())
                    .is_some_and(|s| matches!(s, "white" | "green" | "amber" | "red"));
                if !ok {
                    ctx.fail_at("/definition/tlp", "must be white, green, amber or red");
                }
            }
            _ => {}
        }
    }
    if ctx.has("modified") {
        ctx.warn("modified", "marking definitions are never versioned; `modified` is not a STIX property here");
    }
    ctx.string("name", Optional);
}

fn check_sco(ctx: &mut Ctx<'_>, type_name: &str) {
    use Need::{Optional, Required};
    match type_name {
        "autonomous-system" => {
            ctx.integer("number", Required, 0, i64::from(u32::MAX));
        }
        "directory" => {
            ctx.string("path", Required);
        }
        "domain-name" | "email-addr" | "ipv4-addr" | "ipv6-addr" | "mac-addr" | "url" => {
            ctx.string("value", Required);
        }
        "mutex" | "software" => {
            ctx.string("name", Required);
        }
        "email-message" => {
            ctx.boolean("is_multipart", Required);
        }
        "network-traffic" => {
            ctx.string_list("protocols", Required);
            if !ctx.has("src_ref") && !ctx.has("dst_ref") {
                ctx.fail("src_ref", "network-traffic needs `src_ref` or `dst_ref`");
            }
        }
        "file" => {
            if !ctx.has("hashes") && !ctx.has("name") {
                ctx.fail("hashes", "a file needs `hashes` or `name`");
            }
            ctx.string("name", Optional);
        }
        _ => {}
    }
    if let Some(hashes) = ctx.dictionary("hashes", Optional) {
        for (k, v) in hashes {
            if v.as_str().is_none_or(str::is_empty) {
                ctx.fail_at(
                    &format!("/hashes/{}", super::ctx::escape_pointer_token(k)),
                    "hash values must be non-empty strings",
                );
            }
        }
    }
}
