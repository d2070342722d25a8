//! Supply-chain pages: the buyer dashboard and relationship drill-down, the supplier's
//! attestations, shares and settings, expert review, and the public verification page,
//! registry, supplier-invitation acceptance and well-known key and revocation files.

mod buyer;
mod public;
mod shared;
mod supplier;

use axum::Router;
use axum::routing::{get, post};
use mamori_chain::{Criticality, Level};
use mamori_store::{OrgInfo, SupplyStatus};

use crate::AppState;
use crate::i18n::Lang;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/supply", get(buyer::dashboard))
        .route("/supply/export/{format}", get(buyer::export))
        .route("/supply/links", post(buyer::add_link))
        .route("/supply/invite", post(buyer::invite))
        .route("/supply/links/{id}", get(buyer::link_page).post(buyer::edit_link))
        .route("/supply/links/{id}/override", post(buyer::set_override))
        .route("/supply/links/{id}/request", post(buyer::request))
        .route("/supply/received/{share}", get(buyer::received_envelope))
        .route("/supply/received/{share}/result", get(shared::page))
        .route("/supply/received/{share}/evidence/{id}", get(shared::evidence))
        .route("/attestations", get(supplier::page).post(supplier::submit))
        .route("/attestations/settings", post(supplier::settings))
        .route("/attestations/keys/rotate", post(supplier::rotate))
        .route("/attestations/{id}/envelope", get(supplier::envelope))
        .route("/attestations/{id}/share", post(supplier::share))
        .route("/attestations/{id}/revoke", post(supplier::revoke))
        .route("/attestations/shares/{id}/revoke", post(supplier::revoke_share))
        .route("/reviews", get(supplier::reviews))
        .route("/reviews/{id}", post(supplier::review))
        .route("/verify", get(public::verify_page).post(public::verify))
        .route("/registry", get(public::registry))
        .route("/chain/invite/{token}", get(public::invite_page).post(public::accept_invite))
        .route("/.well-known/mamori/keys/{file}", get(public::jwks))
        .route("/.well-known/mamori/revocations/{file}", get(public::revocations))
}

/// The organization's name in the interface language.
pub fn org_name(o: &OrgInfo, lang: Lang) -> String {
    match (&o.name_ja, lang) {
        (Some(n), Lang::Ja) => n.clone(),
        _ => o.name.clone(),
    }
}

pub fn status_key(s: SupplyStatus) -> &'static str {
    match s {
        SupplyStatus::NotRequested => "status.not_requested",
        SupplyStatus::Requested => "status.requested",
        SupplyStatus::Overdue => "status.overdue",
        SupplyStatus::AttestedStar3 => "status.attested_star3",
        SupplyStatus::AttestedStar4 => "status.attested_star4",
        SupplyStatus::Expired => "status.expired",
        SupplyStatus::Revoked => "status.revoked",
        SupplyStatus::Unknown => "status.unknown",
    }
}

pub fn crit_key(c: Criticality) -> &'static str {
    match c {
        Criticality::Low => "crit.low",
        Criticality::Medium => "crit.medium",
        Criticality::High => "crit.high",
        Criticality::Critical => "crit.critical",
    }
}

pub fn level_text(l: Level) -> &'static str {
    match l {
        Level::Star3 => "★3",
        Level::Star4 => "★4",
    }
}

/// `YYYY-MM-DD` of a millisecond timestamp.
pub fn day(ms: i64) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) else { return String::new() };
    t.date().to_string()
}

/// The end (23:59:59 UTC) of a `YYYY-MM-DD` day, in milliseconds.
pub fn parse_day_end(s: &str) -> Option<i64> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s.trim(), &f).ok()?;
    Some((d.midnight().assume_utc().unix_timestamp() + 86_399) * 1000)
}

/// A checkbox value from a form.
pub fn checked(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| v == "on" || v == "true" || v == "1")
}
