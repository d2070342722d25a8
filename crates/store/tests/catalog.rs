//! Storage of the framework catalog: built-in sync, imports, versions and tenant isolation.
//! Runs on SQLite, and on PostgreSQL when `MAMORI_TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used)]

use mamori_catalog::{Format, Framework, I18n, Node, builtin};
use mamori_store::{
    AdminPath, AuditVerify, CatalogImportError, CatalogOwner, ImportStatus, NewUser, Role, Store, StoreError, Tenant,
};

const HIGH: &[u8] =
    include_bytes!("../../catalog/tests/fixtures/NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json");

#[path = "it/db.rs"]
#[allow(dead_code)]
mod db;

/// A fresh database on the backend the environment picks (see `it/db.rs`): SQLite, or
/// PostgreSQL when `MAMORI_TEST_DATABASE_URL` is set. Dropping it removes the database.
struct Db {
    store: Store,
    _guard: db::TestDb,
}

async fn db() -> Db {
    let (guard, store) = db::TestDb::open().await;
    Db { store, _guard: guard }
}

fn cli() -> AdminPath {
    AdminPath::Cli { operator: "test".into() }
}

async fn member(store: &Store, email: &str, org: &str, role: Role, platform_admin: bool) -> Tenant {
    let user = store
        .admin_create_member(
            NewUser {
                email: email.into(),
                name: email.into(),
                password: "correct horse battery".into(),
                lang: "en".into(),
            },
            org,
            role,
            platform_admin,
            cli(),
        )
        .await
        .unwrap();
    let org = store.org_by_slug(org).await.unwrap();
    store.tenant_for_login(&user, &org.id).await.unwrap()
}

fn custom(id: &str, version: &str, title: &str) -> Framework {
    Framework {
        id: id.into(),
        name: I18n::new("独自基準", "Own baseline"),
        publisher: "ACME".into(),
        version: version.into(),
        nodes: vec![
            Node { ref_id: "A".into(), title: I18n::en("Access"), ..Default::default() },
            Node {
                ref_id: "A-1".into(),
                parent: Some("A".into()),
                assessable: true,
                title: I18n::en(title),
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}

fn json(fws: &[Framework]) -> Vec<u8> {
    serde_json::to_vec(fws).unwrap()
}

async fn audit_entries(store: &Store) -> i64 {
    match store.audit_verify().await.unwrap() {
        AuditVerify::Intact { entries } => entries,
        AuditVerify::Broken { seq, reason } => panic!("audit chain broken at {seq}: {reason}"),
    }
}

#[tokio::test]
async fn builtin_sync_adds_every_catalog_once_and_is_idempotent() {
    let db = db().await;
    let first = db.store.sync_builtin_catalog().await.unwrap();
    assert_eq!(first.frameworks_added, 7);
    assert_eq!(first.crosswalks_added, 5);
    let entries = audit_entries(&db.store).await;
    let again = db.store.sync_builtin_catalog().await.unwrap();
    assert_eq!((again.frameworks_added, again.crosswalks_added, again.updated), (0, 0, 0));
    assert_eq!(audit_entries(&db.store).await, entries, "a no-op sync writes no audit entry");
    let view = db.store.catalog_view(None).await.unwrap();
    assert_eq!(view.latest().len(), 7);
    let csf = view.get(builtin::CSF_2_0, None).unwrap();
    assert!(csf.info.builtin);
    assert_eq!(csf.framework.nodes.iter().filter(|n| n.ref_id.contains('-') && n.assessable).count(), 106);
    assert_eq!(csf.info.assessable_count, 106);
    let iso_links = view.index().map(builtin::CSF_2_0, "GV.OC-03", builtin::ISO_27001_2022);
    let targets: Vec<&str> = iso_links.iter().map(|m| m.target.ref_id.as_str()).collect();
    assert_eq!(targets, ["5.20", "5.31"], "NIST's CSF → ISO 27001 links are indexed");
    assert!(iso_links.iter().all(|m| m.relation == mamori_catalog::Relation::Related && m.pivot.is_none()));
}

#[tokio::test]
async fn the_sp800_53_high_catalog_imports_globally_and_resolves_the_builtin_crosswalk() {
    let db = db().await;
    db.store.sync_builtin_catalog().await.unwrap();
    let before = db.store.catalog_view(None).await.unwrap();
    let owner = CatalogOwner::Global(cli());
    let report = db
        .store
        .import_catalog_file(owner.clone(), HIGH, "high.json", Format::Auto, Some(builtin::SP_800_53_R5), None)
        .await
        .unwrap();
    assert_eq!(report.frameworks.len(), 1);
    assert_eq!(report.frameworks[0].0, builtin::SP_800_53_R5);
    assert_eq!(report.frameworks[0].2, 370);
    assert_eq!(report.frameworks[0].3, ImportStatus::Added);
    let entries = audit_entries(&db.store).await;

    let view = db.store.catalog_view(None).await.unwrap();
    assert!(!std::sync::Arc::ptr_eq(&before, &view), "the cached view is rebuilt after an import");
    let sp = view.get(builtin::SP_800_53_R5, None).unwrap();
    assert_eq!(sp.info.assessable_count, 370);
    assert!(sp.info.owner_org_id.is_none());
    let mapped = view.index().map(builtin::CSF_2_0, "PR.AA-01", builtin::SP_800_53_R5);
    assert!(mapped.iter().any(|m| sp.framework.node(&m.target.ref_id).is_some()), "links land on imported controls");

    let again =
        db.store.import_catalog_file(owner, HIGH, "high.json", Format::Auto, Some(builtin::SP_800_53_R5), None).await;
    assert_eq!(again.unwrap().frameworks[0].3, ImportStatus::Unchanged);
    assert_eq!(audit_entries(&db.store).await, entries, "re-importing an identical version writes nothing");
    assert!(std::sync::Arc::ptr_eq(&view, &db.store.catalog_view(None).await.unwrap()), "the cache is kept");
}

#[tokio::test]
async fn a_new_version_is_added_alongside_and_the_old_one_stays_readable() {
    let db = db().await;
    let owner = || CatalogOwner::Global(cli());
    db.store
        .import_catalog_file(owner(), &json(&[custom("acme", "1", "Old")]), "v1.json", Format::Auto, None, None)
        .await
        .unwrap();
    db.store
        .import_catalog_file(owner(), &json(&[custom("acme", "2", "New")]), "v2.json", Format::Auto, None, None)
        .await
        .unwrap();
    let view = db.store.catalog_view(None).await.unwrap();
    let versions: Vec<&str> = view.versions("acme").iter().map(|f| f.info.version.as_str()).collect();
    assert_eq!(versions, ["1", "2"]);
    assert_eq!(view.get("acme", None).unwrap().framework.node("A-1").unwrap().title.en, "New");
    assert_eq!(view.get("acme", Some("1")).unwrap().framework.node("A-1").unwrap().title.en, "Old");
    assert_eq!(view.get_ref("acme@1").unwrap().info.version, "1");

    let clash = db
        .store
        .import_catalog_file(owner(), &json(&[custom("acme", "1", "Changed")]), "v1b.json", Format::Auto, None, None)
        .await;
    assert!(matches!(clash, Err(CatalogImportError::Store(StoreError::Conflict(_)))), "{clash:?}");
}

#[tokio::test]
async fn a_failing_import_leaves_nothing_behind() {
    let db = db().await;
    let owner = || CatalogOwner::Global(cli());
    db.store
        .import_catalog_file(owner(), &json(&[custom("acme", "1", "Old")]), "v1.json", Format::Auto, None, None)
        .await
        .unwrap();
    let entries = audit_entries(&db.store).await;
    // The first framework of the file is new, the second conflicts: neither may be stored.
    let file = json(&[custom("other", "1", "X"), custom("acme", "1", "Changed")]);
    let err = db.store.import_catalog_file(owner(), &file, "two.json", Format::Auto, None, None).await;
    assert!(matches!(err, Err(CatalogImportError::Store(StoreError::Conflict(_)))));
    let view = db.store.catalog_view(None).await.unwrap();
    assert!(view.get("other", None).is_none());
    assert_eq!(audit_entries(&db.store).await, entries);

    let broken = b"{\"catalog\": {\"uuid\": \"x\",\n \"metadata\": }";
    let err = db.store.import_catalog_file(owner(), broken, "bad.json", Format::Auto, None, None).await;
    let Err(CatalogImportError::Parse(e)) = err else { panic!("expected a located parse error, got {err:?}") };
    assert_eq!(e.file, "bad.json");
    assert!(matches!(e.location, mamori_catalog::Location::Line { line: 2, .. }), "{e}");
    assert_eq!(audit_entries(&db.store).await, entries);
}

#[tokio::test]
async fn tenant_private_frameworks_are_invisible_to_other_tenants() {
    let db = db().await;
    db.store.sync_builtin_catalog().await.unwrap();
    let a = member(&db.store, "a@example.com", "org-a", Role::Admin, false).await;
    let b = member(&db.store, "b@example.com", "org-b", Role::Admin, false).await;
    let viewer = member(&db.store, "v@example.com", "org-a", Role::Viewer, false).await;
    let file = json(&[custom("acme-private", "1", "Ours")]);

    let denied =
        db.store.import_catalog_file(CatalogOwner::Tenant(&viewer), &file, "p.json", Format::Auto, None, None).await;
    assert!(matches!(denied, Err(CatalogImportError::Store(StoreError::Forbidden(_)))));
    let not_admin =
        db.store.import_catalog_file(CatalogOwner::PlatformAdmin(&a), &file, "p.json", Format::Auto, None, None).await;
    assert!(matches!(not_admin, Err(CatalogImportError::Store(StoreError::Forbidden(_)))));

    db.store.import_catalog_file(CatalogOwner::Tenant(&a), &file, "p.json", Format::Auto, None, None).await.unwrap();
    let va = db.store.catalog_view(Some(&a)).await.unwrap();
    let private = va.get("acme-private", None).unwrap();
    assert_eq!(private.info.owner_org_id.as_deref(), Some(a.org_id()));
    assert!(va.get(builtin::CSF_2_0, None).is_some(), "tenants see the global catalog too");
    assert!(db.store.catalog_view(Some(&viewer)).await.unwrap().get("acme-private", None).is_some());
    assert!(db.store.catalog_view(Some(&b)).await.unwrap().get("acme-private", None).is_none());
    assert!(db.store.catalog_view(None).await.unwrap().get("acme-private", None).is_none());

    // Another tenant may use the same id privately without seeing the first one.
    db.store.import_catalog_file(CatalogOwner::Tenant(&b), &file, "p.json", Format::Auto, None, None).await.unwrap();
    assert_eq!(db.store.catalog_view(Some(&b)).await.unwrap().versions("acme-private").len(), 1);

    let shadow = json(&[custom(builtin::CSF_2_0, "9", "Fake")]);
    let err = db.store.import_catalog_file(CatalogOwner::Tenant(&a), &shadow, "s.json", Format::Auto, None, None).await;
    assert!(matches!(err, Err(CatalogImportError::Store(StoreError::Conflict(_)))));

    assert!(matches!(
        db.store.delete_tenant_framework(&viewer, "acme-private", None).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        db.store.delete_tenant_framework(&a, builtin::CSF_2_0, None).await,
        Err(StoreError::Forbidden(_))
    ));
    assert_eq!(db.store.delete_tenant_framework(&a, "acme-private", None).await.unwrap(), 1);
    assert!(db.store.catalog_view(Some(&a)).await.unwrap().get("acme-private", None).is_none());
    assert!(db.store.catalog_view(Some(&b)).await.unwrap().get("acme-private", None).is_some());
    let log = db.store.audit_page(&a, None, 50).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"catalog.import") && actions.contains(&"catalog.delete"), "{actions:?}");
}

#[tokio::test]
async fn a_platform_administrator_may_import_into_the_global_catalog() {
    let db = db().await;
    let admin = member(&db.store, "root@example.com", "platform", Role::Viewer, true).await;
    let file = json(&[custom("shared", "1", "Shared")]);
    db.store
        .import_catalog_file(CatalogOwner::PlatformAdmin(&admin), &file, "g.json", Format::Auto, None, None)
        .await
        .unwrap();
    let other = member(&db.store, "o@example.com", "org-o", Role::Viewer, false).await;
    assert!(db.store.catalog_view(Some(&other)).await.unwrap().get("shared", None).is_some());
}

#[tokio::test]
async fn a_profile_resolves_against_a_stored_catalog() {
    let db = db().await;
    let owner = || CatalogOwner::Global(cli());
    db.store.import_catalog_file(owner(), HIGH, "high.json", Format::Auto, Some("sp800-53-high"), None).await.unwrap();
    let profile = include_bytes!("../../catalog/tests/fixtures/NIST_SP-800-53_rev5_LOW-baseline_profile.json");
    let missing = db.store.import_catalog_file(owner(), profile, "low.json", Format::Auto, Some("low"), None).await;
    assert!(matches!(missing, Err(CatalogImportError::Parse(_))), "a profile needs --catalog");
    let report = db
        .store
        .import_catalog_file(owner(), profile, "low.json", Format::Auto, Some("sp800-53-low"), Some("sp800-53-high"))
        .await
        .unwrap();
    assert_eq!(report.frameworks[0].2, 149);
}

const CISO_MAP_OK: &str = "urn: urn:acme:risk:library:acme-map
locale: en
ref_id: acme-map
name: ACME mapping
objects:
  requirement_mapping_set:
    urn: urn:acme:risk:req_mapping_set:acme-to-csf
    source_framework_urn: urn:acme:risk:framework:acme-private
    target_framework_urn: urn:intuitem:risk:framework:nist-csf-2.0
    requirement_mappings:
      - source_requirement_urn: A-1
        target_requirement_urn: urn:intuitem:risk:req_node:nist-csf-2.0:pr.aa-01
        relationship: subset
";

#[tokio::test]
async fn a_mapping_to_an_unknown_urn_is_refused_on_its_line_and_nothing_is_stored() {
    let db = db().await;
    db.store.sync_builtin_catalog().await.unwrap();
    let a = member(&db.store, "a@example.com", "org-a", Role::Admin, false).await;
    let owner = || CatalogOwner::Tenant(&a);
    let file = json(&[custom("acme-private", "1", "Ours")]);
    db.store.import_catalog_file(owner(), &file, "p.json", Format::Auto, None, None).await.unwrap();
    let entries = audit_entries(&db.store).await;
    let bad = CISO_MAP_OK.replace("pr.aa-01", "pr.zz-99");
    let err = db.store.import_catalog_file(owner(), bad.as_bytes(), "map.yaml", Format::Auto, None, None).await;
    let Err(CatalogImportError::Parse(e)) = err else { panic!("expected a located error, got {err:?}") };
    assert_eq!(e.to_string().split(": ").next(), Some("map.yaml:12"), "{e}");
    assert!(db.store.catalog_view(Some(&a)).await.unwrap().crosswalk("acme-to-csf").is_none());
    assert_eq!(audit_entries(&db.store).await, entries, "nothing was written");

    let report = db
        .store
        .import_catalog_file(owner(), CISO_MAP_OK.as_bytes(), "map.yaml", Format::Auto, None, None)
        .await
        .unwrap();
    assert_eq!(report.crosswalks, [("acme-to-csf".to_owned(), 1, ImportStatus::Added)]);
    let view = db.store.catalog_view(Some(&a)).await.unwrap();
    let mapped = view.index().map("acme-private", "A-1", builtin::CSF_2_0);
    assert_eq!(mapped.iter().map(|m| m.target.ref_id.as_str()).collect::<Vec<_>>(), ["PR.AA-01"]);
}

#[tokio::test]
async fn private_frameworks_and_crosswalks_are_deleted_unless_pinned_and_builtins_never() {
    let db = db().await;
    db.store.sync_builtin_catalog().await.unwrap();
    let a = member(&db.store, "a@example.com", "org-a", Role::Admin, false).await;
    let b = member(&db.store, "b@example.com", "org-b", Role::Admin, false).await;
    let owner = || CatalogOwner::Tenant(&a);
    let file = json(&[custom("acme-private", "1", "Ours")]);
    db.store.import_catalog_file(owner(), &file, "p.json", Format::Auto, None, None).await.unwrap();
    db.store.import_catalog_file(owner(), CISO_MAP_OK.as_bytes(), "m.yaml", Format::Auto, None, None).await.unwrap();

    let builtin = db.store.delete_tenant_framework(&a, builtin::CSF_2_0, None).await;
    assert!(matches!(builtin, Err(StoreError::Forbidden(_))), "{builtin:?}");
    let global_xw = db.store.catalog_view(None).await.unwrap().crosswalks()[0].id.clone();
    assert!(matches!(db.store.delete_tenant_crosswalk(&a, &global_xw).await, Err(StoreError::Forbidden(_))));
    assert!(matches!(db.store.delete_tenant_crosswalk(&b, "acme-to-csf").await, Err(StoreError::NotFound)));

    // An assessment of the organization pinned to the framework blocks the deletion. Assessments
    // are created for built-in frameworks only so far, so the pin is written directly.
    let raw = db._guard.raw().await;
    let sql = format!(
        "INSERT INTO assessments (id, org_id, framework_id, framework_version, title, scope_kind, scope_name, state, \
         created_by, created_by_label, assessed_on, created_at, updated_at) VALUES ('pin-1', '{}', 'acme-private', '1', \
         'Pinned', 'company', 'ACME', 'draft', '{}', 'test', '2026-01-01', 0, 0)",
        a.org_id(),
        a.actor().user_id().unwrap()
    );
    db::exec(&raw, &sql).await;
    assert_eq!(db.store.catalog_pins(&a, "acme-private", None).await.unwrap(), 1);
    assert_eq!(db.store.catalog_pins(&a, "acme-private", Some("2")).await.unwrap(), 0);
    let entries = audit_entries(&db.store).await;
    let pinned = db.store.delete_tenant_framework(&a, "acme-private", None).await;
    assert!(matches!(&pinned, Err(StoreError::Conflict(m)) if m.contains("pinned")), "{pinned:?}");
    assert!(db.store.catalog_view(Some(&a)).await.unwrap().get("acme-private", None).is_some());
    assert_eq!(audit_entries(&db.store).await, entries);
    db::exec(&raw, "DELETE FROM assessments WHERE id = 'pin-1'").await;

    db.store.delete_tenant_crosswalk(&a, "acme-to-csf").await.unwrap();
    assert_eq!(db.store.delete_tenant_framework(&a, "acme-private", None).await.unwrap(), 1);
    let view = db.store.catalog_view(Some(&a)).await.unwrap();
    assert!(view.crosswalk("acme-to-csf").is_none() && view.get("acme-private", None).is_none());
    let log = db.store.audit_page(&a, None, 50).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"catalog.delete_crosswalk") && actions.contains(&"catalog.delete"), "{actions:?}");
}
