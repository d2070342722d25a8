//! The signed, stateless TAXII pagination cursor (`next`).
//!
//! A cursor is the keyset position `(date_added, row_id)` of the last object returned, plus a
//! fingerprint of the filters, collection and caller it was issued for, authenticated with
//! HMAC-SHA256 and encoded as base64url. Because the position includes the unique row id,
//! paging never skips or repeats objects that share one `date_added`; because it is signed and
//! bound to the query, a tampered cursor or one replayed with other filters is rejected (HTTP
//! 400), and because it is stateless it never expires in the middle of a walk.
//!
//! The store's page query is `WHERE (date_added, row_id) > (?, ?) ORDER BY date_added, row_id
//! LIMIT ?`, which [`Position`]'s ordering mirrors.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

const VERSION: u8 = 1;
const FP_LEN: usize = 16;
const MAC_LEN: usize = 16;
const BODY_LEN: usize = 1 + 8 + 8 + FP_LEN;
const TOKEN_LEN: usize = BODY_LEN + MAC_LEN;
/// Longest base64url text a cursor can have; anything longer is rejected before decoding.
pub const MAX_CURSOR_CHARS: usize = 96;

/// A keyset position: ascending by `date_added` (microseconds since the epoch), then row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// `date_added` of the last returned object, in microseconds since the Unix epoch.
    pub date_added_micros: i64,
    /// The store's unique, immutable row id of that object.
    pub row_id: i64,
}

/// A 128-bit digest of everything a cursor is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FilterFingerprint([u8; FP_LEN]);

impl FilterFingerprint {
    /// Hashes the given parts, length-prefixed so that `["ab", "c"]` and `["a", "bc"]` differ.
    #[must_use]
    pub fn from_parts<'a>(parts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_be_bytes());
            h.update(p.as_bytes());
        }
        let digest = h.finalize();
        let mut out = [0u8; FP_LEN];
        out.copy_from_slice(&digest[..FP_LEN]);
        Self(out)
    }
}

/// The secret that signs cursors. Keep it stable across restarts so cursors stay valid.
#[derive(Clone)]
pub struct CursorKey(Vec<u8>);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

impl CursorKey {
    /// Wraps key material; at least 32 bytes are required.
    ///
    /// # Errors
    /// [`CursorError::WeakKey`] for shorter keys.
    pub fn new(secret: &[u8]) -> Result<Self, CursorError> {
        if secret.len() < 32 {
            return Err(CursorError::WeakKey);
        }
        Ok(Self(secret.to_vec()))
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail; fall back to an empty-key MAC
        // rather than panic if the implementation ever changed.
        HmacSha256::new_from_slice(&self.0).unwrap_or_else(|_| <HmacSha256 as Mac>::new(&Default::default()))
    }

    /// Encodes and signs a cursor for `position` under `fingerprint`.
    #[must_use]
    pub fn encode(&self, position: Position, fingerprint: FilterFingerprint) -> String {
        let mut buf = [0u8; TOKEN_LEN];
        buf[0] = VERSION;
        buf[1..9].copy_from_slice(&position.date_added_micros.to_be_bytes());
        buf[9..17].copy_from_slice(&position.row_id.to_be_bytes());
        buf[17..BODY_LEN].copy_from_slice(&fingerprint.0);
        let mut mac = self.mac();
        mac.update(&buf[..BODY_LEN]);
        let tag = mac.finalize().into_bytes();
        buf[BODY_LEN..].copy_from_slice(&tag[..MAC_LEN]);
        URL_SAFE_NO_PAD.encode(buf)
    }

    /// Verifies a cursor and returns its position, provided it was issued for `expected`.
    ///
    /// # Errors
    /// [`CursorError`]: malformed text, bad signature (tampering or another key), or a
    /// cursor issued for other filters, another collection or another caller.
    pub fn decode(&self, token: &str, expected: FilterFingerprint) -> Result<Position, CursorError> {
        if token.is_empty() || token.len() > MAX_CURSOR_CHARS {
            return Err(CursorError::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD.decode(token.as_bytes()).map_err(|_| CursorError::Malformed)?;
        if bytes.len() != TOKEN_LEN {
            return Err(CursorError::Malformed);
        }
        let mut mac = self.mac();
        mac.update(&bytes[..BODY_LEN]);
        mac.verify_truncated_left(&bytes[BODY_LEN..]).map_err(|_| CursorError::BadSignature)?;
        if bytes[0] != VERSION {
            return Err(CursorError::Malformed);
        }
        if bytes[17..BODY_LEN] != expected.0 {
            return Err(CursorError::FilterMismatch);
        }
        let mut d = [0u8; 8];
        d.copy_from_slice(&bytes[1..9]);
        let mut r = [0u8; 8];
        r.copy_from_slice(&bytes[9..17]);
        Ok(Position { date_added_micros: i64::from_be_bytes(d), row_id: i64::from_be_bytes(r) })
    }
}

/// Why a `next` value was refused. Every variant maps to HTTP 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    /// Not a cursor this server issues (bad base64url, wrong length or version).
    #[error("`next` is not a valid pagination cursor")]
    Malformed,
    /// The signature does not verify: tampered with, or issued under another key.
    #[error("`next` failed signature verification")]
    BadSignature,
    /// Issued for different filters, collection or caller; repeat the original query.
    #[error("`next` was issued for a different query; send the same filters with it")]
    FilterMismatch,
    /// The configured key is too short.
    #[error("the cursor key must have at least 32 bytes")]
    WeakKey,
}

/// One page of an in-memory, keyset-ordered slice: the items strictly after `after`, at most
/// `limit` of them, and whether more remain. The store does the same in SQL; this version
/// serves tests, federation replays and small collections.
#[must_use]
pub fn page_after<T>(
    sorted: &[T],
    key: impl Fn(&T) -> Position,
    after: Option<Position>,
    limit: usize,
) -> (&[T], bool) {
    let start = match after {
        None => 0,
        Some(p) => sorted.partition_point(|t| key(t) <= p),
    };
    let rest = &sorted[start..];
    let n = rest.len().min(limit);
    (&rest[..n], rest.len() > n)
}
