//! CSV, JSON and OSCAL assessment-results exports.

use mamori_assess::ImplementationStatus;
use serde_json::json;

use crate::{ReportError, ReportInput};

/// One row per requirement, the same columns as the XLSX sheet plus inference provenance.
pub fn csv(input: &ReportInput<'_>) -> Result<Vec<u8>, ReportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let cerr = |e: csv::Error| ReportError::Csv(e.to_string());
    w.write_record([
        "requirement_id",
        "title",
        "status",
        "na_reason",
        "maturity",
        "self_check",
        "notes",
        "owner",
        "due_date",
        "inferred_from",
    ])
    .map_err(cerr)?;
    for item in &input.plan.items {
        let a = input.answers.get(&item.req.id);
        let na = match a.map(|a| &a.view.status) {
            Some(ImplementationStatus::NotApplicable { reason }) => reason.as_str().to_owned(),
            _ => String::new(),
        };
        let points = a
            .and_then(|a| a.view.points)
            .map(|p| serde_json::to_value(p).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default());
        let inferred = a.and_then(|a| a.inferred.as_ref()).map(|i| {
            let from: Vec<_> = i.provenance.from.iter().map(|s| s.source.as_str()).collect();
            format!("{}:{}", i.source_framework, from.join("+"))
        });
        // Cells starting with = + - @ are prefixed so spreadsheets do not run them as formulas.
        let safe = |s: String| if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s };
        w.write_record([
            item.req.id.clone(),
            safe(item.node.title.get("ja").to_owned()),
            a.map(|a| a.view.status.code().to_owned()).unwrap_or_default(),
            safe(na),
            a.and_then(|a| a.view.maturity).map(|m| m.to_string()).unwrap_or_default(),
            points.unwrap_or_default(),
            safe(a.and_then(|a| a.notes.clone()).unwrap_or_default()),
            safe(a.and_then(|a| a.owner.clone()).unwrap_or_default()),
            a.and_then(|a| a.due_date.clone()).unwrap_or_default(),
            inferred.unwrap_or_default(),
        ])
        .map_err(cerr)?;
    }
    w.into_inner().map_err(|e| ReportError::Csv(e.to_string()))
}

/// The assessment, its answers, evidence metadata and scores as one JSON document.
pub fn json(input: &ReportInput<'_>) -> Result<Vec<u8>, ReportError> {
    let answers: Vec<_> = input.plan.items.iter().filter_map(|i| input.answers.get(&i.req.id)).collect();
    let doc = json!({
        "assessment": input.info,
        "organization": input.org_name,
        "answers": answers,
        "evidence": input.evidence,
        "scores": input.scores,
    });
    Ok(serde_json::to_vec_pretty(&doc)?)
}

fn oscal_state(status: Option<&ImplementationStatus>) -> &'static str {
    match status {
        Some(ImplementationStatus::Implemented) => "satisfied",
        Some(ImplementationStatus::NotApplicable { .. }) => "not-applicable",
        Some(_) => "not-satisfied",
        None => "not-assessed",
    }
}

/// OSCAL 1.1 assessment-results: one result with one finding per requirement.
/// `uuid` is a generator so callers (and tests) control identifiers.
pub fn oscal(
    input: &ReportInput<'_>,
    now_rfc3339: &str,
    mut uuid: impl FnMut() -> String,
) -> Result<Vec<u8>, ReportError> {
    let findings: Vec<_> = input
        .plan
        .items
        .iter()
        .map(|item| {
            let a = input.answers.get(&item.req.id);
            let state = oscal_state(a.map(|a| &a.view.status));
            let mut props = vec![json!({"name": "implementation-status", "ns": "https://mamori.example/ns/oscal", "value": a.map_or("unanswered", |a| a.view.status.code())})];
            if let Some(m) = a.and_then(|a| a.view.maturity) {
                props.push(json!({"name": "maturity", "ns": "https://mamori.example/ns/oscal", "value": m.to_string()}));
            }
            if let Some(i) = a.and_then(|a| a.inferred.as_ref()) {
                props.push(json!({"name": "inferred-from", "ns": "https://mamori.example/ns/oscal", "value": format!("{}/{}", i.source_framework, i.source_assessment)}));
            }
            json!({
                "uuid": uuid(),
                "title": item.req.id,
                "description": item.node.title.get("en"),
                "props": props,
                "target": {
                    "type": "objective-id",
                    "target-id": item.req.id,
                    "status": {"state": state},
                },
                "remarks": a.and_then(|a| a.notes.clone()).unwrap_or_default(),
            })
        })
        .collect();
    let doc = json!({
        "assessment-results": {
            "uuid": uuid(),
            "metadata": {
                "title": input.info.title,
                "last-modified": now_rfc3339,
                "version": "1.0",
                "oscal-version": "1.1.2",
                "props": [
                    {"name": "framework", "ns": "https://mamori.example/ns/oscal", "value": input.info.framework_id},
                    {"name": "framework-version", "ns": "https://mamori.example/ns/oscal", "value": input.info.framework_version},
                    {"name": "organization", "ns": "https://mamori.example/ns/oscal", "value": input.org_name},
                ],
            },
            "import-ap": {"href": format!("#{}", input.info.id)},
            "results": [{
                "uuid": uuid(),
                "title": format!("{} ({})", input.info.title, input.info.scope_name),
                "description": format!("Self-assessment against {} {}", input.info.framework_id, input.info.framework_version),
                "start": now_rfc3339,
                "reviewed-controls": {"control-selections": [{"include-all": {}}]},
                "findings": findings,
            }],
        }
    });
    Ok(serde_json::to_vec_pretty(&doc)?)
}
