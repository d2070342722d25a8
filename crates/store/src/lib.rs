//! Persistence for mamori: one schema and one set of queries for SQLite and PostgreSQL.
//!
//! Only this crate knows SQL. Every query that touches tenant data takes a [`Tenant`],
//! and a `Tenant` can only be produced by authenticating a session or API token, or
//! through the explicit administrative path used by the CLI ([`Store::admin_tenant`]).

mod accounts;
pub mod assess;
mod audit;
mod backup;
mod catalog;
pub mod chain;
mod error;
mod migrations;
mod migrations_intel;
mod platform;
mod schema;
mod secrets;
mod sessions;
mod supply;
mod tenant;
mod tokens;

pub mod demo;
pub mod intel;

use std::path::{Path, PathBuf};
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;

pub use accounts::{
    Invitation, LoginOutcome, Membership, MfaSetup, NewUser, OrgInfo, PasswordPolicy, UserInfo, check_slug,
    normalize_email, totp_now,
};
pub use audit::{AuditEntry, AuditVerify};
pub use catalog::{
    CatalogImportError, CatalogOwner, CatalogView, Coverage, CrosswalkInfo, FrameworkInfo, ImportReport, ImportStatus,
    StoredFramework, SyncReport,
};
pub use chain::{SecretKey, SupplyStatus};
pub use error::StoreError;
pub use platform::{OrgOverview, PlatformAdmin};
pub use sessions::SessionInfo;
pub use supply::SupplierRow;
pub use tenant::{Actor, AdminPath, Role, Tenant};
pub use tokens::{ApiTokenInfo, NewApiToken};

/// Where the data lives.
#[derive(Clone, Debug)]
pub enum DbConfig {
    /// Embedded SQLite in a data directory (the default).
    Sqlite { data_dir: PathBuf },
    /// A PostgreSQL server, by `postgres://` URL.
    Postgres { url: String },
}

impl DbConfig {
    /// The SQLite database file inside a data directory.
    pub fn sqlite_file(data_dir: &Path) -> PathBuf {
        data_dir.join("mamori.db")
    }

    /// A description that is safe to log: PostgreSQL passwords are redacted.
    pub fn redacted(&self) -> String {
        match self {
            DbConfig::Sqlite { data_dir } => format!("sqlite:{}", Self::sqlite_file(data_dir).display()),
            DbConfig::Postgres { url } => redact_url(url),
        }
    }
}

/// Replaces the password in a `scheme://user:password@host/...` URL with `***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else { return url.to_string() };
    let rest = &url[scheme_end + 3..];
    let Some(at) = rest.find('@') else { return url.to_string() };
    let userinfo = &rest[..at];
    match userinfo.find(':') {
        Some(colon) => format!("{}://{}:***{}", &url[..scheme_end], &userinfo[..colon], &rest[at..]),
        None => url.to_string(),
    }
}

/// The handle every caller uses. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    sqlite_file: Option<PathBuf>,
    catalog_cache: catalog::SharedCache,
    match_cache: intel::MatchCache,
    chain_secret: Option<SecretKey>,
}

impl Store {
    /// Connects (creating the SQLite file when needed) without running migrations.
    pub async fn connect(config: &DbConfig) -> Result<Store, StoreError> {
        match config {
            DbConfig::Sqlite { data_dir } => {
                std::fs::create_dir_all(data_dir).map_err(|e| {
                    StoreError::Config(format!("cannot create data directory {}: {e}", data_dir.display()))
                })?;
                let file = DbConfig::sqlite_file(data_dir);
                let mut opts = ConnectOptions::new(format!("sqlite://{}", file.display()));
                // One connection: SQLite serialises writers anyway, and a single connection
                // means no SQLITE_BUSY upgrades inside transactions.
                opts.max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None::<Duration>)
                    .max_lifetime(None::<Duration>)
                    .sqlx_logging(false)
                    .map_sqlx_sqlite_opts(|o| {
                        o.create_if_missing(true)
                            .journal_mode(SqliteJournalMode::Wal)
                            .synchronous(SqliteSynchronous::Normal)
                            .foreign_keys(true)
                            .busy_timeout(Duration::from_secs(10))
                            // Up to 64 MiB of page cache (filled only as pages are read), so
                            // large indexes stay in memory during bulk STIX ingest.
                            .pragma("cache_size", "-65536")
                            // Checkpoint once the WAL holds 64 MiB instead of SQLite's 4 MiB: a
                            // bulk ingest dirties index pages all over the file, and each
                            // checkpoint writes every page dirtied since the last one once, so
                            // rarer checkpoints write the hot pages fewer times. Crash safety is
                            // unchanged (WAL, synchronous=NORMAL); the WAL file is cut back to
                            // 64 MiB after a checkpoint.
                            .pragma("wal_autocheckpoint", "16384")
                            .pragma("journal_size_limit", "67108864")
                    });
                let db = Database::connect(opts).await.map_err(StoreError::from)?;
                Ok(Store {
                    db,
                    sqlite_file: Some(file),
                    catalog_cache: Default::default(),
                    match_cache: Default::default(),
                    chain_secret: None,
                })
            }
            DbConfig::Postgres { url } => {
                let mut opts = ConnectOptions::new(url.clone());
                opts.max_connections(16)
                    .min_connections(1)
                    .connect_timeout(Duration::from_secs(10))
                    .acquire_timeout(Duration::from_secs(10))
                    .sqlx_logging(false);
                let db = Database::connect(opts).await.map_err(StoreError::from)?;
                Ok(Store {
                    db,
                    sqlite_file: None,
                    catalog_cache: Default::default(),
                    match_cache: Default::default(),
                    chain_secret: None,
                })
            }
        }
    }

    /// Connects and brings the schema up to date.
    pub async fn open(config: &DbConfig) -> Result<Store, StoreError> {
        let store = Self::connect(config).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies every pending embedded migration; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let pending = migrations::Migrator::get_pending_migrations(&self.db).await?.len();
        migrations::Migrator::up(&self.db, None).await?;
        Ok(pending)
    }

    /// Names of the migrations already applied, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<String>, StoreError> {
        let applied = migrations::Migrator::get_applied_migrations(&self.db).await?;
        Ok(applied.iter().map(|m| m.name().to_string()).collect())
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.db.get_database_backend() {
            DbBackend::Sqlite => "sqlite",
            DbBackend::Postgres => "postgres",
            _ => "other",
        }
    }

    /// Checks that the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    /// Closes the pool, flushing SQLite's WAL on the way out.
    pub async fn close(self) -> Result<(), StoreError> {
        if self.sqlite_file.is_some() {
            // Best effort: a checkpoint keeps the main file self-contained after shutdown.
            let _ = self.db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await;
        }
        self.db.close().await?;
        Ok(())
    }

    /// Sets the server secret that encrypts organization signing keys (see `chain::keys`).
    pub fn with_secret_key(mut self, key: SecretKey) -> Store {
        self.chain_secret = Some(key);
        self
    }

    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    pub(crate) fn catalog_cache(&self) -> &catalog::SharedCache {
        &self.catalog_cache
    }

    pub(crate) fn match_cache(&self) -> &intel::MatchCache {
        &self.match_cache
    }
}

/// Milliseconds since the Unix epoch; the one clock read of the store.
pub(crate) fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Refuses text that cannot name anything stored: PostgreSQL rejects NUL in text parameters
/// with an error, so a request carrying one would otherwise surface as a 500.
pub(crate) fn lookup_key(s: &str) -> Result<&str, StoreError> {
    if s.contains('\0') { Err(StoreError::NotFound) } else { Ok(s) }
}

/// A fresh, time-ordered identifier.
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_in_database_urls_are_redacted() {
        assert_eq!(redact_url("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
