//! Assessments' part of the isolation probe: tenant B (minato-electronics) gets a private
//! assessment with an answer, a comment, a file and a link as evidence. The probes aim at
//! these from the UI and the API; A must get "not found" (or an empty list) everywhere.

use axum::http::Method as M;
use mamori_assess::AnswerInput;
use mamori_store::assess::{NewAssessment, NewFileEvidence, NewLinkEvidence, frameworks};
use mamori_store::{AdminPath, Tenant};
use serde_json::json;

use crate::isolation::{Expect::*, Payload, Probe, form, p};

const B_SLUG: &str = "minato-electronics";
const TITLE: &str = "Minato secret self-assessment";
const NOTES: &str = "Minato secret firewall notes";
const COMMENT: &str = "Minato secret reviewer remark";
const FILE_NAME: &str = "minato-secret-policy.txt";
const FILE_BODY: &[u8] = b"Minato secret evidence body";
const LINK: &str = "https://intranet.minato-electronics.example/secret-runbook";

/// B's assessment identifiers the probes aim at.
#[derive(Default)]
pub struct AssessIds {
    pub b_assessment: String,
    pub b_requirement: String,
    pub b_file: String,
    pub b_link: String,
    /// A draft of A's own, to try attaching B's evidence to.
    pub a_assessment: String,
    /// B's link to its own subsidiary.
    pub b_group_link: String,
}

const B_SUBSIDIARY: &str = "minato-secret-subsidiary";

fn new_csf(f: &mamori_catalog::Framework) -> NewAssessment {
    NewAssessment {
        framework_id: f.id.clone(),
        framework_version: f.version.clone(),
        title: TITLE.into(),
        scope_kind: "company".into(),
        scope_name: "Minato HQ".into(),
        assessed_on: None,
    }
}

/// Seeds B's private assessment and returns the identifiers to aim at.
pub async fn seed(app: &crate::support::TestApp, b: &Tenant) -> AssessIds {
    let f = frameworks().into_iter().find(|f| f.id == mamori_catalog::builtin::CSF_2_0).unwrap();
    let a = app.store.create_assessment(b, new_csf(&f)).await.unwrap();
    let req = "GV.OC-01";
    let answer = AnswerInput { status: Some("partial".into()), notes: Some(NOTES.into()), ..AnswerInput::default() };
    app.store.save_answer(b, &a.id, req, &answer).await.unwrap();
    app.store.add_comment(b, &a.id, req, COMMENT).await.unwrap();
    let file = NewFileEvidence { name: FILE_NAME.into(), mime: None, bytes: FILE_BODY.to_vec(), expires_on: None };
    let file = app.store.add_file_evidence(b, file, Some((&a.id, req))).await.unwrap();
    let link = NewLinkEvidence { name: "Minato runbook".into(), url: LINK.into(), expires_on: None };
    let link = app.store.add_link_evidence(b, link, Some((&a.id, req))).await.unwrap();
    let a_tenant = app.store.admin_tenant("sakura-motors", AdminPath::Cli { operator: "test".into() }).await.unwrap();
    let own = NewAssessment { title: "Sakura own draft".into(), ..new_csf(&f) };
    let a_assessment = app.store.create_assessment(&a_tenant, own).await.unwrap().id;
    // B's company group: a subsidiary that accepted.
    let sub_owner = mamori_store::NewUser {
        email: "owner@minato-secret-subsidiary.example".into(),
        name: "Minato secret subsidiary owner".into(),
        password: "correct horse battery".into(),
        lang: "en".into(),
    };
    let op = || AdminPath::Cli { operator: "test".into() };
    app.store.admin_create_member(sub_owner, B_SUBSIDIARY, mamori_store::Role::Owner, false, op()).await.unwrap();
    let sub = app.store.admin_tenant(B_SUBSIDIARY, op()).await.unwrap();
    let b_group_link = app.store.group_request(b, B_SUBSIDIARY).await.unwrap().id;
    app.store.group_decide(&sub, &b_group_link, true).await.unwrap();
    AssessIds {
        b_assessment: a.id,
        b_requirement: req.into(),
        b_file: file.id,
        b_link: link.id,
        a_assessment,
        b_group_link,
    }
}

/// B's assessment state and the strings A must never see.
pub async fn state(app: &crate::support::TestApp) -> (String, Vec<String>) {
    let t = app.store.admin_tenant(B_SLUG, AdminPath::Cli { operator: "test".into() }).await.unwrap();
    let list = app.store.assessments_page(&t, 0, 1000).await.unwrap();
    let evidence = app.store.evidence_list(&t).await.unwrap();
    let group = app.store.group_links(&t).await.unwrap();
    let mut needles: Vec<String> = [TITLE, NOTES, COMMENT, FILE_NAME, LINK, "Minato secret evidence", B_SUBSIDIARY]
        .into_iter()
        .map(str::to_owned)
        .collect();
    for l in &group.subsidiaries {
        needles.extend([l.id.clone(), l.child.id.clone()]);
    }
    let mut answers = Vec::new();
    for a in &list {
        needles.push(a.id.clone());
        answers.push(app.store.answers(&t, &a.id).await.unwrap());
    }
    for e in &evidence {
        needles.push(e.id.clone());
        needles.extend(e.sha256.clone());
    }
    (format!("{list:?}\n{evidence:?}\n{answers:?}\n{group:?}"), needles)
}

/// A file upload naming the requirement it is for.
fn upload(requirement: &str) -> Payload {
    Payload::Multipart(vec![("requirement", requirement.to_owned()), ("file", "probe evidence".to_owned())])
}

/// Every assessment route of the UI and the API, aimed at B's assessment and evidence.
pub fn probes(ids: &AssessIds) -> Vec<Probe> {
    let none = || Payload::None;
    let json = Payload::Json;
    let (a, r, f, l, g) = (&ids.b_assessment, &ids.b_requirement, &ids.b_file, &ids.b_link, &ids.b_group_link);
    let answer = [("requirement", r.as_str()), ("status", "implemented")];
    vec![
        // The UI.
        p(M::GET, "/assessments", "/assessments", none(), NoLeak),
        p(M::GET, "/assessments/new", "/assessments/new", none(), NoLeak),
        p(
            M::POST,
            "/assessments",
            "/assessments",
            form(&[("framework", "nist-csf-2.0"), ("title", "Sakura probe"), ("scope_kind", "company")]),
            NoLeak,
        ),
        p(M::POST, "/assessments/sector", "/assessments/sector", form(&[("opt_in", "1")]), NoLeak),
        p(M::GET, "/assessments/{id}", format!("/assessments/{a}"), none(), Denied),
        p(M::POST, "/assessments/{id}/answer", format!("/assessments/{a}/answer"), form(&answer), Denied),
        p(
            M::POST,
            "/assessments/{id}/transition",
            format!("/assessments/{a}/transition"),
            form(&[("action", "archive")]),
            Denied,
        ),
        p(
            M::POST,
            "/assessments/{id}/comment",
            format!("/assessments/{a}/comment"),
            form(&[("requirement", r.as_str()), ("body", "probe")]),
            Denied,
        ),
        p(M::POST, "/assessments/{id}/evidence", format!("/assessments/{a}/evidence"), upload(r), Denied),
        p(
            M::POST,
            "/assessments/{id}/evidence-link",
            format!("/assessments/{a}/evidence-link"),
            form(&[("requirement", r.as_str()), ("name", "probe"), ("url", "https://probe.example/")]),
            Denied,
        ),
        p(
            M::POST,
            "/assessments/{id}/evidence-attach",
            format!("/assessments/{a}/evidence-attach"),
            form(&[("requirement", r.as_str()), ("evidence", f.as_str())]),
            Denied,
        ),
        // B's evidence attached to A's own draft.
        p(
            M::POST,
            "/assessments/{id}/evidence-attach",
            format!("/assessments/{}/evidence-attach", ids.a_assessment),
            form(&[("requirement", r.as_str()), ("evidence", f.as_str())]),
            Denied,
        ),
        p(
            M::GET,
            "/assessments/{id}/infer",
            format!("/assessments/{}/infer?from={a}", ids.a_assessment),
            none(),
            Denied,
        ),
        p(M::GET, "/assessments/{id}/results", format!("/assessments/{a}/results"), none(), Denied),
        p(M::GET, "/assessments/{id}/infer", format!("/assessments/{a}/infer?from={a}"), none(), Denied),
        p(
            M::POST,
            "/assessments/{id}/infer",
            format!("/assessments/{a}/infer"),
            form(&[("from", a.as_str()), ("requirement", r.as_str())]),
            Denied,
        ),
        p(M::GET, "/assessments/{id}/export/{format}", format!("/assessments/{a}/export/json"), none(), Denied),
        p(M::GET, "/assessments/{id}/export/{format}", format!("/assessments/{a}/export/xlsx"), none(), Denied),
        p(M::GET, "/assessments/{id}/export/{format}", format!("/assessments/{a}/export/html"), none(), Denied),
        p(M::POST, "/assessments/{id}/import", format!("/assessments/{a}/import"), upload(r), Denied),
        p(M::GET, "/assessments/{id}/import", format!("/assessments/{a}/import"), none(), Denied),
        p(M::GET, "/evidence/{id}", format!("/evidence/{f}"), none(), Denied),
        p(M::GET, "/evidence/{id}", format!("/evidence/{l}"), none(), Denied),
        // The API.
        p(M::GET, "/api/v1/assessments", "/api/v1/assessments", none(), NoLeak),
        p(
            M::POST,
            "/api/v1/assessments",
            "/api/v1/assessments",
            json(json!({"framework_id": "nist-csf-2.0", "title": "Sakura API probe"})),
            NoLeak,
        ),
        p(M::GET, "/api/v1/assessments/{id}", format!("/api/v1/assessments/{a}"), none(), Denied),
        p(M::GET, "/api/v1/assessments/{id}/answers", format!("/api/v1/assessments/{a}/answers"), none(), Denied),
        p(
            M::PUT,
            "/api/v1/assessments/{id}/answers/{requirement}",
            format!("/api/v1/assessments/{a}/answers/{r}"),
            json(json!({"status": "implemented"})),
            Denied,
        ),
        p(
            M::DELETE,
            "/api/v1/assessments/{id}/answers/{requirement}",
            format!("/api/v1/assessments/{a}/answers/{r}"),
            none(),
            Denied,
        ),
        p(
            M::POST,
            "/assessments/{id}/answer",
            format!("/assessments/{a}/answer"),
            form(&[("requirement", r.as_str()), ("go", "clear")]),
            Denied,
        ),
        p(
            M::POST,
            "/api/v1/assessments/{id}/transition",
            format!("/api/v1/assessments/{a}/transition"),
            json(json!({"action": "archive"})),
            Denied,
        ),
        p(M::GET, "/api/v1/assessments/{id}/scores", format!("/api/v1/assessments/{a}/scores"), none(), Denied),
        p(
            M::GET,
            "/api/v1/assessments/{id}/proposals",
            format!("/api/v1/assessments/{a}/proposals?from={a}"),
            none(),
            Denied,
        ),
        p(M::GET, "/api/v1/assessments/{id}/evidence", format!("/api/v1/assessments/{a}/evidence"), none(), Denied),
        p(M::POST, "/api/v1/assessments/{id}/evidence", format!("/api/v1/assessments/{a}/evidence"), upload(r), Denied),
        p(
            M::GET,
            "/api/v1/assessments/{id}/export/{format}",
            format!("/api/v1/assessments/{a}/export/csv"),
            none(),
            Denied,
        ),
        p(
            M::GET,
            "/api/v1/assessments/{id}/export/{format}",
            format!("/api/v1/assessments/{a}/export/oscal"),
            none(),
            Denied,
        ),
        p(M::GET, "/api/v1/evidence/{id}", format!("/api/v1/evidence/{f}"), none(), Denied),
        // Company groups: B's link to its subsidiary, from the UI and the API.
        p(M::GET, "/group", "/group", none(), NoLeak),
        p(M::GET, "/group", "/group?framework=nist-csf-2.0", none(), NoLeak),
        p(M::POST, "/group/subsidiaries", "/group/subsidiaries", form(&[("slug", "no-such-org")]), NoLeak),
        p(M::POST, "/group/links/{id}/{action}", format!("/group/links/{g}/accept"), form(&[]), Denied),
        p(M::POST, "/group/links/{id}/{action}", format!("/group/links/{g}/decline"), form(&[]), Denied),
        p(M::POST, "/group/links/{id}/{action}", format!("/group/links/{g}/end"), form(&[]), Denied),
        p(M::GET, "/api/v1/group", "/api/v1/group", none(), NoLeak),
        p(
            M::GET,
            "/api/v1/group/comparison",
            "/api/v1/group/comparison?framework=meti-cyber-management-guidelines-3.0",
            none(),
            NoLeak,
        ),
        p(
            M::POST,
            "/api/v1/group/subsidiaries",
            "/api/v1/group/subsidiaries",
            json(json!({"slug": "no-such-org"})),
            NoLeak,
        ),
        p(M::POST, "/api/v1/group/links/{id}/accept", format!("/api/v1/group/links/{g}/accept"), none(), Denied),
        p(M::POST, "/api/v1/group/links/{id}/decline", format!("/api/v1/group/links/{g}/decline"), none(), Denied),
        p(M::DELETE, "/api/v1/group/links/{id}", format!("/api/v1/group/links/{g}"), none(), Denied),
        // Attesting B's assessment, from the attestation form and the API.
        p(
            M::POST,
            "/attestations",
            "/attestations",
            form(&[("assessment", a.as_str()), ("level", "star4"), ("pledge_name", "P"), ("pledge_title", "CEO")]),
            NoLeak,
        ),
        p(
            M::POST,
            "/api/v1/assessments/{id}/attestation",
            format!("/api/v1/assessments/{a}/attestation"),
            json(json!({"level": "star4", "pledge": {"name": "P", "title": "CEO"}})),
            Denied,
        ),
    ]
}
