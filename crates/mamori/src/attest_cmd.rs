//! `mamori attest verify`: offline verification of an attestation envelope against a
//! public key file (PEM, JWK or JWK set) and an optional revocation list file.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Subcommand;
use mamori_chain::attest::{Jwk, PublicKey, RevocationList, Role};

#[derive(Subcommand, Debug)]
pub enum AttestCmd {
    /// Verify an attestation envelope offline. Exit code 0: valid; 2: invalid.
    Verify {
        /// The envelope (JSON) to verify.
        file: PathBuf,
        /// Trusted public key(s): PEM, a JWK, or a JWK set such as
        /// /.well-known/mamori/keys/<org>.json. Repeat for the reviewer's key.
        #[arg(long = "key", required = true)]
        keys: Vec<PathBuf>,
        /// A revocation list (JSON) such as /.well-known/mamori/revocations/<org>.json.
        #[arg(long)]
        revocations: Option<PathBuf>,
        /// Verify as of this time (RFC 3339) instead of now.
        #[arg(long)]
        at: Option<String>,
    },
}

fn read(path: &Path, limit: u64) -> anyhow::Result<Vec<u8>> {
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.len() > limit {
        bail!("{} is larger than {limit} bytes", path.display());
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Loads every public key in a PEM, JWK or JWK-set file.
pub fn load_keys(path: &Path) -> anyhow::Result<Vec<PublicKey>> {
    let text =
        String::from_utf8(read(path, 1024 * 1024)?).with_context(|| format!("{} is not UTF-8", path.display()))?;
    let t = text.trim();
    if t.starts_with("-----BEGIN") {
        return Ok(vec![
            PublicKey::from_pem(t).with_context(|| format!("{} is not an Ed25519 public key", path.display()))?,
        ]);
    }
    let value: serde_json::Value =
        serde_json::from_str(t).with_context(|| format!("{} is neither PEM nor JSON", path.display()))?;
    let jwks: Vec<Jwk> = match value.get("keys") {
        Some(keys) => serde_json::from_value(keys.clone())?,
        None => vec![serde_json::from_value(value)?],
    };
    let keys = jwks
        .iter()
        .map(PublicKey::from_jwk)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("bad key in {}", path.display()))?;
    if keys.is_empty() {
        bail!("{} holds no keys", path.display());
    }
    Ok(keys)
}

/// Runs the command; returns the process exit code.
pub fn run(cmd: AttestCmd) -> anyhow::Result<std::process::ExitCode> {
    let AttestCmd::Verify { file, keys, revocations, at } = cmd;
    let envelope = read(&file, 4 * 1024 * 1024)?;
    let mut trusted = Vec::new();
    for k in &keys {
        trusted.extend(load_keys(k)?);
    }
    let revoked: RevocationList = match &revocations {
        Some(p) => serde_json::from_slice(&read(p, 16 * 1024 * 1024)?)
            .with_context(|| format!("{} is not a revocation list", p.display()))?,
        None => RevocationList::new(),
    };
    let now = match at {
        Some(s) => time::OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
            .with_context(|| format!("--at {s} is not an RFC 3339 time"))?,
        None => time::OffsetDateTime::now_utc(),
    };
    match mamori_chain::verify(&envelope, &trusted, now, &revoked) {
        Ok(v) => {
            let a = &v.attestation;
            println!("VALID: {} — {} ({})", a.verdict, a.subject.name, a.subject.id);
            println!("  framework: {} {}", a.framework.id, a.framework.version);
            println!("  valid: {} to {}", a.valid_from, a.valid_until);
            println!("  signed by {}: {}", Role::Subject, v.subject_key_id);
            if let (Some(k), Some(r)) = (&v.reviewer_key_id, &a.review) {
                println!("  countersigned by {} {} ({}): {k}", Role::Reviewer, r.reviewer_name, r.reviewer_id);
            }
            println!("  pledge: {} ({})", a.pledge.signer_name, a.pledge.signer_title);
            println!("  digest: sha256:{}", v.digest);
            Ok(std::process::ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("INVALID: {e}");
            Ok(std::process::ExitCode::from(2))
        }
    }
}
