//! Key ids, PEM, JWK and PKCS#8 handling against RFC 8037 and RFC 8410 examples.

use mamori_chain::attest::{Jwk, KeyPair, PublicKey};

/// RFC 8032 §7.1 TEST 1 secret key; RFC 8037 Appendix A uses the same key.
const RFC8032_TEST1_SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5,
    0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];

#[test]
fn key_id_is_the_rfc8037_appendix_a3_jwk_thumbprint() {
    let key = KeyPair::from_seed(&RFC8032_TEST1_SEED);
    let jwk = key.public().to_jwk();
    assert_eq!(jwk.x, "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
    assert_eq!(key.key_id(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

#[test]
fn rfc8410_private_key_example_imports_and_yields_the_section_10_1_public_key() {
    // RFC 8410 §10.3 private key and §10.1 public key.
    use base64::Engine as _;
    let der = base64::engine::general_purpose::STANDARD
        .decode("MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC")
        .unwrap();
    let key = KeyPair::from_pkcs8_der(&der).unwrap();
    let pem = key.public().to_pem().unwrap();
    assert_eq!(
        pem,
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n"
    );
    assert_eq!(PublicKey::from_pem(&pem).unwrap(), key.public());
    let exported = key.to_pkcs8_der().unwrap();
    assert_eq!(KeyPair::from_pkcs8_der(&exported).unwrap().public(), key.public());
}

#[test]
fn jwk_round_trips_and_rejects_wrong_members() {
    let key = KeyPair::from_seed(&[7; 32]).public();
    let jwk = key.to_jwk();
    let text = serde_json::to_string(&jwk).unwrap();
    let back: Jwk = serde_json::from_str(&text).unwrap();
    assert_eq!(PublicKey::from_jwk(&back).unwrap(), key);

    let check = |mutate: fn(&mut Jwk), member: &str| {
        let mut bad = jwk.clone();
        mutate(&mut bad);
        let err = PublicKey::from_jwk(&bad).unwrap_err().to_string();
        assert!(err.contains(member), "{err}");
    };
    check(|j| j.kty = "EC".into(), "\"kty\"");
    check(|j| j.crv = "X25519".into(), "\"crv\"");
    check(|j| j.x = "AAAA".into(), "\"x\"");
    check(|j| j.x = "!!".into(), "\"x\"");
    check(|j| j.kid = Some("someone-else".into()), "\"kid\"");
}

#[test]
fn generated_keys_differ_and_garbage_pem_is_rejected() {
    let mut rng = rand::rngs::OsRng;
    let a = KeyPair::generate(&mut rng);
    let b = KeyPair::generate(&mut rng);
    assert_ne!(a.key_id(), b.key_id());
    assert!(PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err());
    assert!(KeyPair::from_pkcs8_der(b"not der").is_err());
    assert!(!format!("{a:?}").contains("secret"));
}
