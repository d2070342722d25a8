//! Company groups through the pages and the API: the demo group side by side (radar, table, exact
//! values), asking another organization to join, its acceptance and departure, refusals in the
//! user's language, and bad API input.

use mamori_store::AdminPath;
use serde_json::json;

use crate::support::{As, DEMO_PASSWORD, TestApp};

const SAKURA: &str = "owner@sakura-motors.example";
const MINATO: &str = "owner@minato-electronics.example";
const GUIDELINES: &str = "meti-cyber-management-guidelines-3.0";

fn slugs(v: &serde_json::Value) -> Vec<String> {
    v["rows"].as_array().unwrap().iter().map(|r| r["org"]["slug"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_parent_compares_its_subsidiaries_and_a_new_one_joins_by_consent() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let sakura = app.login_as(SAKURA, DEMO_PASSWORD).await;
    let token = app.api_token(&sakura, "group", "viewer").await;

    // The demo group: Sakura and its two subsidiaries, each at its latest counted result.
    let v = app.get(&format!("/api/v1/group/comparison?framework={GUIDELINES}"), As::Token(&token)).await;
    v.expect(200);
    let v = v.json();
    assert_eq!(slugs(&v), ["sakura-motors", "sakura-digital", "sakura-kyushu"]);
    assert_eq!(v["comparison"]["axes"].as_array().unwrap().len(), 10);
    // Each subsidiary's headline equals what its own results page computes from its assessment.
    for row in &v["rows"].as_array().unwrap()[1..] {
        let slug = row["org"]["slug"].as_str().unwrap();
        assert!(row.get("assessment_id").unwrap().is_null(), "{slug}'s assessment id must not cross");
        let t = app.store.admin_tenant(slug, AdminPath::Cli { operator: "test".into() }).await.unwrap();
        let own = app.store.assessments_page(&t, 0, 10).await.unwrap();
        assert_eq!(own.len(), 1);
        let (_, scores) = app.store.assessment_scores(&t, &own[0].id).await.unwrap();
        assert_eq!(row["overall"].as_f64(), scores.overall, "{slug}");
        let values: Vec<Option<f64>> = v["comparison"]["subsidiaries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["entity_id"] == row["org"]["id"])
            .unwrap()["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(serde_json::Value::as_f64)
            .collect();
        assert_eq!(values, scores.radar.unwrap().values, "{slug}");
    }

    // The page, in Japanese: the radar and the table with the Japanese names.
    let page = app.get("/group", As::Browser(&sakura)).await;
    page.expect(200);
    let html = page.text();
    assert!(html.contains(r#"data-testid="group-radar"><svg"#), "the radar is drawn");
    for name in ["さくら自動車株式会社", "さくら自動車九州株式会社", "さくらデジタルソリューションズ株式会社"]
    {
        assert!(html.contains(name), "{name} missing");
    }
    assert!(html.contains("heat-"), "the value cells carry the heat scale");

    // A refusal comes back on the form, in the user's language, and nothing is stored.
    let own = app.post_form("/group/subsidiaries", As::Browser(&sakura), &[("slug", "sakura-motors")]).await;
    own.expect(422);
    assert!(own.text().contains("自社を子会社にすることはできません。"));

    // Sakura asks Minato; Minato's owner sees the request on its page and accepts.
    app.post_form("/group/subsidiaries", As::Browser(&sakura), &[("slug", "minato-electronics")]).await.expect(303);
    let minato = app.login_as(MINATO, DEMO_PASSWORD).await;
    let theirs = app.get("/group", As::Browser(&minato)).await;
    let parents = theirs.text();
    let parents = &parents[parents.find(r#"data-testid="group-parents""#).unwrap()..];
    assert!(parents.contains("Sakura Motors") && parents.contains("Awaiting answer"));
    let minato_token = app.api_token(&minato, "group", "admin").await;
    let links = app.get("/api/v1/group", As::Token(&minato_token)).await.json();
    let link = links["parents"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(links["parents"][0]["parent"]["slug"], "sakura-motors");
    // The parent cannot accept on the subsidiary's behalf.
    app.post_form(&format!("/group/links/{link}/accept"), As::Browser(&sakura), &[]).await.expect(404);
    app.post_form(&format!("/group/links/{link}/accept"), As::Browser(&minato), &[]).await.expect(303);
    let v = app.get(&format!("/api/v1/group/comparison?framework={GUIDELINES}"), As::Token(&token)).await.json();
    assert_eq!(slugs(&v), ["sakura-motors", "minato-electronics", "sakura-digital", "sakura-kyushu"]);

    // Minato leaves through the API; it drops out of the comparison.
    app.delete(&format!("/api/v1/group/links/{link}"), As::Token(&minato_token)).await.expect(204);
    let v = app.get(&format!("/api/v1/group/comparison?framework={GUIDELINES}"), As::Token(&token)).await.json();
    assert_eq!(slugs(&v).len(), 3);
    let again =
        app.post_json(&format!("/api/v1/group/links/{link}/accept"), As::Token(&minato_token), &json!({})).await;
    again.expect(409);
    assert!(again.is_problem());

    // A viewer token cannot ask anyone; bad bodies and unknown frameworks are clear 4xx problems.
    let r =
        app.post_json("/api/v1/group/subsidiaries", As::Token(&token), &json!({"slug": "minato-electronics"})).await;
    r.expect(403);
    let r = app.post_json("/api/v1/group/subsidiaries", As::Token(&minato_token), &json!({"org": "x"})).await;
    assert!(r.status.is_client_error() && r.is_problem(), "{}", r.text());
    let r = app.get("/api/v1/group/comparison?framework=nope", As::Token(&token)).await;
    r.expect(422);
    let r = app.get("/api/v1/group/comparison", As::Token(&token)).await;
    assert!(r.status.is_client_error(), "{}", r.text());
}
