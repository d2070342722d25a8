//! A small checking context that reads properties of one STIX object and collects
//! human-readable reasons, each prefixed with the JSON pointer of the offending property.

use serde_json::{Map, Value};

use super::ids::{is_id_of_type, parse_id};
use super::timestamp::StixTimestamp;

/// Escapes one JSON-pointer reference token (RFC 6901).
#[must_use]
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

pub(crate) struct Ctx<'a> {
    pub obj: &'a Map<String, Value>,
    pub reasons: Vec<String>,
    pub warnings: Vec<String>,
}

/// Whether a property must be present.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Required,
    Optional,
}

impl<'a> Ctx<'a> {
    pub fn new(obj: &'a Map<String, Value>) -> Self {
        Self { obj, reasons: Vec::new(), warnings: Vec::new() }
    }

    pub fn fail(&mut self, key: &str, msg: impl std::fmt::Display) {
        self.reasons.push(format!("/{}: {msg}", escape_pointer_token(key)));
    }

    pub fn fail_at(&mut self, pointer: &str, msg: impl std::fmt::Display) {
        self.reasons.push(format!("{pointer}: {msg}"));
    }

    pub fn warn(&mut self, key: &str, msg: impl std::fmt::Display) {
        self.warnings.push(format!("/{}: {msg}", escape_pointer_token(key)));
    }

    pub fn has(&self, key: &str) -> bool {
        self.obj.contains_key(key)
    }

    /// Returns the value, recording a "required property missing" reason when needed.
    pub fn get(&mut self, key: &str, need: Need) -> Option<&'a Value> {
        let obj = self.obj;
        let v = obj.get(key);
        if v.is_none() && need == Need::Required {
            self.fail(key, "required property is missing");
        }
        v
    }

    pub fn string(&mut self, key: &str, need: Need) -> Option<&'a str> {
        match self.get(key, need)? {
            Value::String(s) if s.is_empty() && need == Need::Required => {
                self.fail(key, "must be a non-empty string");
                None
            }
            Value::String(s) => Some(s.as_str()),
            _ => {
                self.fail(key, "must be a string");
                None
            }
        }
    }

    pub fn boolean(&mut self, key: &str, need: Need) -> Option<bool> {
        match self.get(key, need)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.fail(key, "must be a boolean");
                None
            }
        }
    }

    pub fn integer(&mut self, key: &str, need: Need, min: i64, max: i64) -> Option<i64> {
        let v = self.get(key, need)?;
        match v.as_i64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(n) => {
                self.fail(key, format!("{n} is outside the allowed range {min}..={max}"));
                None
            }
            None => {
                self.fail(key, "must be an integer");
                None
            }
        }
    }

    pub fn timestamp(&mut self, key: &str, need: Need) -> Option<StixTimestamp> {
        let s = self.string(key, need)?;
        match StixTimestamp::parse(s) {
            Ok(t) => Some(t),
            Err(e) => {
                self.fail(key, e);
                None
            }
        }
    }

    /// A non-empty list (STIX forbids empty lists).
    pub fn list(&mut self, key: &str, need: Need) -> Option<&'a Vec<Value>> {
        match self.get(key, need)? {
            Value::Array(a) if a.is_empty() => {
                self.fail(key, "lists must not be empty; omit the property instead");
                None
            }
            Value::Array(a) => Some(a),
            _ => {
                self.fail(key, "must be a list");
                None
            }
        }
    }

    pub fn string_list(&mut self, key: &str, need: Need) -> Option<Vec<&'a str>> {
        let list = self.list(key, need)?;
        let mut out = Vec::with_capacity(list.len());
        for (i, v) in list.iter().enumerate() {
            match v {
                Value::String(s) => out.push(s.as_str()),
                _ => self.fail_at(&format!("/{}/{i}", escape_pointer_token(key)), "must be a string"),
            }
        }
        Some(out)
    }

    /// A reference to another object; `types` empty means any type.
    pub fn reference(&mut self, key: &str, need: Need, types: &[&str]) -> Option<&'a str> {
        let s = self.string(key, need)?;
        let pointer = format!("/{}", escape_pointer_token(key));
        check_ref(self, &pointer, s, types).then_some(s)
    }

    pub fn references(&mut self, key: &str, need: Need, types: &[&str]) -> Option<Vec<&'a str>> {
        let list = self.string_list(key, need)?;
        let mut ok = true;
        for (i, s) in list.iter().enumerate() {
            let pointer = format!("/{}/{i}", escape_pointer_token(key));
            ok &= check_ref(self, &pointer, s, types);
        }
        ok.then_some(list)
    }

    /// A string that must be one of a closed vocabulary (an enumeration).
    pub fn enumeration(&mut self, key: &str, need: Need, allowed: &[&str]) -> Option<&'a str> {
        let s = self.string(key, need)?;
        if allowed.contains(&s) {
            Some(s)
        } else {
            self.fail(key, format!("`{s}` is not one of {}", allowed.join(", ")));
            None
        }
    }

    /// A non-empty dictionary (JSON object).
    pub fn dictionary(&mut self, key: &str, need: Need) -> Option<&'a Map<String, Value>> {
        match self.get(key, need)? {
            Value::Object(m) if m.is_empty() => {
                self.fail(key, "dictionaries must not be empty; omit the property instead");
                None
            }
            Value::Object(m) => Some(m),
            _ => {
                self.fail(key, "must be an object");
                None
            }
        }
    }
}

fn check_ref(ctx: &mut Ctx<'_>, pointer: &str, id: &str, types: &[&str]) -> bool {
    match parse_id(id) {
        Err(e) => {
            ctx.fail_at(pointer, e);
            false
        }
        Ok(_) if types.is_empty() || types.iter().any(|t| is_id_of_type(id, t)) => true,
        Ok((t, _)) => {
            ctx.fail_at(pointer, format!("refers to a `{t}` but must refer to {}", types.join(" or ")));
            false
        }
    }
}
