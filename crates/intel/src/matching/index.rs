//! The indicator index: hash maps per observable kind, one map per prefix length for CIDRs,
//! and suffix lookups for domains, so a lookup is a handful of hash probes.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::net::{Ipv4Addr, Ipv6Addr};

use super::observable::{HashValue, Observable, url_host};
use super::pattern::{PatternError, Term, compile_pattern};

/// A fast, seeded, non-cryptographic hasher (multiply-rotate with a splitmix finaliser).
/// Indicators come from authenticated members, so hash flooding is a limited risk; the seed
/// (which the caller may draw from its RNG) makes collisions unpredictable across servers.
#[derive(Clone, Copy)]
pub struct SeededState(u64);

/// The hasher produced by [`SeededState`].
pub struct FastHasher(u64);

const K: u64 = 0x517c_c1b7_2722_0a95;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rem = chunks.remainder();
        if !rem.is_empty() {
            let mut w = [0u8; 8];
            w[..rem.len()].copy_from_slice(rem);
            self.add(u64::from_le_bytes(w) ^ ((rem.len() as u64) << 59));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl BuildHasher for SeededState {
    type Hasher = FastHasher;
    #[inline]
    fn build_hasher(&self) -> FastHasher {
        FastHasher(self.0)
    }
}

type Map<Key> = HashMap<Key, u32, SeededState>;

const MANY: u32 = 0x8000_0000;

/// How an observable matched an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchKind {
    /// The indicator names exactly this value.
    Exact,
    /// The indicator is a CIDR containing the address (prefix length given).
    Cidr(u8),
    /// The indicator is a parent domain of the observed domain (or of a URL's host).
    ParentDomain,
    /// The observable is a URL whose host equals an indicator domain or address.
    UrlHost,
}

/// One match: the indicator and how it matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<'a, M> {
    /// The indicator's STIX id.
    pub indicator_id: &'a str,
    /// The caller's metadata for the indicator (for example its access columns).
    pub meta: &'a M,
    /// How it matched.
    pub kind: MatchKind,
}

#[derive(Clone)]
struct Entry<M> {
    id: Box<str>,
    meta: M,
    /// False once removed: its postings stay in the maps but are never reported.
    live: bool,
}

/// An indicator whose pattern could not be indexed, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unindexed {
    /// The indicator's STIX id.
    pub indicator_id: String,
    /// Why.
    pub error: PatternError,
}

/// An in-memory index of indicators for observable lookups.
///
/// `M` is per-indicator metadata; [`MatchIndex::lookup_visible`] filters on it *before*
/// results are assembled, so matching never reveals indicators the caller may not read.
///
/// Indicators can be removed ([`MatchIndex::remove`]): a removed one is never reported again,
/// while its postings stay until the caller rebuilds (see [`MatchIndex::removed`]).
#[derive(Clone)]
pub struct MatchIndex<M = ()> {
    state: SeededState,
    entries: Vec<Entry<M>>,
    overflow: Vec<Vec<u32>>,
    v4: Vec<Option<Map<u32>>>,
    v4_lens: Vec<u8>,
    v6: Vec<Option<Map<u128>>>,
    v6_lens: Vec<u8>,
    domains: Map<Box<str>>,
    urls: Map<Box<str>>,
    md5: Map<[u8; 16]>,
    sha1: Map<[u8; 20]>,
    sha256: Map<[u8; 32]>,
    sha512: Map<[u8; 64]>,
    unindexed: Vec<Unindexed>,
    removed: usize,
}

fn post(map_value: &mut u32, overflow: &mut Vec<Vec<u32>>, idx: u32) {
    if *map_value & MANY == 0 {
        if *map_value == idx {
            return;
        }
        let list = vec![*map_value, idx];
        *map_value = MANY | overflow.len() as u32;
        overflow.push(list);
    } else if let Some(list) = overflow.get_mut((*map_value & !MANY) as usize)
        && !list.contains(&idx)
    {
        list.push(idx);
    }
}

fn insert<Key: std::hash::Hash + Eq>(map: &mut Map<Key>, overflow: &mut Vec<Vec<u32>>, key: Key, idx: u32) {
    match map.entry(key) {
        std::collections::hash_map::Entry::Occupied(mut o) => post(o.get_mut(), overflow, idx),
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(idx);
        }
    }
}

/// Why an indicator could not be added at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddError {
    /// The pattern is unsupported or invalid (also recorded in [`MatchIndex::unindexed`]).
    #[error(transparent)]
    Pattern(#[from] PatternError),
    /// `pattern_type` other than `stix`.
    #[error("pattern_type `{0}` is not supported (only stix)")]
    PatternType(String),
    /// More than 2^31 indicators.
    #[error("the index is full")]
    Full,
}

impl<M> MatchIndex<M> {
    /// An empty index hashing with `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        let state = SeededState(seed ^ 0x9e37_79b9_7f4a_7c15);
        Self {
            state,
            entries: Vec::new(),
            overflow: Vec::new(),
            v4: (0..=32).map(|_| None).collect(),
            v4_lens: Vec::new(),
            v6: (0..=128).map(|_| None).collect(),
            v6_lens: Vec::new(),
            domains: HashMap::with_hasher(state),
            urls: HashMap::with_hasher(state),
            md5: HashMap::with_hasher(state),
            sha1: HashMap::with_hasher(state),
            sha256: HashMap::with_hasher(state),
            sha512: HashMap::with_hasher(state),
            unindexed: Vec::new(),
            removed: 0,
        }
    }

    /// Number of indexed indicators (removed ones excluded).
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len() - self.removed
    }

    /// True when nothing is indexed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of removed indicators whose postings are still held.
    #[must_use]
    pub fn removed(&self) -> usize {
        self.removed
    }

    /// Removes the indicator at `index` (as returned by [`Self::add_terms`]): it is never
    /// reported again. Returns false when it was not there.
    pub fn remove(&mut self, index: u32) -> bool {
        match self.entries.get_mut(index as usize) {
            Some(e) if e.live => {
                e.live = false;
                self.removed += 1;
                true
            }
            _ => false,
        }
    }

    /// Indicators that were offered but could not be indexed, with reasons.
    #[must_use]
    pub fn unindexed(&self) -> &[Unindexed] {
        &self.unindexed
    }

    /// Adds an indicator given its `pattern_type` and `pattern`. Returns its index (for
    /// [`Self::remove`]). Unsupported patterns are recorded in [`Self::unindexed`] and returned
    /// as errors.
    ///
    /// # Errors
    /// [`AddError`] when the pattern cannot be indexed.
    pub fn add_indicator(
        &mut self,
        indicator_id: &str,
        pattern_type: &str,
        pattern: &str,
        meta: M,
    ) -> Result<u32, AddError> {
        if pattern_type != "stix" {
            let e = PatternError::Unsupported(format!("pattern_type {pattern_type}"));
            self.unindexed.push(Unindexed { indicator_id: indicator_id.to_owned(), error: e });
            return Err(AddError::PatternType(pattern_type.to_owned()));
        }
        match compile_pattern(pattern) {
            Ok(terms) => self.add_terms(indicator_id, &terms, meta),
            Err(e) => {
                self.unindexed.push(Unindexed { indicator_id: indicator_id.to_owned(), error: e.clone() });
                Err(AddError::Pattern(e))
            }
        }
    }

    /// Adds an indicator from already compiled terms; returns its index.
    ///
    /// # Errors
    /// [`AddError::Full`] beyond 2^31 indicators (removed ones count until a rebuild).
    pub fn add_terms(&mut self, indicator_id: &str, terms: &[Term], meta: M) -> Result<u32, AddError> {
        let idx = u32::try_from(self.entries.len()).ok().filter(|i| *i < MANY).ok_or(AddError::Full)?;
        self.entries.push(Entry { id: indicator_id.into(), meta, live: true });
        let ov = &mut self.overflow;
        for t in terms {
            match t {
                Term::Ipv4 { net, prefix } => {
                    let p = usize::from(*prefix);
                    if self.v4[p].is_none() {
                        self.v4[p] = Some(HashMap::with_hasher(self.state));
                        self.v4_lens.push(*prefix);
                        self.v4_lens.sort_unstable_by(|a, b| b.cmp(a));
                    }
                    if let Some(m) = self.v4[p].as_mut() {
                        insert(m, ov, u32::from(*net), idx);
                    }
                }
                Term::Ipv6 { net, prefix } => {
                    let p = usize::from(*prefix);
                    if self.v6[p].is_none() {
                        self.v6[p] = Some(HashMap::with_hasher(self.state));
                        self.v6_lens.push(*prefix);
                        self.v6_lens.sort_unstable_by(|a, b| b.cmp(a));
                    }
                    if let Some(m) = self.v6[p].as_mut() {
                        insert(m, ov, u128::from(*net), idx);
                    }
                }
                Term::Domain(d) => insert(&mut self.domains, ov, d.as_str().into(), idx),
                Term::Url(u) => insert(&mut self.urls, ov, u.as_str().into(), idx),
                Term::Hash(h) => match h {
                    HashValue::Md5(b) => insert(&mut self.md5, ov, *b, idx),
                    HashValue::Sha1(b) => insert(&mut self.sha1, ov, *b, idx),
                    HashValue::Sha256(b) => insert(&mut self.sha256, ov, *b, idx),
                    HashValue::Sha512(b) => insert(&mut self.sha512, ov, *b, idx),
                },
            }
        }
        Ok(idx)
    }

    #[inline]
    fn emit(&self, v: u32, kind: MatchKind, f: &mut impl FnMut(u32, MatchKind)) {
        let live = |i: u32| self.removed == 0 || self.entries.get(i as usize).is_some_and(|e| e.live);
        if v & MANY == 0 {
            if live(v) {
                f(v, kind);
            }
        } else if let Some(list) = self.overflow.get((v & !MANY) as usize) {
            for &i in list {
                if live(i) {
                    f(i, kind);
                }
            }
        }
    }

    fn v4_matches(&self, ip: Ipv4Addr, exact: MatchKind, f: &mut impl FnMut(u32, MatchKind)) {
        let a = u32::from(ip);
        for &len in &self.v4_lens {
            let key = if len == 0 { 0 } else { a & (u32::MAX << (32 - u32::from(len))) };
            if let Some(Some(m)) = self.v4.get(usize::from(len))
                && let Some(&v) = m.get(&key)
            {
                let kind = if len == 32 { exact } else { MatchKind::Cidr(len) };
                self.emit(v, kind, f);
            }
        }
    }

    fn v6_matches(&self, ip: Ipv6Addr, exact: MatchKind, f: &mut impl FnMut(u32, MatchKind)) {
        let a = u128::from(ip);
        for &len in &self.v6_lens {
            let key = if len == 0 { 0 } else { a & (u128::MAX << (128 - u32::from(len))) };
            if let Some(Some(m)) = self.v6.get(usize::from(len))
                && let Some(&v) = m.get(&key)
            {
                let kind = if len == 128 { exact } else { MatchKind::Cidr(len) };
                self.emit(v, kind, f);
            }
        }
    }

    fn domain_matches(&self, domain: &str, exact: MatchKind, f: &mut impl FnMut(u32, MatchKind)) {
        if self.domains.is_empty() {
            return;
        }
        // Probe the domain and each parent suffix: a.b.evil.com, b.evil.com, evil.com, com.
        let mut suffix = domain;
        let mut kind = exact;
        loop {
            if let Some(&v) = self.domains.get(suffix) {
                self.emit(v, kind, f);
            }
            match suffix.find('.') {
                Some(i) => {
                    suffix = &suffix[i + 1..];
                    kind = MatchKind::ParentDomain;
                }
                None => break,
            }
        }
    }

    /// Calls `f(indicator_index, kind)` for every match, without allocating. An indicator with
    /// several matching terms may be reported more than once.
    pub fn for_each_match(&self, obs: &Observable, mut f: impl FnMut(u32, MatchKind)) {
        match obs {
            Observable::Ipv4(ip) => self.v4_matches(*ip, MatchKind::Exact, &mut f),
            Observable::Ipv6(ip) => self.v6_matches(*ip, MatchKind::Exact, &mut f),
            Observable::Domain(d) => self.domain_matches(d, MatchKind::Exact, &mut f),
            Observable::Url(u) => {
                if let Some(&v) = self.urls.get(u.as_str()) {
                    self.emit(v, MatchKind::Exact, &mut f);
                }
                if let Some(host) = url_host(u) {
                    if let Ok(ip) = host.parse::<Ipv4Addr>() {
                        self.v4_matches(ip, MatchKind::UrlHost, &mut f);
                    } else if let Ok(ip) = host.parse::<Ipv6Addr>() {
                        self.v6_matches(ip, MatchKind::UrlHost, &mut f);
                    } else {
                        // The URL was normalised on construction, so its host is already
                        // lower-case; trailing dots were removed there too.
                        self.domain_matches(host, MatchKind::UrlHost, &mut f);
                    }
                }
            }
            Observable::Hash(h) => {
                let v = match h {
                    HashValue::Md5(b) => self.md5.get(b),
                    HashValue::Sha1(b) => self.sha1.get(b),
                    HashValue::Sha256(b) => self.sha256.get(b),
                    HashValue::Sha512(b) => self.sha512.get(b),
                };
                if let Some(&v) = v {
                    self.emit(v, MatchKind::Exact, &mut f);
                }
            }
        }
    }

    /// Every indicator matching `obs`, once each (the first way it matched), in index order.
    #[must_use]
    pub fn lookup(&self, obs: &Observable) -> Vec<Match<'_, M>> {
        self.lookup_visible(obs, |_| true)
    }

    /// Like [`Self::lookup`], keeping only indicators whose metadata passes `visible`. The
    /// filter runs before anything about a hidden indicator is assembled.
    #[must_use]
    pub fn lookup_visible(&self, obs: &Observable, visible: impl Fn(&M) -> bool) -> Vec<Match<'_, M>> {
        let mut hits: Vec<(u32, MatchKind)> = Vec::new();
        self.for_each_match(obs, |i, k| {
            if let Some(e) = self.entries.get(i as usize)
                && visible(&e.meta)
            {
                hits.push((i, k));
            }
        });
        hits.sort_by_key(|(i, _)| *i);
        hits.dedup_by_key(|(i, _)| *i);
        hits.into_iter()
            .filter_map(|(i, kind)| {
                self.entries.get(i as usize).map(|e| Match { indicator_id: &e.id, meta: &e.meta, kind })
            })
            .collect()
    }

    /// The STIX id of the indicator at `index` (as passed to [`Self::for_each_match`]).
    #[must_use]
    pub fn indicator_id(&self, index: u32) -> Option<&str> {
        self.entries.get(index as usize).map(|e| &*e.id)
    }

    /// The metadata of the indicator at `index`.
    #[must_use]
    pub fn meta(&self, index: u32) -> Option<&M> {
        self.entries.get(index as usize).map(|e| &e.meta)
    }
}
