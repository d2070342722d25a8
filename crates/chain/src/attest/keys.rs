//! Ed25519 key material for organizations and reviewers: generation from
//! caller-supplied randomness, key ids, and PEM/JWK/PKCS#8 import and export.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, spki::der::pem::LineEnding,
};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Problems importing key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The PEM or DER structure is not an Ed25519 SubjectPublicKeyInfo / PKCS#8 key.
    #[error("not an Ed25519 {what}: {detail}")]
    Encoding {
        /// Which format was expected.
        what: &'static str,
        /// Decoder message.
        detail: String,
    },
    /// A JWK member is missing or has the wrong value (RFC 8037 §2).
    #[error("invalid Ed25519 JWK: member {member:?} {problem}")]
    Jwk {
        /// The JWK member name.
        member: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// The 32 bytes are not a valid Ed25519 point.
    #[error("invalid Ed25519 public key bytes")]
    InvalidPoint,
}

/// An Ed25519 public key with its key id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
}

impl PublicKey {
    /// Builds a public key from its 32 raw bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        VerifyingKey::from_bytes(bytes).map(|key| Self { key }).map_err(|_| KeyError::InvalidPoint)
    }

    /// The 32 raw bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The key id: the RFC 7638 JWK thumbprint (base64url SHA-256 of the
    /// canonical `{"crv","kty","x"}` JWK, RFC 8037 §A.3), 43 characters.
    ///
    /// We chose the standard thumbprint over an ad-hoc truncated hash so that
    /// any JOSE library can recompute the id from a published JWK.
    pub fn key_id(&self) -> String {
        let x = URL_SAFE_NO_PAD.encode(self.key.as_bytes());
        let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
        URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
    }

    /// SubjectPublicKeyInfo PEM (RFC 8410), LF line endings.
    pub fn to_pem(&self) -> Result<String, KeyError> {
        self.key
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| KeyError::Encoding { what: "SubjectPublicKeyInfo", detail: e.to_string() })
    }

    /// Parses a SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        VerifyingKey::from_public_key_pem(pem.trim())
            .map(|key| Self { key })
            .map_err(|e| KeyError::Encoding { what: "SubjectPublicKeyInfo PEM", detail: e.to_string() })
    }

    /// The public JWK (RFC 8037) including `kid`, `alg` and `use`.
    pub fn to_jwk(&self) -> Jwk {
        Jwk {
            kty: "OKP".to_owned(),
            crv: "Ed25519".to_owned(),
            x: URL_SAFE_NO_PAD.encode(self.key.as_bytes()),
            kid: Some(self.key_id()),
            alg: Some("EdDSA".to_owned()),
            key_use: Some("sig".to_owned()),
        }
    }

    /// Imports a public JWK. A present `kid` must equal the thumbprint, so a
    /// published key cannot claim another key's id.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, KeyError> {
        if jwk.kty != "OKP" {
            return Err(jwk_err("kty", format!("must be \"OKP\", got {:?}", jwk.kty)));
        }
        if jwk.crv != "Ed25519" {
            return Err(jwk_err("crv", format!("must be \"Ed25519\", got {:?}", jwk.crv)));
        }
        let raw =
            URL_SAFE_NO_PAD.decode(jwk.x.as_bytes()).map_err(|e| jwk_err("x", format!("is not base64url: {e}")))?;
        let bytes: [u8; 32] = raw
            .as_slice()
            .try_into()
            .map_err(|_| jwk_err("x", format!("must decode to 32 bytes, got {}", raw.len())))?;
        let key = Self::from_bytes(&bytes)?;
        if let Some(kid) = &jwk.kid
            && *kid != key.key_id()
        {
            return Err(jwk_err("kid", "does not match the RFC 7638 thumbprint".to_owned()));
        }
        Ok(key)
    }

    pub(crate) fn verify_strict(&self, message: &[u8], sig: &Signature) -> bool {
        self.key.verify_strict(message, sig).is_ok()
    }
}

fn jwk_err(member: &'static str, problem: String) -> KeyError {
    KeyError::Jwk { member, problem }
}

/// A public JSON Web Key for Ed25519 (RFC 8037 §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// Key type, always `OKP`.
    pub kty: String,
    /// Curve, always `Ed25519`.
    pub crv: String,
    /// base64url public key.
    pub x: String,
    /// Key id (RFC 7638 thumbprint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Algorithm, `EdDSA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// Intended use, `sig`.
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
}

/// An Ed25519 signing key. Encrypting it at rest is the store's job.
#[derive(Clone)]
pub struct KeyPair {
    key: SigningKey,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secret material.
        f.debug_struct("KeyPair").field("key_id", &self.public().key_id()).finish_non_exhaustive()
    }
}

impl KeyPair {
    /// Derives the key from a 32-byte seed (RFC 8032 private key).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self { key: SigningKey::from_bytes(seed) }
    }

    /// Generates a key from a caller-provided cryptographic RNG.
    pub fn generate<R: rand_core::CryptoRngCore + ?Sized>(rng: &mut R) -> Self {
        Self { key: SigningKey::generate(rng) }
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey { key: self.key.verifying_key() }
    }

    /// The key id of the public half.
    pub fn key_id(&self) -> String {
        self.public().key_id()
    }

    /// PKCS#8 DER of the private key (RFC 8410 `OneAsymmetricKey` v2, which
    /// also carries the public key).
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, KeyError> {
        self.key
            .to_pkcs8_der()
            .map(|doc| doc.as_bytes().to_vec())
            .map_err(|e| KeyError::Encoding { what: "PKCS#8 private key", detail: e.to_string() })
    }

    /// Imports a PKCS#8 DER private key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        SigningKey::from_pkcs8_der(der)
            .map(|key| Self { key })
            .map_err(|e| KeyError::Encoding { what: "PKCS#8 private key", detail: e.to_string() })
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Signature {
        self.key.sign(message)
    }
}

/// Looks up trusted public keys by key id.
///
/// Binding a key to its organization (for example by fetching it from the
/// organization's well-known URL) is the resolver's responsibility.
pub trait KeyResolver {
    /// The key with this id, if trusted.
    fn resolve(&self, key_id: &str) -> Option<PublicKey>;
}

impl KeyResolver for [PublicKey] {
    fn resolve(&self, key_id: &str) -> Option<PublicKey> {
        self.iter().find(|k| k.key_id() == key_id).copied()
    }
}

impl KeyResolver for Vec<PublicKey> {
    fn resolve(&self, key_id: &str) -> Option<PublicKey> {
        self.as_slice().resolve(key_id)
    }
}

impl<const N: usize> KeyResolver for [PublicKey; N] {
    fn resolve(&self, key_id: &str) -> Option<PublicKey> {
        self.as_slice().resolve(key_id)
    }
}
