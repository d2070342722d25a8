//! Migrations are embedded, idempotent and leave data alone when run again.

use mamori_store::Store;

use crate::db::TestDb;
use crate::fixtures::{cli, new_user};

#[tokio::test]
async fn migrating_twice_applies_every_migration_once_and_keeps_data() {
    let db = TestDb::new().await;
    let store = Store::connect(&db.config).await.unwrap();
    let first = store.migrate().await.unwrap();
    assert!(first >= 1, "a fresh database runs every migration");
    let applied = store.applied_migrations().await.unwrap();
    assert_eq!(applied.len(), first);

    let user = store.create_user(new_user("keep@example.com"), false, &cli()).await.unwrap();
    assert_eq!(store.migrate().await.unwrap(), 0, "nothing is pending the second time");
    assert_eq!(store.applied_migrations().await.unwrap(), applied);

    // Opening again (as every start does) migrates nothing and keeps the rows.
    let again = Store::open(&db.config).await.unwrap();
    assert_eq!(again.migrate().await.unwrap(), 0);
    assert_eq!(again.user(&user.id).await.unwrap().email, "keep@example.com");
    assert!(matches!(again.audit_verify().await.unwrap(), mamori_store::AuditVerify::Intact { entries: 1 }));
}

#[tokio::test]
async fn the_store_reports_its_backend_and_answers_pings() {
    let (db, store) = TestDb::open().await;
    let expected = if db.is_postgres() { "postgres" } else { "sqlite" };
    assert_eq!(store.backend_name(), expected);
    store.ping().await.unwrap();
}
