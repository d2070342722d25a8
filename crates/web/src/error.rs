//! One error type for the REST API, rendered as RFC 9457 `application/problem+json`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mamori_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The stable machine-readable codes. Clients may match on these; titles may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    BadRequest,
    InvalidJson,
    UnsupportedMediaType,
    ValidationFailed,
    Unauthorized,
    InvalidCredentials,
    MfaRequired,
    AccountLocked,
    Forbidden,
    CsrfFailed,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    RateLimited,
    Timeout,
    Internal,
    Unavailable,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BadRequest => "bad_request",
            Code::InvalidJson => "invalid_json",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::ValidationFailed => "validation_failed",
            Code::Unauthorized => "unauthorized",
            Code::InvalidCredentials => "invalid_credentials",
            Code::MfaRequired => "mfa_required",
            Code::AccountLocked => "account_locked",
            Code::Forbidden => "forbidden",
            Code::CsrfFailed => "csrf_failed",
            Code::NotFound => "not_found",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::Conflict => "conflict",
            Code::PayloadTooLarge => "payload_too_large",
            Code::RateLimited => "rate_limited",
            Code::Timeout => "timeout",
            Code::Internal => "internal_error",
            Code::Unavailable => "unavailable",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Code::BadRequest | Code::InvalidJson => StatusCode::BAD_REQUEST,
            Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::ValidationFailed => StatusCode::UNPROCESSABLE_ENTITY,
            Code::Unauthorized | Code::InvalidCredentials | Code::MfaRequired => StatusCode::UNAUTHORIZED,
            Code::AccountLocked | Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Code::Forbidden | Code::CsrfFailed => StatusCode::FORBIDDEN,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::Conflict => StatusCode::CONFLICT,
            Code::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::Timeout => StatusCode::REQUEST_TIMEOUT,
            Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The code that fits a bare status, for responses produced outside our handlers.
    pub fn from_status(status: StatusCode) -> Code {
        match status.as_u16() {
            401 => Code::Unauthorized,
            403 => Code::Forbidden,
            404 => Code::NotFound,
            405 => Code::MethodNotAllowed,
            408 => Code::Timeout,
            409 => Code::Conflict,
            413 => Code::PayloadTooLarge,
            415 => Code::UnsupportedMediaType,
            422 => Code::ValidationFailed,
            429 => Code::RateLimited,
            503 => Code::Unavailable,
            s if s >= 500 => Code::Internal,
            _ => Code::BadRequest,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Code::BadRequest => "Bad request",
            Code::InvalidJson => "The request body is not valid JSON for this endpoint",
            Code::UnsupportedMediaType => "Unsupported media type",
            Code::ValidationFailed => "Validation failed",
            Code::Unauthorized => "Authentication required",
            Code::InvalidCredentials => "Invalid credentials",
            Code::MfaRequired => "A TOTP code is required",
            Code::AccountLocked => "Account temporarily locked",
            Code::Forbidden => "Forbidden",
            Code::CsrfFailed => "CSRF check failed",
            Code::NotFound => "Not found",
            Code::MethodNotAllowed => "Method not allowed",
            Code::Conflict => "Conflict",
            Code::PayloadTooLarge => "Payload too large",
            Code::RateLimited => "Too many requests",
            Code::Timeout => "Request timed out",
            Code::Internal => "Internal error",
            Code::Unavailable => "Service unavailable",
        }
    }
}

/// An RFC 9457 problem document with our `code` extension.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type: `/problems/<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable snake_case error code.
    pub code: String,
    /// The offending field, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The API's error value.
#[derive(Debug)]
pub struct ApiError {
    pub code: Code,
    pub detail: Option<String>,
    pub field: Option<String>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: Code) -> Self {
        ApiError { code, detail: None, field: None, retry_after: None }
    }

    pub fn detail(code: Code, detail: impl Into<String>) -> Self {
        ApiError { code, detail: Some(detail.into()), field: None, retry_after: None }
    }

    pub fn field(field: impl Into<String>, detail: impl Into<String>) -> Self {
        ApiError {
            code: Code::ValidationFailed,
            detail: Some(detail.into()),
            field: Some(field.into()),
            retry_after: None,
        }
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("/problems/{}", self.code.as_str()),
            title: self.code.title().to_string(),
            status: self.code.status().as_u16(),
            detail: self.detail.clone(),
            code: self.code.as_str().to_string(),
            field: self.field.clone(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::new(Code::NotFound),
            StoreError::Conflict(m) => ApiError::detail(Code::Conflict, m),
            StoreError::Forbidden(m) => ApiError::detail(Code::Forbidden, m),
            StoreError::Invalid { field, message } => ApiError::field(field, message),
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::new(Code::Internal)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut resp = (self.code.status(), body).into_response();
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
