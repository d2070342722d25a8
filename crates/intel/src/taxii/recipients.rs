//! `x_mamori_recipients`: a custom property of the envelope of a TAXII POST (TAXII 2.1 §3.1
//! naming: lower case, `x_<source>_` prefix) that names the individual recipients of the
//! TLP:AMBER and TLP:RED objects in that envelope, by e-mail address. TLP:RED is readable
//! only by named individuals, so a RED object posted without recipients is refused (per
//! object, in the status resource). The store checks that every address belongs to a user
//! of a member organization of the collection's circle.

use serde_json::Value;

/// The envelope property.
pub const RECIPIENTS_PROPERTY: &str = "x_mamori_recipients";

/// Most recipients one envelope may name.
pub const MAX_RECIPIENTS: usize = 100;

/// Reads the recipients named by an envelope: an absent property names none. Addresses are
/// trimmed and de-duplicated case-insensitively, in their first order; the store checks them.
///
/// # Errors
/// A message naming the property (and the entry) when it is not a list of at most
/// [`MAX_RECIPIENTS`] non-empty strings of at most 254 characters.
pub fn envelope_recipients(envelope: &Value) -> Result<Vec<String>, String> {
    let Some(raw) = envelope.get(RECIPIENTS_PROPERTY) else { return Ok(Vec::new()) };
    let Some(list) = raw.as_array() else {
        return Err(format!("{RECIPIENTS_PROPERTY} must be a list of e-mail addresses"));
    };
    if list.len() > MAX_RECIPIENTS {
        return Err(format!("{RECIPIENTS_PROPERTY} names {} recipients, more than {MAX_RECIPIENTS}", list.len()));
    }
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let s = v.as_str().map(str::trim).unwrap_or_default();
        if s.is_empty() || s.chars().count() > 254 {
            return Err(format!("{RECIPIENTS_PROPERTY}[{i}] must be an e-mail address (1–254 characters)"));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(s)) {
            out.push(s.to_owned());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_deduplicates_and_locates_errors() {
        assert_eq!(envelope_recipients(&json!({"objects": []})), Ok(vec![]));
        let env = json!({"objects": [], "x_mamori_recipients": [" a@x.example ", "A@X.example", "b@x.example"]});
        assert_eq!(envelope_recipients(&env), Ok(vec!["a@x.example".to_owned(), "b@x.example".to_owned()]));
        let err = |v: Value| envelope_recipients(&v).err().unwrap_or_default();
        let bad = err(json!({"x_mamori_recipients": "a@x.example"}));
        assert!(bad.contains("must be a list"), "{bad}");
        let bad = err(json!({"x_mamori_recipients": ["a@x.example", 7]}));
        assert!(bad.starts_with("x_mamori_recipients[1]"), "{bad}");
        let many: Vec<String> = (0..=MAX_RECIPIENTS).map(|i| format!("u{i}@x.example")).collect();
        assert!(err(json!({"x_mamori_recipients": many})).contains("more than"));
    }
}
