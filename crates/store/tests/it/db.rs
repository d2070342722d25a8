//! A fresh database per test: a temporary SQLite data directory, or a new PostgreSQL
//! database when `MAMORI_TEST_DATABASE_URL` is set. Shared with the web tests via `#[path]`.

use std::path::PathBuf;

use mamori_store::{DbConfig, Store};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

/// The variable that switches every test to PostgreSQL.
pub const PG_ENV: &str = "MAMORI_TEST_DATABASE_URL";

/// One test's private database. Dropping it removes the directory or drops the database.
pub struct TestDb {
    pub config: DbConfig,
    dir: Option<tempfile::TempDir>,
    pg: Option<PgDb>,
}

struct PgDb {
    admin_url: String,
    name: String,
    url: String,
}

/// Replaces the database name in a `postgres://…/name?params` URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

impl TestDb {
    /// A new, empty database on the backend chosen by the environment.
    pub async fn new() -> TestDb {
        match std::env::var(PG_ENV).ok().filter(|v| !v.trim().is_empty()) {
            Some(admin_url) => {
                let name = format!("mamori_t_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(admin_url.as_str()).await.expect("connect to MAMORI_TEST_DATABASE_URL");
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
                admin.close().await.expect("close admin connection");
                let url = with_database(&admin_url, &name);
                TestDb {
                    config: DbConfig::Postgres { url: url.clone() },
                    dir: None,
                    pg: Some(PgDb { admin_url, name, url }),
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("temporary directory");
                TestDb { config: DbConfig::Sqlite { data_dir: dir.path().to_path_buf() }, dir: Some(dir), pg: None }
            }
        }
    }

    /// A fresh database with the schema applied.
    pub async fn open() -> (TestDb, Store) {
        let db = TestDb::new().await;
        // A running server always has a secret key (it creates one on first start).
        let store = Store::open(&db.config)
            .await
            .expect("open store")
            .with_secret_key(mamori_store::SecretKey::from_bytes([5; 32]));
        (db, store)
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// The SQLite data directory (None on PostgreSQL).
    pub fn data_dir(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.path().to_path_buf())
    }

    /// A second connection, outside the store, for raw SQL (e.g. tampering with the log).
    pub async fn raw(&self) -> DatabaseConnection {
        let url = match (&self.pg, &self.dir) {
            (Some(pg), _) => pg.url.clone(),
            (None, Some(dir)) => format!("sqlite://{}", DbConfig::sqlite_file(dir.path()).display()),
            (None, None) => unreachable!("a test database is SQLite or PostgreSQL"),
        };
        Database::connect(url.as_str()).await.expect("raw connection")
    }
}

/// Runs one raw statement and returns the rows it changed.
pub async fn exec(conn: &DatabaseConnection, sql: &str) -> u64 {
    conn.execute_raw(Statement::from_string(conn.get_database_backend(), sql.to_string()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .rows_affected()
}

/// Runs one raw query and returns each row's columns as strings (NULL as None).
pub async fn rows(conn: &DatabaseConnection, sql: &str, columns: &[&str]) -> Vec<Vec<Option<String>>> {
    let backend: DbBackend = conn.get_database_backend();
    let found = conn
        .query_all_raw(Statement::from_string(backend, sql.to_string()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    found
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|c| {
                    r.try_get::<Option<String>>("", c)
                        .or_else(|_| r.try_get::<Option<i64>>("", c).map(|v| v.map(|n| n.to_string())))
                        .unwrap_or_else(|e| panic!("column {c}: {e}"))
                })
                .collect()
        })
        .collect()
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(pg) = self.pg.take() else { return };
        // Drop runs inside the test's runtime, so the clean-up gets a thread and runtime of its own.
        let done = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                if let Ok(admin) = Database::connect(pg.admin_url.as_str()).await {
                    let _ =
                        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", pg.name)).await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = done.join();
    }
}

#[test]
fn database_names_are_replaced_in_postgres_urls() {
    assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
    assert_eq!(with_database("postgres://u:p@h/db?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
    assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
}
