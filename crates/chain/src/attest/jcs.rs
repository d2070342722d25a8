//! RFC 8785 JSON Canonicalization Scheme (JCS) over `serde_json::Value`.
//!
//! Decision on numbers: we implement the full ECMAScript `Number::toString`
//! algorithm (ECMA-262 §6.1.6.1.20) rather than rejecting floats, because the
//! shortest round-trip digits that Rust's float formatter already produces are
//! exactly the digits ECMAScript requires; only the placement of the decimal
//! point and exponent differs, and that part is implemented below. Integers
//! that serde_json stores as `i64`/`u64` are converted to IEEE 754 doubles
//! first, as RFC 8785 §3.2.2.3 requires, so integers above 2^53 lose precision
//! exactly as they would in a JavaScript implementation. Non-finite numbers
//! cannot occur in a `Value` (serde_json refuses them), but the formatter still
//! rejects them defensively.

use serde_json::Value;
use std::fmt::Write as _;

/// Errors raised while canonicalising a JSON value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    /// RFC 8785 §3.2.2.3: NaN and Infinity have no JSON representation.
    #[error("number at {pointer} is not finite (RFC 8785 §3.2.2.3)")]
    NonFiniteNumber {
        /// JSON pointer of the offending number.
        pointer: String,
    },
    /// The value nests deeper than [`MAX_DEPTH`].
    #[error("value at {pointer} nests deeper than {max} levels")]
    TooDeep {
        /// JSON pointer where the limit was exceeded.
        pointer: String,
        /// The configured limit.
        max: usize,
    },
}

/// Maximum nesting depth accepted by [`canonical_json`].
pub const MAX_DEPTH: usize = 64;

/// Serialises `value` in RFC 8785 canonical form.
pub fn canonical_json(value: &Value) -> Result<String, CanonicalError> {
    let mut out = String::new();
    let mut pointer = String::new();
    write_value(value, &mut out, &mut pointer, 0)?;
    Ok(out)
}

/// Serialises `value` in RFC 8785 canonical form as UTF-8 bytes.
pub fn canonical_bytes(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    canonical_json(value).map(String::into_bytes)
}

fn write_value(value: &Value, out: &mut String, pointer: &mut String, depth: usize) -> Result<(), CanonicalError> {
    if depth > MAX_DEPTH {
        return Err(CanonicalError::TooDeep { pointer: pointer.clone(), max: MAX_DEPTH });
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            let f = if let Some(i) = n.as_i64() {
                i as f64
            } else if let Some(u) = n.as_u64() {
                u as f64
            } else {
                n.as_f64().unwrap_or(f64::NAN)
            };
            match format_es_number(f) {
                Some(s) => out.push_str(&s),
                None => {
                    return Err(CanonicalError::NonFiniteNumber { pointer: pointer.clone() });
                }
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let len = pointer.len();
                let _ = write!(pointer, "/{i}");
                write_value(item, out, pointer, depth + 1)?;
                pointer.truncate(len);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // RFC 8785 §3.2.3: sort by the UTF-16 code units of the key,
            // which differs from UTF-8 byte order for characters above U+FFFF.
            let mut entries: Vec<(Vec<u16>, &String, &Value)> =
                map.iter().map(|(k, v)| (k.encode_utf16().collect(), k, v)).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            out.push('{');
            for (i, (_, key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                write_value(item, out, pointer, depth + 1)?;
                pointer.truncate(len);
            }
            out.push('}');
        }
    }
    Ok(())
}

/// RFC 8785 §3.2.2.2 string serialisation (ECMAScript `JSON.stringify`).
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Formats a double the way ECMAScript `Number::toString` does.
///
/// Returns `None` for NaN and infinities. Rust's `{:e}` formatting yields the
/// shortest digit string that round-trips, which is the digit string `s` (with
/// `k` digits and exponent `n`) that ECMA-262 asks for; the rest of this
/// function is the layout rule of ECMA-262 §6.1.6.1.20 steps 6–10.
pub fn format_es_number(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    if value == 0.0 {
        // Both +0 and -0 serialise as "0".
        return Some("0".to_owned());
    }
    let abs = value.abs();
    let sci = format!("{abs:e}");
    let (mantissa, _) = sci.split_once('e')?;
    let k = mantissa.chars().filter(char::is_ascii_digit).count();
    // When several k-digit strings round-trip, ECMA-262 wants the one closest
    // to the exact value; Rust's shortest form does not promise that, but the
    // exact value correctly rounded to k digits is that string whenever it
    // round-trips (e.g. 1424953923781206.2, not .3).
    let rounded = format!("{abs:.prec$e}", prec = k.saturating_sub(1));
    let sci = if rounded.parse::<f64>().ok() == Some(abs) { rounded } else { sci };
    let (mantissa, exp) = sci.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    // ECMAScript's n: the value is 0.digits × 10^n.
    let n = exp + 1;
    let mut out = String::new();
    if value < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        for _ in 0..(n - k) {
            out.push('0');
        }
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        for _ in 0..(-n) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let e = n - 1;
        let sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(out, "e{sign}{}", e.abs());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn negative_zero_and_small_integers_format_like_javascript() {
        assert_eq!(format_es_number(-0.0).unwrap(), "0");
        assert_eq!(format_es_number(1.0).unwrap(), "1");
        assert_eq!(format_es_number(-42.0).unwrap(), "-42");
        assert_eq!(format_es_number(f64::NAN), None);
        assert_eq!(format_es_number(f64::INFINITY), None);
    }
}
