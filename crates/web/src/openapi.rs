//! The OpenAPI 3.1 document served at `/api/v1/openapi.json`.

use std::sync::LazyLock;

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::dto::*;
use crate::api::extract::Page;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "mamori API", description = "REST API of mamori. Errors are RFC 9457 problem documents with a stable `code`. Lists use `limit` and `cursor` and answer `{items, next_cursor}`."),
    paths(
        crate::api::auth_token,
        crate::api::me,
        crate::api::members,
        crate::api::invitations,
        crate::api::create_invitation,
        crate::api::tokens,
        crate::api::create_token,
        crate::api::revoke_token,
        crate::api::audit,
        crate::api::suppliers,
        crate::api::assess::list,
        crate::api::assess::create,
        crate::api::assess::get_one,
        crate::api::assess::answers,
        crate::api::assess::answer,
        crate::api::assess::clear_answer,
        crate::api::assess::transition,
        crate::api::assess::scores,
        crate::api::assess::proposals,
        crate::api::assess::evidence,
        crate::api::assess::upload,
        crate::api::assess::download,
        crate::api::assess::export,
    ),
    components(schemas(crate::Problem, AuthTokenRequest, AuthTokenResponse, OrgDto, MeResponse, MemberDto, InvitationRequest,
        InvitationDto, InvitationCreated, TokenRequest, TokenDto, TokenCreated, AuditDto, SupplierDto,
        Page<MemberDto>, Page<InvitationDto>, Page<TokenDto>, Page<AuditDto>, Page<SupplierDto>,
        crate::api::assess::AssessmentDto, crate::api::assess::AssessmentRequest, crate::api::assess::AnswerRequest,
        crate::api::assess::TransitionRequest, Page<crate::api::assess::AssessmentDto>)),
    modifiers(&Bearer)
)]
struct ApiDoc;

static DOC: LazyLock<String> = LazyLock::new(|| {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::api::catalog::CatalogApi::openapi());
    doc.merge(crate::api::intel::IntelApi::openapi());
    doc.merge(crate::api::intel_peers::PeersApi::openapi());
    doc.merge(crate::api::chain::ChainApi::openapi());
    doc.merge(crate::api::group::GroupApi::openapi());
    doc.to_json().unwrap_or_else(|_| "{}".into())
});

/// The serialised document, built once.
pub fn document() -> String {
    DOC.clone()
}
