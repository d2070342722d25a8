//! Configuration: command-line flags win over environment variables, which win over the
//! optional TOML file (`--config` / `MAMORI_CONFIG`), which wins over defaults.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use mamori_store::DbConfig;
use serde::Deserialize;

/// Where the data lives; accepted by every subcommand that touches data.
#[derive(Args, Debug, Clone, Default)]
pub struct DbArgs {
    /// Directory of the embedded SQLite database [default: ./mamori-data].
    #[arg(long, env = "MAMORI_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); when set, SQLite is not used.
    #[arg(long, env = "MAMORI_DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// A TOML file with any of: listen, data_dir, database_url, log_format, public_url,
    /// secure_cookies, body_limit, import_body_limit, request_timeout_secs, dev, login_burst,
    /// login_per_minute, api_burst, api_per_minute.
    #[arg(long, env = "MAMORI_CONFIG", global = true)]
    pub config: Option<PathBuf>,
}

/// The file form of the settings. Unknown keys are an error, so typos do not go unnoticed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub log_format: Option<String>,
    pub public_url: Option<String>,
    pub secure_cookies: Option<bool>,
    pub body_limit: Option<usize>,
    /// Largest catalog file accepted by the import API and the upload on /frameworks (bytes).
    pub import_body_limit: Option<usize>,
    pub request_timeout_secs: Option<u64>,
    pub dev: Option<bool>,
    pub login_burst: Option<u32>,
    pub login_per_minute: Option<u32>,
    /// REST and TAXII requests allowed at once per token or credential (then refilled per minute).
    pub api_burst: Option<u32>,
    pub api_per_minute: Option<u32>,
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
        let Some(path) = path else { return Ok(FileConfig::default()) };
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read config file {}", path.display()))?;
        if text.len() > 1024 * 1024 {
            bail!("config file {} is larger than 1 MiB", path.display());
        }
        toml::from_str(&text).with_context(|| format!("config file {} is not valid", path.display()))
    }
}

impl DbArgs {
    /// Resolves the database from flags, environment and file.
    pub fn resolve(&self, file: &FileConfig) -> anyhow::Result<DbConfig> {
        let url = self.database_url.clone().or_else(|| file.database_url.clone()).filter(|u| !u.trim().is_empty());
        match url {
            Some(url) => {
                if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                    bail!("--database-url must start with postgres:// or postgresql:// (SQLite uses --data-dir)");
                }
                Ok(DbConfig::Postgres { url })
            }
            None => Ok(DbConfig::Sqlite {
                data_dir: self
                    .data_dir
                    .clone()
                    .or_else(|| file.data_dir.clone())
                    .unwrap_or_else(|| PathBuf::from("./mamori-data")),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_sqlite_is_the_default() {
        let file = FileConfig { data_dir: Some("/from-file".into()), ..Default::default() };
        let args = DbArgs::default();
        assert!(
            matches!(args.resolve(&file), Ok(DbConfig::Sqlite { data_dir }) if data_dir == Path::new("/from-file"))
        );
        let args = DbArgs { data_dir: Some("/flag".into()), ..Default::default() };
        assert!(matches!(args.resolve(&file), Ok(DbConfig::Sqlite { data_dir }) if data_dir == Path::new("/flag")));
        let args = DbArgs { database_url: Some("mysql://x".into()), ..Default::default() };
        assert!(args.resolve(&file).is_err());
    }

    #[test]
    fn unknown_keys_in_the_config_file_are_rejected() {
        assert!(toml::from_str::<FileConfig>("listen = \"127.0.0.1:1\"").is_ok());
        assert!(toml::from_str::<FileConfig>("lisen = \"127.0.0.1:1\"").is_err());
    }
}
