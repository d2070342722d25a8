//! SQLite online backup and restore: a round trip keeps the data, and a bad file is
//! refused with a clear error while the live database stays as it was.

use std::path::Path;

use mamori_store::{AuditVerify, DbConfig, Store, StoreError};
use sea_orm::{ConnectionTrait, Database};

use crate::db::{TestDb, exec};
use crate::fixtures::{cli, new_user, tenant_with_owner};

/// The SQLite-only tests stop here on PostgreSQL, where backups are pg_dump's job.
fn sqlite_dir(db: &TestDb) -> Option<std::path::PathBuf> {
    db.data_dir()
}

fn file_bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[tokio::test]
async fn a_backup_restores_exactly_the_data_it_was_taken_with() {
    let (db, store) = TestDb::open().await;
    let Some(dir) = sqlite_dir(&db) else { return };
    let (owner, org, _) = tenant_with_owner(&store, "backup@example.com", "Backup Org").await;
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("mamori-backup.db");
    let size = store.backup_to(&file).await.unwrap();
    assert!(size > 0 && file.is_file());
    assert!(matches!(store.backup_to(&file).await, Err(StoreError::Conflict(_))), "never overwrites");

    // A change after the backup, which the restore must undo.
    let later = store.create_org(&owner, "After Backup", None, Some("after-backup")).await.unwrap();
    store.close().await.unwrap();

    let message = Store::restore_from(&dir, &file).await.unwrap();
    assert!(message.contains("restored") && message.contains("before-restore"), "{message}");
    let kept =
        std::fs::read_dir(&dir).unwrap().flatten().any(|e| e.file_name().to_string_lossy().contains("before-restore"));
    assert!(kept, "the previous database is kept beside the restored one");

    let store = Store::open(&DbConfig::Sqlite { data_dir: dir }).await.unwrap();
    assert_eq!(store.org_by_slug(&org.slug).await.unwrap().id, org.id);
    assert!(matches!(store.org_by_slug(&later.slug).await, Err(StoreError::NotFound)));
    assert_eq!(store.user(&owner.id).await.unwrap().email, "backup@example.com");
    assert!(matches!(store.audit_verify().await.unwrap(), AuditVerify::Intact { entries: 1 }));
}

/// Restores `file` over a live database and checks the refusal leaves it untouched.
async fn refused(db: &TestDb, store: Store, file: &Path) -> String {
    let dir = db.data_dir().unwrap();
    let live = DbConfig::sqlite_file(&dir);
    store.close().await.unwrap();
    let before = file_bytes(&live);
    let err = Store::restore_from(&dir, file).await.expect_err("restore must refuse");
    assert_eq!(file_bytes(&live), before, "the live database is untouched");
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!leftovers.iter().any(|n| n.to_string_lossy().contains("restore")), "{leftovers:?}");
    let reopened = Store::open(&DbConfig::Sqlite { data_dir: dir }).await.unwrap();
    assert!(reopened.org_by_slug("live-org").await.is_ok(), "the live data is still there");
    err.to_string()
}

#[tokio::test]
async fn restore_refuses_a_corrupt_file_and_leaves_the_live_database_untouched() {
    let (db, store) = TestDb::open().await;
    if sqlite_dir(&db).is_none() {
        return;
    }
    tenant_with_owner(&store, "live@example.com", "Live Org").await;
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("corrupt.db");
    let good = out.path().join("good.db");
    store.backup_to(&good).await.unwrap();
    // A real backup with its pages scrambled past the header.
    let mut bytes = file_bytes(&good);
    for b in bytes.iter_mut().skip(100).step_by(7) {
        *b ^= 0x5a;
    }
    std::fs::write(&file, bytes).unwrap();
    let message = refused(&db, store, &file).await;
    assert!(message.contains("corrupt.db is not a usable mamori backup"), "{message}");
}

#[tokio::test]
async fn restore_refuses_a_file_that_is_not_a_database_at_all() {
    let (db, store) = TestDb::open().await;
    if sqlite_dir(&db).is_none() {
        return;
    }
    tenant_with_owner(&store, "live@example.com", "Live Org").await;
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("notes.txt");
    std::fs::write(&file, "these are not the pages you are looking for\n".repeat(200)).unwrap();
    let message = refused(&db, store, &file).await;
    assert!(message.contains("notes.txt is not a usable mamori backup"), "{message}");
    assert!(message.contains("not a database"), "{message}");
}

#[tokio::test]
async fn restore_refuses_a_sqlite_file_that_is_not_a_mamori_database() {
    let (db, store) = TestDb::open().await;
    if sqlite_dir(&db).is_none() {
        return;
    }
    tenant_with_owner(&store, "live@example.com", "Live Org").await;
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("other.db");
    let other = Database::connect(format!("sqlite://{}?mode=rwc", file.display()).as_str()).await.unwrap();
    other.execute_unprepared("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)").await.unwrap();
    other.execute_unprepared("INSERT INTO recipes (name) VALUES ('oden')").await.unwrap();
    other.close().await.unwrap();
    let message = refused(&db, store, &file).await;
    assert!(message.contains("not a mamori database"), "{message}");
}

#[tokio::test]
async fn restore_refuses_a_backup_whose_audit_chain_was_tampered_with() {
    let (db, store) = TestDb::open().await;
    if sqlite_dir(&db).is_none() {
        return;
    }
    let (owner, _, _) = tenant_with_owner(&store, "live@example.com", "Live Org").await;
    store.create_org(&owner, "Second", None, Some("second")).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("tampered.db");
    store.backup_to(&file).await.unwrap();
    let conn = Database::connect(format!("sqlite://{}", file.display()).as_str()).await.unwrap();
    assert_eq!(exec(&conn, "UPDATE audit_log SET actor = 'cli:nobody' WHERE seq = 2").await, 1);
    conn.close().await.unwrap();
    let message = refused(&db, store, &file).await;
    assert!(message.contains("audit chain is broken at entry 2"), "{message}");
}

#[tokio::test]
async fn backup_on_postgres_points_to_pg_dump() {
    let (db, store) = TestDb::open().await;
    if !db.is_postgres() {
        return;
    }
    store.create_user(new_user("pg@example.com"), false, &cli()).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let err = store.backup_to(&out.path().join("x.db")).await.expect_err("SQLite only");
    assert!(err.to_string().contains("pg_dump"), "{err}");
}
