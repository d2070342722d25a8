//! Small helpers to read a `serde_json::Value` while tracking the JSON pointer for errors.

use serde_json::{Map, Value};

use crate::error::{ErrorKind, ImportError};

/// Deepest nesting of groups/controls/parts accepted.
pub(crate) const MAX_NESTING: usize = 24;

/// An object together with its JSON pointer.
#[derive(Clone)]
pub(crate) struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    pub ptr: String,
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

pub(crate) fn child_ptr(ptr: &str, key: &str) -> String {
    format!("{ptr}/{}", escape(key))
}

impl<'a> Obj<'a> {
    pub fn new(v: &'a Value, ptr: &str) -> Result<Self, ImportError> {
        match v {
            Value::Object(map) => Ok(Obj { map, ptr: ptr.to_owned() }),
            _ => Err(ImportError::at(
                ptr,
                ErrorKind::BadValue {
                    field: ptr.rsplit('/').next().unwrap_or("").to_owned(),
                    reason: "expected an object".into(),
                },
            )),
        }
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, ImportError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(ImportError::at(
                &child_ptr(&self.ptr, key),
                ErrorKind::BadValue { field: key.into(), reason: "expected a string".into() },
            )),
        }
    }

    pub fn req_str(&self, key: &str) -> Result<&'a str, ImportError> {
        self.opt_str(key)?.ok_or_else(|| ImportError::at(&self.ptr, ErrorKind::Missing(key.into())))
    }

    pub fn obj(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Elements of an array field with their pointers; a missing field is an empty list.
    pub fn arr(&self, key: &str) -> Result<Vec<(String, &'a Value)>, ImportError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                let base = child_ptr(&self.ptr, key);
                Ok(items.iter().enumerate().map(|(i, v)| (format!("{base}/{i}"), v)).collect())
            }
            Some(_) => Err(ImportError::at(
                &child_ptr(&self.ptr, key),
                ErrorKind::BadValue { field: key.into(), reason: "expected an array".into() },
            )),
        }
    }
}
