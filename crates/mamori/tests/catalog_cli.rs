//! `mamori catalog …` end to end: the built binary against a temporary data directory.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// NIST's public-domain OSCAL files, shared with the catalog crate's tests (see its fixtures README).
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog/tests/fixtures").join(name)
}

const HIGH: &str = "NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json";

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Cli {
        Cli { dir: tempfile::tempdir().unwrap() }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_mamori"))
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .args(args)
            .env("MAMORI_LOG", "warn")
            .env_remove("MAMORI_DATABASE_URL")
            .env_remove("MAMORI_CONFIG")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

fn entry<'a>(list: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    list.as_array().unwrap().iter().find(|e| e["id"] == id).unwrap_or_else(|| panic!("{id} not listed in {list}"))
}

#[test]
fn the_high_catalog_imports_lists_370_requirements_and_round_trips_through_export() {
    let cli = Cli::new();
    let high = fixture(HIGH).display().to_string();
    let out = cli.ok(&["catalog", "import", &high, "--id", "nist-sp-800-53-r5"]);
    assert!(out.contains("nist-sp-800-53-r5@") && out.contains("370 requirements (added)"), "{out}");

    let list = cli.json(&["catalog", "list", "--json"]);
    let sp = entry(&list, "nist-sp-800-53-r5");
    assert_eq!(sp["requirements"], 370);
    assert!(sp["name"].as_str().unwrap().contains("800-53"));
    assert!(sp["version"].is_string());
    assert_eq!(entry(&list, "nist-csf-2.0")["requirements"], 106);
    assert_eq!(entry(&list, "meti-cpsf-1.0")["expected_requirements"], 104);

    let again = cli.ok(&["catalog", "import", &high, "--id", "nist-sp-800-53-r5"]);
    assert!(again.contains("(unchanged)"), "{again}");

    let original = cli.json(&["catalog", "show", "nist-sp-800-53-r5", "--json"]);
    for (format, id) in [("oscal", "rt-oscal"), ("oscal-xml", "rt-oscal-xml"), ("json", "rt-json")] {
        let file = cli.path(&format!("export-{format}"));
        cli.ok(&["catalog", "export", "nist-sp-800-53-r5", "--format", format, "-o", &file]);
        cli.ok(&["catalog", "import", &file, "--id", id]);
        let back = cli.json(&["catalog", "show", id, "--json"]);
        assert_eq!(back["nodes"], original["nodes"], "{format} export re-imports losslessly");
        assert_eq!(back["version"], original["version"]);
        let diff = cli.ok(&["catalog", "diff", "nist-sp-800-53-r5", &file]);
        assert!(diff.contains("0 added, 0 removed, 0 changed"), "{format}: {diff}");
    }
}

#[test]
fn a_malformed_file_gives_a_located_error_and_changes_nothing() {
    let cli = Cli::new();
    let before = cli.ok(&["catalog", "list", "--json"]);
    let audit_before = cli.ok(&["audit", "verify"]);
    let bad = cli.path("bad.json");
    std::fs::write(&bad, "{\"catalog\": {\"uuid\": \"x\",\n  \"metadata\": }\n}").unwrap();
    let out = cli.run(&["catalog", "import", &bad]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.json:2:15: syntax error"), "{err}");

    let yaml = cli.path("lib.yaml");
    std::fs::write(
        &yaml,
        "urn: urn:x:risk:library:y\nobjects:\n  framework:\n    urn: urn:x:risk:framework:y\n    ref_id: y\n    requirement_nodes:\n      - urn: urn:x:1\n        parent_urn: urn:x:nope\n",
    )
    .unwrap();
    let out = cli.run(&["catalog", "import", &yaml, "--format", "ciso-assistant"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("lib.yaml:8: field \"parent_urn\": no node has urn \"urn:x:nope\""), "{err}");

    let profile = fixture("NIST_SP-800-53_rev5_LOW-baseline_profile.json").display().to_string();
    let out = cli.run(&["catalog", "import", &profile, "--format", "oscal-profile"]);
    assert!(!out.status.success(), "a profile without --catalog is refused");

    assert_eq!(cli.ok(&["catalog", "list", "--json"]), before);
    assert_eq!(cli.ok(&["audit", "verify"]), audit_before, "no audit entry, so nothing was written");
}

#[test]
fn map_lists_nists_csf_to_iso_links_with_their_types_and_provenance() {
    let cli = Cli::new();
    let all = cli.json(&["catalog", "map", "nist-csf-2.0", "iso-iec-27001-2022", "--json"]);
    let all = all.as_array().unwrap();
    let direct: Vec<_> = all.iter().filter(|m| m["pivot"].is_null()).collect();
    assert_eq!(direct.len(), 291, "every vendored CPRT link is listed");
    for m in &direct {
        assert_eq!(m["relation"], "related");
        assert_eq!(m["links"][0]["authorship"], "official");
        assert_eq!(m["links"][0]["crosswalk"], "nist-csf-2.0--iso-iec-27001-2022");
    }
    let one = cli.json(&["catalog", "map", "nist-csf-2.0", "iso-iec-27001-2022", "--node", "GV.OC-03", "--json"]);
    let targets: Vec<&str> = one.as_array().unwrap().iter().map(|m| m["target"]["ref_id"].as_str().unwrap()).collect();
    assert_eq!(targets, ["5.20", "5.31"]);

    // Through a pivot: an SCS requirement reaches ISO 27001 via CSF 2.0, with both authorships named.
    let text = cli.ok(&["catalog", "map", "meti-scs-evaluation", "iso-iec-27001-2022", "--node", "4-3-4"]);
    assert!(text.contains("via nist-csf-2.0:") && text.contains("(ours)") && text.contains("(official)"), "{text}");

    let show = cli.ok(&["catalog", "show", "nist-csf-2.0"]);
    assert!(show.contains("GV.OC-01"), "{show}");
}

#[test]
fn a_custom_framework_round_trips_through_the_xlsx_template() {
    let cli = Cli::new();
    let csv = fixture("custom-template.csv").display().to_string();
    let out = cli.ok(&["catalog", "import", &csv]);
    assert!(out.contains("acme-supplier-baseline@2.1: 3 requirements (added)"), "{out}");
    let xlsx = cli.path("acme.xlsx");
    cli.ok(&["catalog", "export", "acme-supplier-baseline", "--format", "xlsx", "-o", &xlsx]);
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"), "an XLSX (ZIP) file");
    let out = cli.ok(&["catalog", "import", &xlsx]);
    assert!(out.contains("acme-supplier-baseline@2.1: 3 requirements (unchanged)"), "detected and identical: {out}");

    // A workbook with a bad cell is refused with the cell's address.
    let bad = cli.path("bad.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let meta = wb.add_worksheet();
    meta.set_name("Framework").unwrap();
    meta.write_string(0, 0, "framework_id").unwrap();
    meta.write_string(0, 1, "acme-bad").unwrap();
    let nodes = wb.add_worksheet();
    nodes.set_name("Nodes").unwrap();
    for (c, h) in ["ref_id", "parent", "kind"].iter().enumerate() {
        nodes.write_string(0, c as u16, *h).unwrap();
    }
    nodes.write_string(6, 0, "X-1").unwrap();
    nodes.write_string(6, 2, "chapter").unwrap();
    wb.save(&bad).unwrap();
    let out = cli.run(&["catalog", "import", &bad]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.xlsx: Nodes!C7: field \"kind\": unknown value \"chapter\""), "{err}");
}
