//! The store's error type: callers map these to HTTP problems or CLI messages.

use sea_orm::DbErr;

/// What can go wrong in the store. Internal details stay in `Db` and are logged, not shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("invalid input: {field}: {message}")]
    Invalid { field: &'static str, message: String },
    #[error("configuration: {0}")]
    Config(String),
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

impl StoreError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        StoreError::Invalid { field, message: message.into() }
    }

    /// Unique-constraint violations become `Conflict` so callers can answer 409.
    pub(crate) fn from_insert(err: DbErr, what: &str) -> Self {
        let text = err.to_string().to_lowercase();
        if text.contains("unique") || text.contains("duplicate key") {
            StoreError::Conflict(format!("{what} already exists"))
        } else {
            StoreError::Db(err)
        }
    }
}
