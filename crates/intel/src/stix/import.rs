//! File import: parse a STIX 2.1 bundle from bytes with size, depth and count limits,
//! reporting every structural problem with a JSON pointer (or line and column for syntax).

use serde_json::Value;

use super::ctx::escape_pointer_token;
use super::ids::is_id_of_type;

/// Limits applied before and during parsing, so hostile files cannot exhaust memory or stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// Maximum input size in bytes.
    pub max_bytes: usize,
    /// Maximum nesting depth of arrays and objects (capped at 120 internally).
    pub max_depth: usize,
    /// Maximum number of objects in the bundle.
    pub max_objects: usize,
}

impl Default for ImportLimits {
    /// 256 MiB, depth 64, 2 million objects: ATT&CK Enterprise (≈ 45 MB, depth < 10) fits easily.
    fn default() -> Self {
        Self { max_bytes: 256 * 1024 * 1024, max_depth: 64, max_objects: 2_000_000 }
    }
}

/// Why a file is not an importable bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The input exceeds [`ImportLimits::max_bytes`].
    #[error("the file has {size} bytes, more than the limit of {max}")]
    TooLarge {
        /// Input size.
        size: usize,
        /// Limit.
        max: usize,
    },
    /// Nesting deeper than [`ImportLimits::max_depth`].
    #[error("{pointer}: nesting deeper than {max} levels")]
    TooDeep {
        /// Where the limit was crossed.
        pointer: String,
        /// Limit.
        max: usize,
    },
    /// Not valid JSON (or not UTF-8).
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Parser message.
        message: String,
    },
    /// A top-level array, which is a list of objects but not a STIX bundle.
    #[error(
        "the top level is a JSON array, not a STIX bundle; wrap the objects as \
         {{\"type\": \"bundle\", \"id\": \"bundle--<UUID>\", \"objects\": [...]}}"
    )]
    BareArray,
    /// The structure is wrong at `pointer`.
    #[error("{pointer}: {message}")]
    Structure {
        /// JSON pointer of the offending value.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// More objects than [`ImportLimits::max_objects`].
    #[error("/objects: {count} objects, more than the limit of {max}")]
    TooManyObjects {
        /// Objects present.
        count: usize,
        /// Limit.
        max: usize,
    },
}

/// Parses a STIX 2.1 bundle and returns its objects (unvalidated; pass them to
/// [`super::validate_object`] or wrap them for [`super::validate_envelope`]).
///
/// # Errors
/// [`ImportError`] for oversize, over-deep, syntactically invalid or non-bundle input.
pub fn parse_bundle(bytes: &[u8], limits: ImportLimits) -> Result<Vec<Value>, ImportError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImportError::TooLarge { size: bytes.len(), max: limits.max_bytes });
    }
    // serde_json refuses more than 128 levels itself; stay below so our message wins.
    let max_depth = limits.max_depth.min(120);
    check_depth(bytes, max_depth)?;
    let value: Value = serde_json::from_slice(bytes).map_err(|e| ImportError::Syntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let structure = |pointer: &str, message: &str| ImportError::Structure {
        pointer: pointer.to_owned(),
        message: message.to_owned(),
    };
    let mut map = match value {
        Value::Object(m) => m,
        Value::Array(_) => return Err(ImportError::BareArray),
        _ => return Err(structure("", "the top level must be a STIX bundle object")),
    };
    match map.get("type").and_then(Value::as_str) {
        Some("bundle") => {}
        Some(other) => {
            return Err(structure("/type", &format!("expected \"bundle\", found \"{other}\"")));
        }
        None => return Err(structure("/type", "required \"bundle\" is missing")),
    }
    let id_ok = map.get("id").and_then(Value::as_str).is_some_and(|id| is_id_of_type(id, "bundle"));
    if !id_ok {
        return Err(structure("/id", "a bundle id must be bundle--<UUID>"));
    }
    if let Some(sv) = map.get("spec_version") {
        return Err(structure(
            "/spec_version",
            &format!("{sv} marks a STIX 2.0 bundle; STIX 2.1 bundles carry no spec_version and only 2.1 is accepted"),
        ));
    }
    let objects = match map.remove("objects") {
        None => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(structure("/objects", "must be a list of STIX objects")),
    };
    if objects.len() > limits.max_objects {
        return Err(ImportError::TooManyObjects { count: objects.len(), max: limits.max_objects });
    }
    if let Some(i) = objects.iter().position(|o| !o.is_object()) {
        return Err(structure(&format!("/objects/{i}"), "each STIX object must be a JSON object"));
    }
    Ok(objects)
}

enum Frame {
    Object { key: Option<String>, expecting_key: bool },
    Array { index: usize },
}

/// Scans the raw bytes for nesting depth without building anything, and reports the JSON
/// pointer of the first container that crosses the limit. Malformed input is left for
/// serde_json to describe; this scan only has to be right for well-formed prefixes.
fn check_depth(bytes: &[u8], max: usize) -> Result<(), ImportError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if let Some(Frame::Object { key, expecting_key: true }) = stack.last_mut() {
                    let end = i.min(bytes.len());
                    *key = Some(String::from_utf8_lossy(&bytes[start.min(end)..end]).into_owned());
                }
            }
            b'{' | b'[' => {
                if stack.len() >= max {
                    return Err(ImportError::TooDeep { pointer: pointer_of(&stack), max });
                }
                stack.push(if bytes[i] == b'{' {
                    Frame::Object { key: None, expecting_key: true }
                } else {
                    Frame::Array { index: 0 }
                });
            }
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = false;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn pointer_of(stack: &[Frame]) -> String {
    let mut p = String::new();
    for f in stack {
        p.push('/');
        match f {
            Frame::Object { key, .. } => {
                p.push_str(&escape_pointer_token(key.as_deref().unwrap_or("")));
            }
            Frame::Array { index } => p.push_str(&index.to_string()),
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_errors_point_at_the_offending_container() {
        let doc = br#"{"type":"bundle","objects":[{"a":1},{"x_deep":[[[["#;
        let err = check_depth(doc, 4).err();
        assert_eq!(err, Some(ImportError::TooDeep { pointer: "/objects/1/x_deep/0".to_owned(), max: 4 }));
    }
}
