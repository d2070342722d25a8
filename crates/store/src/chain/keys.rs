//! Organization signing keys: one active Ed25519 key per organization, private halves
//! encrypted at rest with AES-256-GCM under the server secret key, and rotation that keeps
//! retired public keys published so that old attestations still verify.
//!
//! The server secret key comes from `MAMORI_SECRET_KEY` (64 hex digits or base64 of 32
//! bytes) or from the file `secret.key` in the data directory, created with mode 0600 on
//! first start. Losing it makes the stored private keys unusable (rotate to recover);
//! leaking it together with the database exposes them.

use std::path::Path;
use std::sync::Arc;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use mamori_chain::attest::{Jwk, KeyPair, PublicKey};
use rand::RngCore;
use rand::rngs::OsRng;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;

use super::schema::{ChainCol, OrgKeys};
use crate::accounts::org_by;
use crate::audit::{self, Event};
use crate::schema::Orgs;
use crate::{Role, Store, StoreError, Tenant, now_ms};

/// The server secret that encrypts private keys. Never logged or serialised.
#[derive(Clone)]
pub struct SecretKey(Arc<[u8; 32]>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// The file name of the secret inside the data directory.
pub const SECRET_FILE: &str = "secret.key";

impl SecretKey {
    /// A key from raw bytes (tests and callers that manage the secret themselves).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        SecretKey(Arc::new(bytes))
    }

    /// Parses 64 hex digits or base64 (standard or URL-safe) of exactly 32 bytes.
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        let t = text.trim();
        let raw = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(t).ok()
        } else {
            STANDARD.decode(t).ok().or_else(|| URL_SAFE_NO_PAD.decode(t.trim_end_matches('=')).ok())
        };
        let bytes: [u8; 32] = raw
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| StoreError::Config("the secret key must be 32 bytes, as 64 hex digits or base64".into()))?;
        Ok(Self::from_bytes(bytes))
    }

    /// Reads `<data_dir>/secret.key`, creating it with fresh random bytes and mode 0600
    /// when it does not exist. Refuses a file that others can read.
    pub fn load_or_create(data_dir: &Path) -> Result<Self, StoreError> {
        let path = data_dir.join(SECRET_FILE);
        let cfg = |what: &str, e: std::io::Error| StoreError::Config(format!("{what} {}: {e}", path.display()));
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let mode = std::fs::metadata(&path).map_err(|e| cfg("cannot stat", e))?.permissions().mode();
                    if mode & 0o077 != 0 {
                        return Err(StoreError::Config(format!(
                            "{} is readable by other users (mode {:o}); run chmod 600 on it",
                            path.display(),
                            mode & 0o777
                        )));
                    }
                }
                Self::parse(&text)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(|e| cfg("cannot create the directory of", e))?;
                let mut bytes = [0u8; 32];
                OsRng.fill_bytes(&mut bytes);
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    opts.mode(0o600);
                }
                let mut f = opts.open(&path).map_err(|e| cfg("cannot create", e))?;
                use std::io::Write;
                f.write_all(format!("{}\n", hex::encode(bytes)).as_bytes()).map_err(|e| cfg("cannot write", e))?;
                f.sync_all().map_err(|e| cfg("cannot sync", e))?;
                Ok(Self::from_bytes(bytes))
            }
            Err(e) => Err(cfg("cannot read", e)),
        }
    }

    fn cipher(&self) -> Result<Aes256Gcm, StoreError> {
        Aes256Gcm::new_from_slice(self.0.as_slice()).map_err(|_| StoreError::Internal("bad secret key length".into()))
    }

    /// Encrypts `plain`, binding it to `aad` (the organization and key id).
    pub(crate) fn seal(&self, plain: &[u8], aad: &str) -> Result<String, StoreError> {
        Ok(format!("v1.{}", URL_SAFE_NO_PAD.encode(self.seal_bytes(plain, aad)?)))
    }

    /// Decrypts what [`SecretKey::seal`] produced with the same `aad`.
    pub(crate) fn open(&self, sealed: &str, aad: &str) -> Result<Vec<u8>, StoreError> {
        let bad =
            || StoreError::Config("a private key cannot be decrypted: wrong MAMORI_SECRET_KEY or secret.key".into());
        let raw = sealed.strip_prefix("v1.").and_then(|s| URL_SAFE_NO_PAD.decode(s).ok()).ok_or_else(bad)?;
        self.open_bytes(&raw, aad).ok_or_else(bad)
    }

    /// AES-256-GCM of `plain` bound to `aad`, as nonce ‖ ciphertext ‖ tag.
    pub(crate) fn seal_bytes(&self, plain: &[u8], aad: &str) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let ct = self
            .cipher()?
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: aad.as_bytes() })
            .map_err(|_| StoreError::Internal("encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Decrypts what [`SecretKey::seal_bytes`] produced with the same `aad`; `None` when it cannot.
    pub(crate) fn open_bytes(&self, raw: &[u8], aad: &str) -> Option<Vec<u8>> {
        if raw.len() < 12 + 16 {
            return None;
        }
        let (nonce, ct) = raw.split_at(12);
        self.cipher().ok()?.decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: aad.as_bytes() }).ok()
    }
}

/// A published public key of an organization.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OrgKeyInfo {
    pub key_id: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
    pub public_pem: String,
}

fn aad(org_id: &str, key_id: &str) -> String {
    format!("mamori-org-key:{org_id}:{key_id}")
}

/// Creates and stores a fresh key for `org_id` inside the caller's transaction.
pub(crate) async fn insert_key<C: ConnectionTrait>(
    conn: &C,
    secret: &SecretKey,
    org_id: &str,
) -> Result<KeyPair, StoreError> {
    let pair = KeyPair::generate(&mut OsRng);
    let der = pair.to_pkcs8_der().map_err(|e| StoreError::Internal(e.to_string()))?;
    let key_id = pair.key_id();
    let sealed = secret.seal(&der, &aad(org_id, &key_id))?;
    let q = Query::insert()
        .into_table(OrgKeys::Table)
        .columns([ChainCol::Id, ChainCol::OrgId, ChainCol::PublicKey, ChainCol::PrivateEnc, ChainCol::CreatedAt])
        .values_panic([
            key_id.into(),
            org_id.into(),
            URL_SAFE_NO_PAD.encode(pair.public().to_bytes()).into(),
            sealed.into(),
            now_ms().into(),
        ])
        .to_owned();
    conn.execute(&q).await?;
    Ok(pair)
}

/// The organization's active key pair, created on first use.
pub(crate) async fn active_key<C: ConnectionTrait>(
    conn: &C,
    secret: &SecretKey,
    org_id: &str,
) -> Result<KeyPair, StoreError> {
    let q = Query::select()
        .columns([ChainCol::Id, ChainCol::PrivateEnc])
        .from(OrgKeys::Table)
        .and_where(Expr::col(ChainCol::OrgId).eq(org_id))
        .and_where(Expr::col(ChainCol::RetiredAt).is_null())
        .order_by(ChainCol::CreatedAt, Order::Desc)
        .to_owned();
    match conn.query_one(&q).await? {
        Some(row) => {
            let key_id: String = row.try_get("", "id")?;
            let sealed: String = row.try_get("", "private_enc")?;
            let der = secret.open(&sealed, &aad(org_id, &key_id))?;
            KeyPair::from_pkcs8_der(&der).map_err(|e| StoreError::Internal(e.to_string()))
        }
        None => insert_key(conn, secret, org_id).await,
    }
}

fn public_from_row(row: &sea_orm::QueryResult) -> Result<PublicKey, StoreError> {
    let text: String = row.try_get("", "public_key")?;
    let raw = URL_SAFE_NO_PAD.decode(text).map_err(|e| StoreError::Internal(e.to_string()))?;
    let bytes: [u8; 32] =
        raw.try_into().map_err(|_| StoreError::Internal("stored public key is not 32 bytes".into()))?;
    PublicKey::from_bytes(&bytes).map_err(|e| StoreError::Internal(e.to_string()))
}

impl Store {
    pub(crate) fn secret(&self) -> Result<&SecretKey, StoreError> {
        self.chain_secret.as_ref().ok_or_else(|| {
            StoreError::Config("no server secret key: set MAMORI_SECRET_KEY or let the server create secret.key".into())
        })
    }

    /// The tenant's keys, newest first; creates the first key when there is none.
    pub async fn org_keys(&self, tenant: &Tenant) -> Result<Vec<OrgKeyInfo>, StoreError> {
        active_key(self.conn(), self.secret()?, tenant.org_id()).await?;
        self.public_keys_of(tenant.org_id())
            .await?
            .into_iter()
            .map(|(k, created, retired)| {
                Ok(OrgKeyInfo {
                    key_id: k.key_id(),
                    created_at: created,
                    retired_at: retired,
                    public_pem: k.to_pem().map_err(|e| StoreError::Internal(e.to_string()))?,
                })
            })
            .collect()
    }

    /// Retires the active key and creates a new one (admins). Retired public keys stay
    /// published, so attestations signed before the rotation still verify.
    pub async fn rotate_org_key(&self, tenant: &Tenant) -> Result<String, StoreError> {
        tenant.require(Role::Admin)?;
        let secret = self.secret()?;
        let txn = self.conn().begin().await?;
        let q = Query::update()
            .table(OrgKeys::Table)
            .value(ChainCol::RetiredAt, now_ms())
            .and_where(Expr::col(ChainCol::OrgId).eq(tenant.org_id()))
            .and_where(Expr::col(ChainCol::RetiredAt).is_null())
            .to_owned();
        txn.execute(&q).await?;
        let pair = insert_key(&txn, secret, tenant.org_id()).await?;
        let key_id = pair.key_id();
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "key.rotate",
                object_type: "org_key",
                object_id: &key_id,
                detail: serde_json::json!({}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(key_id)
    }

    async fn public_keys_of(&self, org_id: &str) -> Result<Vec<(PublicKey, i64, Option<i64>)>, StoreError> {
        let q = Query::select()
            .columns([ChainCol::PublicKey, ChainCol::CreatedAt, ChainCol::RetiredAt])
            .from(OrgKeys::Table)
            .and_where(Expr::col(ChainCol::OrgId).eq(org_id))
            .order_by(ChainCol::CreatedAt, Order::Desc)
            .to_owned();
        self.conn()
            .query_all(&q)
            .await?
            .iter()
            .map(|r| Ok((public_from_row(r)?, r.try_get("", "created_at")?, r.try_get("", "retired_at")?)))
            .collect()
    }

    /// The public JWK set of an organization by slug (public information, no tenant).
    pub async fn public_jwks(&self, org_slug: &str) -> Result<serde_json::Value, StoreError> {
        let org = org_by(self.conn(), Orgs::Slug, org_slug).await?;
        let keys: Vec<Jwk> = self.public_keys_of(&org.id).await?.into_iter().map(|(k, _, _)| k.to_jwk()).collect();
        Ok(serde_json::json!({ "keys": keys }))
    }

    /// Every published public key with the given ids, for verifying envelopes.
    pub async fn public_keys_by_id(&self, ids: &[String]) -> Result<Vec<PublicKey>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let q = Query::select()
            .column(ChainCol::PublicKey)
            .from(OrgKeys::Table)
            .and_where(Expr::col(ChainCol::Id).is_in(ids.to_vec()))
            .to_owned();
        self.conn().query_all(&q).await?.iter().map(public_from_row).collect()
    }
}
