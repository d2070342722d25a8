//! Compiling simple STIX patterns into match terms.
//!
//! Supported: comparisons `object-path = 'string'` on `ipv4-addr:value`, `ipv6-addr:value`
//! (addresses or CIDRs), `domain-name:value`, `url:value` and `file:hashes.<MD5|SHA-1|SHA-256|
//! SHA-512>`, joined with `OR` inside or between observation expressions, with parentheses.
//! Everything else that is valid STIX patterning (`AND`, `FOLLOWEDBY`, `NOT`, operators other
//! than `=`, `LIKE`/`MATCHES`/`IN`/`ISSUBSET`, qualifiers, other object paths) is reported as
//! [`PatternError::Unsupported`]; it is never silently dropped.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::observable::{HashValue, normalize_domain, normalize_url, parse_hash_hex};

/// One compiled equality test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// IPv4 network (`/32` for a single address).
    Ipv4 {
        /// Network address (host bits cleared).
        net: Ipv4Addr,
        /// Prefix length, 0-32.
        prefix: u8,
    },
    /// IPv6 network (`/128` for a single address).
    Ipv6 {
        /// Network address (host bits cleared).
        net: Ipv6Addr,
        /// Prefix length, 0-128.
        prefix: u8,
    },
    /// A domain; also matches its subdomains.
    Domain(String),
    /// A normalised URL.
    Url(String),
    /// A file hash.
    Hash(HashValue),
}

/// Why a pattern could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// Not valid STIX patterning.
    #[error("pattern syntax error at byte {offset}: {message}")]
    Syntax {
        /// Byte offset in the pattern.
        offset: usize,
        /// What was expected.
        message: String,
    },
    /// Valid patterning this matcher does not evaluate.
    #[error("unsupported pattern: {0}")]
    Unsupported(String),
    /// A supported comparison with a value of the wrong form (for example a bad IP address).
    #[error("invalid value `{value}` for {path}: {reason}")]
    InvalidValue {
        /// The object path.
        path: String,
        /// The offending literal.
        value: String,
        /// Why it is invalid.
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LBrack,
    RBrack,
    LParen,
    RParen,
    Op(&'static str),
    Word(String),
    Str(String),
    Typed(char, String),
    Number(String),
}

const MAX_PATTERN_LEN: usize = 64 * 1024;
const MAX_NESTING: usize = 64;

fn syntax(offset: usize, message: impl Into<String>) -> PatternError {
    PatternError::Syntax { offset, message: message.into() }
}

fn quoted(chars: &[(usize, char)], i: &mut usize) -> Result<String, PatternError> {
    // `chars[*i]` is the opening quote.
    let start = chars[*i].0;
    *i += 1;
    let mut s = String::new();
    while let Some(&(_, c)) = chars.get(*i) {
        *i += 1;
        match c {
            '\'' => return Ok(s),
            '\\' => match chars.get(*i) {
                Some(&(_, e @ ('\'' | '\\'))) => {
                    s.push(e);
                    *i += 1;
                }
                _ => return Err(syntax(chars[*i - 1].0, "only \\' and \\\\ may be escaped")),
            },
            c => s.push(c),
        }
    }
    Err(syntax(start, "unterminated string literal"))
}

fn tokenize(p: &str) -> Result<Vec<(usize, Tok)>, PatternError> {
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&(off, c)) = chars.get(i) {
        let next = chars.get(i + 1).map(|x| x.1);
        match c {
            c if c.is_whitespace() => i += 1,
            '[' => {
                out.push((off, Tok::LBrack));
                i += 1;
            }
            ']' => {
                out.push((off, Tok::RBrack));
                i += 1;
            }
            '(' => {
                out.push((off, Tok::LParen));
                i += 1;
            }
            ')' => {
                out.push((off, Tok::RParen));
                i += 1;
            }
            '=' => {
                i += if next == Some('=') { 2 } else { 1 };
                out.push((off, Tok::Op("=")));
            }
            '!' if next == Some('=') => {
                out.push((off, Tok::Op("!=")));
                i += 2;
            }
            '<' | '>' => {
                let op = match (c, next) {
                    ('<', Some('=')) => "<=",
                    ('>', Some('=')) => ">=",
                    ('<', Some('>')) => "<>",
                    ('<', _) => "<",
                    _ => ">",
                };
                i += op.len();
                out.push((off, Tok::Op(op)));
            }
            '\'' => out.push((off, Tok::Str(quoted(&chars, &mut i)?))),
            't' | 'h' | 'b' if next == Some('\'') => {
                i += 1;
                out.push((off, Tok::Typed(c, quoted(&chars, &mut i)?)));
            }
            c if c.is_ascii_digit() || (c == '-' && next.is_some_and(|n| n.is_ascii_digit())) => {
                let mut s = String::new();
                s.push(c);
                i += 1;
                while let Some(&(_, d)) = chars.get(i) {
                    if d.is_ascii_digit() || d == '.' {
                        s.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push((off, Tok::Number(s)));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut s = String::new();
                while let Some(&(_, d)) = chars.get(i) {
                    if d.is_ascii_alphanumeric() || matches!(d, '_' | '-' | ':' | '.' | '*') {
                        s.push(d);
                        i += 1;
                    } else if d == '\'' && s.ends_with('.') {
                        // A quoted path component such as hashes.'SHA-256'.
                        let q = quoted(&chars, &mut i)?;
                        s.push('\'');
                        s.push_str(&q);
                        s.push('\'');
                    } else if d == '[' && s.contains(':') {
                        // A list index inside an object path: [*] or [n].
                        let mut j = i + 1;
                        let mut idx = String::new();
                        while let Some(&(_, e)) = chars.get(j) {
                            if e == ']' {
                                break;
                            }
                            idx.push(e);
                            j += 1;
                        }
                        if !(idx == "*" || (!idx.is_empty() && idx.bytes().all(|b| b.is_ascii_digit()))) {
                            return Err(syntax(chars[i].0, "list index must be [*] or [n]"));
                        }
                        s.push('[');
                        s.push_str(&idx);
                        s.push(']');
                        i = j + 1;
                    } else {
                        break;
                    }
                }
                out.push((off, Tok::Word(s)));
            }
            other => return Err(syntax(off, format!("unexpected character `{other}`"))),
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    end: usize,
    depth: usize,
    terms: Vec<Term>,
}

fn is_kw(t: Option<&Tok>, kw: &str) -> bool {
    matches!(t, Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
}

const QUALIFIERS: [&str; 3] = ["WITHIN", "REPEATS", "START"];

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.1)
    }
    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |t| t.0)
    }
    fn enter(&mut self) -> Result<(), PatternError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(syntax(self.offset(), "nesting too deep"));
        }
        Ok(())
    }

    /// observation-or := observation-and ("OR" observation-and)*
    fn observation_or(&mut self) -> Result<(), PatternError> {
        self.observation_and()?;
        while is_kw(self.peek(), "OR") {
            self.pos += 1;
            self.observation_and()?;
        }
        Ok(())
    }

    fn observation_and(&mut self) -> Result<(), PatternError> {
        self.observation_primary()?;
        if is_kw(self.peek(), "AND") {
            return Err(PatternError::Unsupported(
                "AND between observation expressions (correlating several observations)".into(),
            ));
        }
        if is_kw(self.peek(), "FOLLOWEDBY") {
            return Err(PatternError::Unsupported("FOLLOWEDBY".into()));
        }
        Ok(())
    }

    fn observation_primary(&mut self) -> Result<(), PatternError> {
        self.enter()?;
        match self.peek() {
            Some(Tok::LBrack) => {
                self.pos += 1;
                self.comparison_or()?;
                self.expect(&Tok::RBrack, "`]`")?;
            }
            Some(Tok::LParen) => {
                self.pos += 1;
                self.observation_or()?;
                self.expect(&Tok::RParen, "`)`")?;
            }
            _ => return Err(syntax(self.offset(), "expected `[` or `(`")),
        }
        if let Some(Tok::Word(w)) = self.peek() {
            let upper = w.to_ascii_uppercase();
            if QUALIFIERS.contains(&upper.as_str()) {
                return Err(PatternError::Unsupported(format!("the {upper} qualifier")));
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn expect(&mut self, tok: &Tok, what: &str) -> Result<(), PatternError> {
        if self.peek() == Some(tok) {
            self.pos += 1;
            Ok(())
        } else {
            Err(syntax(self.offset(), format!("expected {what}")))
        }
    }

    fn comparison_or(&mut self) -> Result<(), PatternError> {
        self.comparison_and()?;
        while is_kw(self.peek(), "OR") {
            self.pos += 1;
            self.comparison_and()?;
        }
        Ok(())
    }

    fn comparison_and(&mut self) -> Result<(), PatternError> {
        self.comparison()?;
        if is_kw(self.peek(), "AND") {
            return Err(PatternError::Unsupported("AND between comparisons (all must hold on one object)".into()));
        }
        Ok(())
    }

    fn comparison(&mut self) -> Result<(), PatternError> {
        self.enter()?;
        if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            self.comparison_or()?;
            self.expect(&Tok::RParen, "`)`")?;
            self.depth -= 1;
            return Ok(());
        }
        if is_kw(self.peek(), "EXISTS") {
            return Err(PatternError::Unsupported("EXISTS".into()));
        }
        let path = match self.peek() {
            Some(Tok::Word(w)) if w.contains(':') => w.clone(),
            _ => {
                return Err(syntax(self.offset(), "expected an object path such as ipv4-addr:value"));
            }
        };
        self.pos += 1;
        if is_kw(self.peek(), "NOT") {
            return Err(PatternError::Unsupported("negated comparisons (NOT)".into()));
        }
        let op = match self.peek() {
            Some(Tok::Op(op)) => *op,
            Some(Tok::Word(w)) => {
                let w = w.to_ascii_uppercase();
                return Err(if matches!(w.as_str(), "LIKE" | "MATCHES" | "IN" | "ISSUBSET" | "ISSUPERSET") {
                    PatternError::Unsupported(format!("the {w} operator"))
                } else {
                    syntax(self.offset(), format!("unexpected `{w}`"))
                });
            }
            _ => return Err(syntax(self.offset(), "expected a comparison operator")),
        };
        if op != "=" {
            return Err(PatternError::Unsupported(format!("the {op} operator (only = is supported)")));
        }
        self.pos += 1;
        let value = match self.peek() {
            Some(Tok::Str(s)) => s.clone(),
            Some(Tok::Typed(..) | Tok::Number(_)) => {
                return Err(PatternError::Unsupported(format!("non-string literal compared with {path}")));
            }
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") || w.eq_ignore_ascii_case("false") => {
                return Err(PatternError::Unsupported(format!("boolean literal compared with {path}")));
            }
            _ => return Err(syntax(self.offset(), "expected a string literal")),
        };
        self.pos += 1;
        self.terms.push(compile_comparison(&path, &value)?);
        self.depth -= 1;
        Ok(())
    }
}

fn invalid(path: &str, value: &str, reason: impl Into<String>) -> PatternError {
    PatternError::InvalidValue {
        path: path.to_owned(),
        value: value.chars().take(200).collect(),
        reason: reason.into(),
    }
}

fn compile_comparison(path: &str, value: &str) -> Result<Term, PatternError> {
    let (object_type, property) = path.split_once(':').unwrap_or((path, ""));
    match (object_type, property) {
        ("ipv4-addr", "value") => {
            let (addr, prefix) = split_cidr(value, 32).map_err(|r| invalid(path, value, r))?;
            let ip: Ipv4Addr = addr.parse().map_err(|_| invalid(path, value, "not an IPv4 address"))?;
            let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) };
            Ok(Term::Ipv4 { net: Ipv4Addr::from(u32::from(ip) & mask), prefix })
        }
        ("ipv6-addr", "value") => {
            let (addr, prefix) = split_cidr(value, 128).map_err(|r| invalid(path, value, r))?;
            let ip: Ipv6Addr = addr.parse().map_err(|_| invalid(path, value, "not an IPv6 address"))?;
            let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(prefix)) };
            Ok(Term::Ipv6 { net: Ipv6Addr::from(u128::from(ip) & mask), prefix })
        }
        ("domain-name", "value") => normalize_domain(value).map(Term::Domain).map_err(|r| invalid(path, value, r)),
        ("url", "value") => normalize_url(value).map(Term::Url).map_err(|r| invalid(path, value, r)),
        ("file", p) if p.starts_with("hashes.") => {
            let name = p["hashes.".len()..].trim_matches('\'');
            let algo = match name.to_ascii_uppercase().as_str() {
                "MD5" => 32,
                "SHA-1" | "SHA1" => 40,
                "SHA-256" | "SHA256" => 64,
                "SHA-512" | "SHA512" => 128,
                other => {
                    return Err(PatternError::Unsupported(format!(
                        "hash algorithm {other} (MD5, SHA-1, SHA-256 and SHA-512 are supported)"
                    )));
                }
            };
            let h = parse_hash_hex(value).map_err(|r| invalid(path, value, r))?;
            if h.hex_len() != algo {
                return Err(invalid(path, value, format!("{name} needs {algo} hexadecimal digits")));
            }
            Ok(Term::Hash(h))
        }
        _ => Err(PatternError::Unsupported(format!("the object path {path}"))),
    }
}

fn split_cidr(value: &str, max: u8) -> Result<(&str, u8), String> {
    match value.split_once('/') {
        None => Ok((value, max)),
        Some((addr, len)) => {
            let n: u8 = len
                .parse()
                .ok()
                .filter(|n| *n <= max && len.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| format!("prefix length must be 0-{max}"))?;
            Ok((addr, n))
        }
    }
}

/// Compiles a STIX pattern (pattern_type `stix`) into the terms any of which makes it match.
///
/// # Errors
/// [`PatternError`]: syntax errors, unsupported constructs, or invalid values.
pub fn compile_pattern(pattern: &str) -> Result<Vec<Term>, PatternError> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(syntax(0, format!("patterns are limited to {MAX_PATTERN_LEN} bytes")));
    }
    let toks = tokenize(pattern)?;
    let mut p = Parser { toks, pos: 0, end: pattern.len(), depth: 0, terms: Vec::new() };
    p.observation_or()?;
    if p.pos != p.toks.len() {
        return Err(syntax(p.offset(), "unexpected trailing input"));
    }
    Ok(p.terms)
}
