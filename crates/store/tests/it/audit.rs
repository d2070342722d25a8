//! The hash-chained audit log: tampering is found at the right entry, and concurrent
//! writers keep the chain whole.

use mamori_store::{AuditVerify, Role, Store};

use crate::db::{TestDb, exec, rows};
use crate::fixtures::{cli, cli_tenant, new_user};

/// A store with `n + 2` audit entries and no tenant-less surprises: one user, one
/// organization, then `n` invitations.
async fn chain(store: &Store, n: usize) -> i64 {
    let user = store.create_user(new_user("chain@example.com"), false, &cli()).await.unwrap();
    let org = store.create_org(&user, "Chain Org", None, Some("chain-org")).await.unwrap();
    let t = cli_tenant(store, &org.slug).await;
    for i in 0..n {
        store.invite(&t, &format!("guest{i}@example.com"), Role::Viewer).await.unwrap();
    }
    match store.audit_verify().await.unwrap() {
        AuditVerify::Intact { entries } => {
            assert_eq!(entries, n as i64 + 2);
            entries
        }
        broken => panic!("fresh chain is broken: {broken:?}"),
    }
}

fn broken_at(v: AuditVerify) -> (i64, String) {
    match v {
        AuditVerify::Broken { seq, reason } => (seq, reason),
        AuditVerify::Intact { entries } => panic!("tampering went unnoticed ({entries} entries intact)"),
    }
}

#[tokio::test]
async fn editing_an_entrys_action_breaks_the_chain_at_that_entry() {
    let (db, store) = TestDb::open().await;
    chain(&store, 4).await;
    let raw = db.raw().await;
    assert_eq!(exec(&raw, "UPDATE audit_log SET action = 'org.delete' WHERE seq = 3").await, 1);
    let (seq, reason) = broken_at(store.audit_verify().await.unwrap());
    assert_eq!(seq, 3, "{reason}");
    assert!(reason.contains("hash"), "{reason}");
}

#[tokio::test]
async fn editing_an_entrys_detail_breaks_the_chain_at_that_entry() {
    let (db, store) = TestDb::open().await;
    chain(&store, 4).await;
    let raw = db.raw().await;
    exec(&raw, r#"UPDATE audit_log SET detail = '{"email":"mallory@example.com","role":"owner"}' WHERE seq = 4"#).await;
    let (seq, reason) = broken_at(store.audit_verify().await.unwrap());
    assert_eq!(seq, 4);
    assert!(reason.contains("digest"), "{reason}");
}

#[tokio::test]
async fn rewriting_detail_and_digest_together_still_breaks_the_entry_hash() {
    let (db, store) = TestDb::open().await;
    chain(&store, 3).await;
    let raw = db.raw().await;
    // The digest of `{}` is SHA-256 of those two bytes; the stored hash no longer covers it.
    let digest = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    exec(&raw, &format!("UPDATE audit_log SET detail = '{{}}', digest = '{digest}' WHERE seq = 2")).await;
    let (seq, reason) = broken_at(store.audit_verify().await.unwrap());
    assert_eq!(seq, 2);
    assert!(reason.contains("hash does not match"), "{reason}");
}

#[tokio::test]
async fn deleting_the_last_entry_is_reported_as_a_truncated_log() {
    let (db, store) = TestDb::open().await;
    let total = chain(&store, 3).await;
    let raw = db.raw().await;
    assert_eq!(exec(&raw, &format!("DELETE FROM audit_log WHERE seq = {total}")).await, 1);
    let (seq, reason) = broken_at(store.audit_verify().await.unwrap());
    assert_eq!(seq, total);
    assert!(reason.contains("truncated"), "{reason}");
}

#[tokio::test]
async fn deleting_a_middle_entry_is_reported_as_missing() {
    let (db, store) = TestDb::open().await;
    chain(&store, 4).await;
    let raw = db.raw().await;
    assert_eq!(exec(&raw, "DELETE FROM audit_log WHERE seq = 3").await, 1);
    let (seq, reason) = broken_at(store.audit_verify().await.unwrap());
    assert_eq!(seq, 3);
    assert!(reason.contains("missing"), "{reason}");
}

#[tokio::test]
async fn swapping_two_entries_breaks_the_chain() {
    let (db, store) = TestDb::open().await;
    chain(&store, 3).await;
    let raw = db.raw().await;
    exec(&raw, "UPDATE audit_log SET seq = 1000 WHERE seq = 3").await;
    exec(&raw, "UPDATE audit_log SET seq = 3 WHERE seq = 4").await;
    exec(&raw, "UPDATE audit_log SET seq = 4 WHERE seq = 1000").await;
    let (seq, _) = broken_at(store.audit_verify().await.unwrap());
    assert_eq!(seq, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_writers_keep_the_chain_intact() {
    let (db, store) = TestDb::open().await;
    let before = chain(&store, 0).await;
    let t = cli_tenant(&store, "chain-org").await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (store, t) = (store.clone(), t.clone());
        tasks.push(tokio::spawn(async move { store.invite(&t, &format!("c{i}@example.com"), Role::Viewer).await }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(store.audit_verify().await.unwrap(), AuditVerify::Intact { entries: before + 50 });
    let raw = db.raw().await;
    let seqs = rows(&raw, "SELECT seq FROM audit_log ORDER BY seq", &["seq"]).await;
    let seqs: Vec<i64> = seqs.iter().map(|r| r[0].as_deref().unwrap().parse().unwrap()).collect();
    assert_eq!(seqs, (1..=before + 50).collect::<Vec<_>>(), "sequence numbers are dense and unique");
    assert_eq!(store.invitations(&t).await.unwrap().len(), 50);
}
