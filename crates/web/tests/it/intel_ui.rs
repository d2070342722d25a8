//! The threat-intel pages over HTTP: navigation, browsing and searching with TLP applied,
//! inspecting an object with its relationships, and the whole reporting flow through
//! forms (submit → de-identify with preview → consent → publish), in Japanese and English.

use mamori_store::AdminPath;

use crate::support::{As, DEMO_PASSWORD, TestApp};

const SAKURA: &str = "owner@sakura-motors.example";
const HOKUTO: &str = "owner@hokuto-precision.example";
const ANALYST: &str = "admin@sharing-hub.example";

/// The whole element marked `data-testid="id"`, markup included.
fn element(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("data-testid=\"{id}\""))?;
    let open = html[..at].rfind('<')?;
    let tag: String = html[open + 1..].chars().take_while(char::is_ascii_alphanumeric).collect();
    let close = html[at..].find(&format!("</{tag}>"))?;
    Some(html[open..at + close].to_owned())
}

/// Demo sample `i` (0 = CLEAR … 4 = RED), object kind `k` (1 IP indicator, 3 malware).
fn demo_id(kind: &str, i: usize, k: u8) -> String {
    format!("{kind}--5a1e{k:02x}00-0000-4000-8000-{:012x}", i + 1)
}

#[tokio::test]
async fn members_of_a_circle_browse_search_and_inspect_what_tlp_lets_them_read() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let a = app.login_as(SAKURA, DEMO_PASSWORD).await;

    let home = app.get("/", As::Browser(&a)).await;
    home.expect(200);
    assert!(home.text().contains("href=\"/intel\""), "members of a circle get the nav entry");
    assert!(home.text().contains("脅威情報"), "in the user's language (ja)");

    let page = app.get("/intel", As::Browser(&a)).await;
    page.expect(200);
    let html = page.text();
    for visible in ["198.51.100.23", "203.0.113.77", "192.0.2.45", "203.0.113.9"] {
        assert!(html.contains(visible), "sakura reads {visible} (CLEAR, GREEN, AMBER to sakura, RED to its owner)");
    }
    assert!(!html.contains("hokuto-intranet") && !html.contains("198.51.100.201"), "AMBER+STRICT of hokuto is hidden");
    for class in ["tlp-clear", "tlp-green", "tlp-amber", "tlp-red"] {
        assert!(html.contains(class), "a {class} badge");
    }
    assert!(html.contains("自動車ISAC（デモ）") && html.contains("サイバーセキュリティ協議会（デモ）"));

    // Text search and the type filter.
    let hits = app.get("/intel?q=vpn-portal", As::Browser(&a)).await.text();
    assert!(hits.contains("vpn-portal-login.example") && !hits.contains("phishing-kit.example"));
    let none = app.get("/intel?q=hokuto-intranet", As::Browser(&a)).await;
    assert!(none.testid("no-objects").is_some(), "the strict object does not turn up in a search");
    let malware = app.get("/intel?type=malware", As::Browser(&a)).await.text();
    assert!(malware.contains("DemoLoader-1") && !malware.contains("Phishing domain"));
    app.get("/intel?cursor=not-a-cursor", As::Browser(&a)).await.expect(400);

    // The hub's producer of the strict object reads it.
    let hokuto = app.login_as(HOKUTO, DEMO_PASSWORD).await;
    assert!(app.get("/intel?q=hokuto-intranet", As::Browser(&hokuto)).await.text().contains("hokuto-intranet.example"));
    let strict = demo_id("indicator", 3, 1);
    app.get(&format!("/intel/objects/{strict}"), As::Browser(&hokuto)).await.expect(200);
    app.get(&format!("/intel/objects/{strict}"), As::Browser(&a)).await.expect(404);

    // One object: JSON, markings and relationships in both directions.
    let (ind, mal) = (demo_id("indicator", 0, 1), demo_id("malware", 0, 3));
    let obj = app.get(&format!("/intel/objects/{ind}"), As::Browser(&a)).await;
    obj.expect(200);
    let html = obj.text();
    assert_eq!(obj.testid("tlp").as_deref(), Some("TLP:CLEAR"));
    assert!(
        html.contains("198.51.100.23") && html.contains("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487")
    );
    let rels = element(&html, "relationships").expect("the outgoing relationship");
    assert!(rels.contains(&mal) && rels.contains("indicates") && rels.contains("この対象 →"));
    let back = app.get(&format!("/intel/objects/{mal}"), As::Browser(&a)).await;
    let rels = element(&back.text(), "relationships").expect("the incoming relationship");
    assert!(rels.contains(&ind) && rels.contains("→ この対象"));
    app.get("/intel/objects/indicator--00000000-0000-4000-8000-000000000000", As::Browser(&a)).await.expect(404);

    // English, and no nav entry outside every circle.
    app.post_form("/settings/lang", As::Browser(&a), &[("lang", "en")]).await.expect(303);
    assert!(app.get("/intel", As::Browser(&a)).await.text().contains("Threat intel"));
    let outsider = app.signup("Outsider", "someone@outsider.example", "Outsider Co").await;
    let home = app.get("/", As::Browser(&outsider)).await.text();
    assert!(!home.contains("href=\"/intel\""), "no circle, no entry");
    let empty = app.get("/intel", As::Browser(&outsider)).await;
    empty.expect(200);
    assert!(empty.testid("no-objects").is_some() && empty.testid("circles").is_none());
    app.get("/intel", As::Anon).await.expect(303);
}

/// The `value` of the first `<option>` whose value starts with `prefix`.
fn option_value(html: &str, prefix: &str) -> String {
    let start = html.find(&format!("value=\"{prefix}")).expect("the option") + "value=\"".len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The report id from the redirect after a submission.
fn report_id(location: &str) -> String {
    location.trim_start_matches("/intel/reports/").split('?').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_report_goes_from_the_form_through_de_identification_and_consent_to_publication() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let a = app.login_as(SAKURA, DEMO_PASSWORD).await;
    let form = app.get("/intel/reports/new", As::Browser(&a)).await;
    form.expect(200);
    let target = option_value(&form.text(), "auto-isac/");

    // Bad observables come back inline, with the input kept.
    let bad = app
        .post_form(
            "/intel/reports",
            As::Browser(&a),
            &[("target", &target), ("title", "Odd traffic"), ("tlp", "green"), ("observables", "not an observable")],
        )
        .await;
    bad.expect(422);
    assert!(bad.text().contains("observables-err") && bad.text().contains("not an observable"));

    let fields = [
        ("target", target.as_str()),
        ("title", "Beaconing from the paint shop"),
        ("tlp", "green"),
        ("description", "Seen by ops@sakura-motors.example at Sakura Motors, Toyota-shi plant"),
        ("observables", "203.0.113.200\nevil-updates.example\nhttps://evil-updates.example/payload.bin"),
    ];
    let created = app.post_form("/intel/reports", As::Browser(&a), &fields).await;
    created.expect(303);
    let id = report_id(created.location());
    let page = app.get(&format!("/intel/reports/{id}"), As::Browser(&a)).await;
    page.expect(200);
    assert!(page.testid("not-sanitised").is_some() && page.testid("approve").is_none());
    assert!(page.testid("withdraw").is_some() && page.testid("analyst-actions").is_none());
    let original = page.testid("original").unwrap();
    assert!(original.contains("evil-updates.example") && original.contains("indicator--"), "STIX was built");

    // A hub analyst de-identifies; the preview lists every change.
    let hub = app.login_as(ANALYST, DEMO_PASSWORD).await;
    assert!(app.get("/intel/reports", As::Browser(&hub)).await.text().contains("Beaconing from the paint shop"));
    let page = app.get(&format!("/intel/reports/{id}"), As::Browser(&hub)).await;
    assert!(page.testid("sanitise").is_some() && page.testid("publish").is_none() && page.testid("approve").is_none());
    app.post_form(&format!("/intel/reports/{id}/publish"), As::Browser(&hub), &[]).await.expect(400);
    let done = app
        .post_form(
            &format!("/intel/reports/{id}/sanitise"),
            As::Browser(&hub),
            &[("terms", "Sakura Motors\nToyota-shi"), ("internal_domains", "")],
        )
        .await;
    done.expect(303);
    let page = app.get(done.location(), As::Browser(&hub)).await;
    assert!(page.testid("approve").is_none() && page.testid("publish").is_none(), "consent is the reporter's");
    let changes = element(&page.text(), "changes").expect("the preview");
    assert!(changes.contains("ops@sakura-motors.example") && changes.contains("Toyota-shi"));
    let sanitised = page.testid("sanitised").unwrap();
    assert!(!sanitised.contains("ops@sakura-motors.example") && !sanitised.contains("Sakura Motors"));
    assert!(sanitised.contains("evil-updates.example"), "the indicators stay");

    // The analyst cannot consent for the reporter; the reporter approves.
    app.post_form(&format!("/intel/reports/{id}/approve"), As::Browser(&hub), &[]).await.expect(403);
    let page = app.get(&format!("/intel/reports/{id}"), As::Browser(&a)).await;
    assert!(page.testid("approve").is_some() && page.testid("changes").is_some());
    app.post_form(&format!("/intel/reports/{id}/approve"), As::Browser(&a), &[]).await.expect(303);

    // Only now can it be published; the circle reads the de-identified indicators.
    app.post_form(&format!("/intel/reports/{id}/publish"), As::Browser(&a), &[]).await.expect(403);
    app.post_form(&format!("/intel/reports/{id}/publish"), As::Browser(&hub), &[]).await.expect(303);
    let page = app.get(&format!("/intel/reports/{id}"), As::Browser(&a)).await;
    assert!(page.testid("withdraw").is_none() && page.testid("approve").is_none());
    let hokuto = app.login_as(HOKUTO, DEMO_PASSWORD).await;
    let found = app.get("/intel?q=evil-updates", As::Browser(&hokuto)).await.text();
    assert!(found.contains("evil-updates.example") && found.contains("tlp-green"), "another member reads it");
    let report = app.get("/intel?type=report&q=beaconing", As::Browser(&hokuto)).await;
    assert!(report.testid("objects").is_some());
    // Hokuto is not the reporter: it cannot open the report in the flow.
    app.get(&format!("/intel/reports/{id}"), As::Browser(&hokuto)).await.expect(404);

    // Every step is in the audit log, the consent under the reporter's organization.
    let sakura = app.store.admin_tenant("sakura-motors", AdminPath::Cli { operator: "test".into() }).await.unwrap();
    let hub_t = app.store.admin_tenant("sharing-hub", AdminPath::Cli { operator: "test".into() }).await.unwrap();
    let actions = |entries: Vec<mamori_store::AuditEntry>| -> Vec<String> {
        entries.into_iter().filter(|e| e.object_id == id).map(|e| e.action).collect()
    };
    let mine = actions(app.store.audit_page(&sakura, None, 500).await.unwrap());
    assert!(mine.contains(&"intel.report.submit".to_string()) && mine.contains(&"intel.report.consent".to_string()));
    let theirs = actions(app.store.audit_page(&hub_t, None, 500).await.unwrap());
    assert!(
        theirs.contains(&"intel.report.sanitise".to_string()) && theirs.contains(&"intel.report.publish".to_string())
    );
}

#[tokio::test]
async fn a_reporter_can_withdraw_and_the_form_refuses_circles_it_is_not_in() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let a = app.login_as(SAKURA, DEMO_PASSWORD).await;
    let form = app.get("/intel/reports/new", As::Browser(&a)).await.text();
    assert!(!form.contains("elec-isac/"), "only the user's circles are offered");
    let target = option_value(&form, "council/");
    let fields = [("target", target.as_str()), ("title", "Mistake"), ("tlp", "amber"), ("observables", "192.0.2.99")];
    let created = app.post_form("/intel/reports", As::Browser(&a), &fields).await;
    created.expect(303);
    let id = report_id(created.location());
    app.post_form(&format!("/intel/reports/{id}/withdraw"), As::Browser(&a), &[]).await.expect(303);
    let page = app.get(&format!("/intel/reports/{id}"), As::Browser(&a)).await;
    assert!(page.testid("withdraw").is_none());
    assert!(page.testid("state").unwrap().contains("取り下げ"));
    // A withdrawn report cannot be approved.
    app.post_form(&format!("/intel/reports/{id}/approve"), As::Browser(&a), &[]).await.expect(400);

    // Forged targets: a circle the user is not in, and a malformed value.
    let collection = target.split_once('/').unwrap().1;
    let forged = format!("elec-isac/{collection}");
    let fields = [("target", forged.as_str()), ("title", "x"), ("tlp", "amber"), ("observables", "192.0.2.99")];
    app.post_form("/intel/reports", As::Browser(&a), &fields).await.expect(404);
    let fields = [("target", "nonsense"), ("title", "x"), ("tlp", "amber"), ("observables", "192.0.2.99")];
    app.post_form("/intel/reports", As::Browser(&a), &fields).await.expect(422);
    // The viewer role may browse but not report.
    let viewer = app.login_as("viewer@sakura-motors.example", DEMO_PASSWORD).await;
    app.get("/intel", As::Browser(&viewer)).await.expect(200);
    let fields = [("target", target.as_str()), ("title", "x"), ("tlp", "amber"), ("observables", "192.0.2.99")];
    app.post_form("/intel/reports", As::Browser(&viewer), &fields).await.expect(403);
}

#[tokio::test]
async fn every_intel_page_renders_in_both_languages() {
    use mamori_web::i18n::{Lang, Tr};
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let a = app.login_as(SAKURA, DEMO_PASSWORD).await;
    let form = app.get("/intel/reports/new", As::Browser(&a)).await.text();
    let target = option_value(&form, "council/");
    let fields =
        [("target", target.as_str()), ("title", "Two languages"), ("tlp", "red"), ("observables", "192.0.2.98")];
    let id = report_id(app.post_form("/intel/reports", As::Browser(&a), &fields).await.location());
    let pages = [
        ("/intel".to_string(), "intel.intro"),
        (format!("/intel/objects/{}", demo_id("indicator", 0, 1)), "intel.relationships"),
        ("/intel/reports".to_string(), "intel.reports_intro"),
        ("/intel/reports/new".to_string(), "intel.new_intro"),
        (format!("/intel/reports/{id}"), "intel.st.submitted"),
        (format!("/intel/reports/{id}?notice=intel.notice.submitted"), "intel.notice.submitted"),
    ];
    for (lang, l) in [("ja", Lang::Ja), ("en", Lang::En)] {
        app.post_form("/lang", As::Browser(&a), &[("lang", lang), ("back", "/")]).await.expect(303);
        for (path, key) in &pages {
            let page = app.get(path, As::Browser(&a)).await;
            page.expect(200);
            let html = page.text();
            assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{path} in {lang}");
            let text = Tr(l).s(key);
            assert!(html.contains(text), "{path} shows {key} in {lang}: {text}");
            assert!(html.contains(Tr(l).s("nav.intel")), "{path}: the nav entry in {lang}");
        }
    }
}
