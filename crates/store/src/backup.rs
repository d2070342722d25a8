//! Consistent online backup and restore of the embedded SQLite database.

use std::path::Path;

use sea_orm::ConnectionTrait;

use crate::{DbConfig, Store, StoreError};

impl Store {
    /// Writes a consistent copy of the live SQLite database to `to` (which must not exist).
    /// `VACUUM INTO` reads one snapshot, so writers may continue meanwhile.
    pub async fn backup_to(&self, to: &Path) -> Result<u64, StoreError> {
        if self.sqlite_file.is_none() {
            return Err(StoreError::Config(
                "backup is built in for SQLite only; back up PostgreSQL with pg_dump (see README)".into(),
            ));
        }
        if to.exists() {
            return Err(StoreError::Conflict(format!("{} already exists; choose a new file", to.display())));
        }
        let target = to.to_str().ok_or_else(|| StoreError::Config("backup path must be valid UTF-8".into()))?;
        let sql = format!("VACUUM INTO '{}'", target.replace('\'', "''"));
        self.conn().execute_unprepared(&sql).await?;
        let len = std::fs::metadata(to).map_err(|e| StoreError::Internal(e.to_string()))?.len();
        Ok(len)
    }

    /// Replaces the data directory's database with a backup, after checking the backup opens,
    /// passes SQLite's integrity check and has an intact audit chain. The previous database is
    /// kept beside it as `mamori.db.before-restore-<unix seconds>`. The server must be stopped.
    pub async fn restore_from(data_dir: &Path, from: &Path) -> Result<String, StoreError> {
        if !from.is_file() {
            return Err(StoreError::Config(format!("{} is not a file", from.display())));
        }
        let staging = data_dir.join("restore-staging");
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(|e| StoreError::Internal(e.to_string()))?;
        let staged = DbConfig::sqlite_file(&staging);
        std::fs::copy(from, &staged).map_err(|e| StoreError::Config(format!("cannot read {}: {e}", from.display())))?;
        let check = async {
            let store = Store::connect(&DbConfig::Sqlite { data_dir: staging.clone() }).await?;
            let row = store
                .conn()
                .query_one_raw(sea_orm::Statement::from_string(
                    store.conn().get_database_backend(),
                    "PRAGMA integrity_check",
                ))
                .await?;
            let ok: String = row.map(|r| r.try_get_by_index::<String>(0)).transpose()?.unwrap_or_default();
            if ok != "ok" {
                return Err(StoreError::Config(format!("backup fails SQLite's integrity check: {ok}")));
            }
            if store.applied_migrations().await.map(|m| m.is_empty()).unwrap_or(true) {
                return Err(StoreError::Config("file is not a mamori database".into()));
            }
            let verdict = store.audit_verify().await?;
            store.close().await?;
            match verdict {
                crate::AuditVerify::Intact { entries } => Ok(entries),
                crate::AuditVerify::Broken { seq, reason } => {
                    Err(StoreError::Config(format!("backup's audit chain is broken at entry {seq}: {reason}")))
                }
            }
        };
        let entries = match check.await {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(match e {
                    StoreError::Db(db) => {
                        StoreError::Config(format!("{} is not a usable mamori backup: {db}", from.display()))
                    }
                    other => other,
                });
            }
        };
        let live = DbConfig::sqlite_file(data_dir);
        let mut kept = String::new();
        if live.exists() {
            let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
            let old = data_dir.join(format!("mamori.db.before-restore-{stamp}"));
            std::fs::rename(&live, &old).map_err(|e| StoreError::Internal(e.to_string()))?;
            kept = old.display().to_string();
        }
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(data_dir.join(format!("mamori.db{suffix}")));
        }
        std::fs::rename(&staged, &live).map_err(|e| StoreError::Internal(e.to_string()))?;
        let _ = std::fs::remove_dir_all(&staging);
        Ok(if kept.is_empty() {
            format!("restored {entries} audit entries")
        } else {
            format!("restored {entries} audit entries; previous database kept at {kept}")
        })
    }
}
