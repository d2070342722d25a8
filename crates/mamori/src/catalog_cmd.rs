//! `mamori catalog …`: list, show, import, export, diff and map frameworks from the command line,
//! plus the catalog benchmark.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use mamori_catalog::{ExportFormat, Format, Framework, Mapping, Relation, builtin};
use mamori_store::{AdminPath, CatalogImportError, CatalogOwner, CatalogView, DbConfig, Store, Tenant};
use serde_json::json;

/// Prints a line; a closed pipe (`| head`) ends the output quietly instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Arguments of `mamori catalog`.
#[derive(Args, Debug)]
pub struct CatalogArgs {
    /// Act for this organization (slug): see and import its private frameworks.
    #[arg(long, global = true)]
    org: Option<String>,
    #[command(subcommand)]
    cmd: CatalogCmd,
}

#[derive(Subcommand, Debug)]
enum CatalogCmd {
    /// List frameworks (latest version of each).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show a framework as a tree of ref_ids and titles.
    Show {
        id: String,
        #[arg(long)]
        version: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Import frameworks or mappings from a file; all of it or nothing.
    Import {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
        format: FormatArg,
        /// Store the framework under this id (e.g. nist-sp-800-53-r5 for the SP 800-53 catalog).
        #[arg(long)]
        id: Option<String>,
        /// Catalog (id or id@version) to resolve an OSCAL profile against.
        #[arg(long)]
        catalog: Option<String>,
    },
    /// Export a framework (or a crosswalk, by its id) to a file or standard output.
    Export {
        id: String,
        #[arg(long, value_enum)]
        format: ExportArg,
        #[arg(long)]
        version: Option<String>,
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
    },
    /// Added, removed and changed nodes from A to B (each `id`, `id@version` or a file path).
    Diff {
        a: String,
        b: String,
        #[arg(long)]
        json: bool,
    },
    /// Links from framework FROM into framework TO, direct and through one pivot framework.
    Map {
        from: String,
        to: String,
        /// Only this node of FROM.
        #[arg(long)]
        node: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FormatArg {
    Auto,
    Oscal,
    OscalProfile,
    CisoAssistant,
    Csv,
    Xlsx,
    CpsfCsv,
    JcstarCsv,
    MamoriJson,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ExportArg {
    Oscal,
    OscalXml,
    Csv,
    Xlsx,
    CisoAssistant,
    Json,
}

fn operator() -> String {
    std::env::var("USER").unwrap_or_else(|_| "operator".into())
}

/// The format to pass to the importer; OSCAL XML and JSON are told apart by the first byte.
fn import_format(arg: FormatArg, bytes: &[u8]) -> Format {
    let xml = String::from_utf8_lossy(&bytes[..bytes.len().min(64)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<');
    match arg {
        FormatArg::Auto => Format::Auto,
        FormatArg::Oscal | FormatArg::OscalProfile if xml => Format::OscalXml,
        FormatArg::Oscal | FormatArg::OscalProfile => Format::OscalJson,
        FormatArg::CisoAssistant => Format::CisoAssistant,
        FormatArg::Csv => Format::Csv,
        FormatArg::Xlsx => Format::Xlsx,
        FormatArg::CpsfCsv => Format::CpsfCsv,
        FormatArg::JcstarCsv => Format::JcStarCsv,
        FormatArg::MamoriJson => Format::MamoriJson,
    }
}

/// Runs one catalog subcommand against the configured database.
pub async fn run(db: &DbConfig, args: CatalogArgs) -> anyhow::Result<std::process::ExitCode> {
    let store = Store::open(db).await.with_context(|| format!("cannot open the database {}", db.redacted()))?;
    store.sync_builtin_catalog().await.context("cannot load the built-in catalog")?;
    let tenant = match &args.org {
        Some(slug) => Some(
            store
                .admin_tenant(slug, AdminPath::Cli { operator: operator() })
                .await
                .with_context(|| format!("no organization '{slug}'"))?,
        ),
        None => None,
    };
    let result = dispatch(&store, tenant.as_ref(), args.cmd).await;
    store.close().await?;
    result.map(|()| std::process::ExitCode::SUCCESS)
}

async fn dispatch(store: &Store, tenant: Option<&Tenant>, cmd: CatalogCmd) -> anyhow::Result<()> {
    match cmd {
        CatalogCmd::List { json } => list(&*store.catalog_view(tenant).await?, json),
        CatalogCmd::Show { id, version, json } => {
            let view = store.catalog_view(tenant).await?;
            let fw = framework(&view, &id, version.as_deref())?;
            show(&fw, json)
        }
        CatalogCmd::Import { file, format, id, catalog } => {
            if format == FormatArg::OscalProfile && catalog.is_none() {
                bail!("--format oscal-profile needs --catalog ID to resolve the profile against");
            }
            import(store, tenant, &file, format, id.as_deref(), catalog.as_deref()).await
        }
        CatalogCmd::Export { id, format, version, output } => {
            let view = store.catalog_view(tenant).await?;
            let bytes = export(&view, &id, version.as_deref(), format)?;
            match output {
                Some(path) => {
                    std::fs::write(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
            Ok(())
        }
        CatalogCmd::Diff { a, b, json } => {
            let view = store.catalog_view(tenant).await?;
            let (fa, fb) = (resolve_operand(&view, &a)?, resolve_operand(&view, &b)?);
            let d = mamori_catalog::diff(&fa, &fb);
            if json {
                say!("{}", serde_json::to_string_pretty(&d)?);
            } else {
                say!("{}@{} → {}@{}", fa.id, fa.version, fb.id, fb.version);
                for r in &d.added {
                    say!("+ {r}");
                }
                for r in &d.removed {
                    say!("- {r}");
                }
                for c in &d.changed {
                    say!("~ {} ({})", c.ref_id, c.fields.join(", "));
                }
                say!("{} added, {} removed, {} changed", d.added.len(), d.removed.len(), d.changed.len());
            }
            Ok(())
        }
        CatalogCmd::Map { from, to, node, json } => map(&*store.catalog_view(tenant).await?, &from, &to, node, json),
    }
}

fn framework(view: &CatalogView, id: &str, version: Option<&str>) -> anyhow::Result<Arc<Framework>> {
    let found = match version {
        Some(v) => view.get(id, Some(v)),
        None => view.get_ref(id),
    };
    match found {
        Some(f) => Ok(f.framework.clone()),
        None => bail!(
            "no framework '{id}'{} in the catalog; see `mamori catalog list`",
            match version {
                Some(v) => format!(" version '{v}'"),
                None => String::new(),
            }
        ),
    }
}

fn resolve_operand(view: &CatalogView, operand: &str) -> anyhow::Result<Arc<Framework>> {
    let path = Path::new(operand);
    if path.is_file() {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {operand}"))?;
        let mut got = mamori_catalog::import(&bytes, operand, Format::Auto)?;
        if got.frameworks.is_empty() {
            bail!("{operand} holds no framework");
        }
        return Ok(Arc::new(got.frameworks.remove(0)));
    }
    framework(view, operand, None)
}

fn list(view: &CatalogView, json: bool) -> anyhow::Result<()> {
    let latest = view.latest();
    if json {
        let items: Vec<serde_json::Value> = latest
            .iter()
            .map(|f| {
                let fw = &f.framework;
                json!({
                    "id": fw.id,
                    "name": fw.name.get("en"),
                    "name_ja": fw.name.ja,
                    "version": fw.version,
                    "publisher": fw.publisher,
                    "published": fw.published,
                    "requirements": f.info.assessable_count,
                    "expected_requirements": fw.expected_assessable,
                    "nodes": f.info.node_count,
                    "verification": fw.verification,
                    "builtin": f.info.builtin,
                    "owner_org_id": f.info.owner_org_id,
                    "versions": view.versions(&fw.id).iter().map(|v| v.info.version.clone()).collect::<Vec<_>>(),
                })
            })
            .collect();
        say!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(());
    }
    say!("{:<40} {:>7}  {:<24} NAME", "ID", "REQS", "VERSION");
    for f in latest {
        let fw = &f.framework;
        let reqs = match fw.expected_assessable {
            Some(e) if e as i64 != f.info.assessable_count => format!("{}/{e}", f.info.assessable_count),
            _ => f.info.assessable_count.to_string(),
        };
        let scope = if f.info.owner_org_id.is_some() { " (private)" } else { "" };
        say!("{:<40} {:>7}  {:<24} {}{scope}", fw.id, reqs, fw.version, fw.name.get("en"));
    }
    Ok(())
}

fn show(fw: &Framework, json: bool) -> anyhow::Result<()> {
    if json {
        say!("{}", serde_json::to_string_pretty(fw)?);
        return Ok(());
    }
    say!("{} — {} ({})", fw.id, fw.name.get("en"), fw.version);
    if !fw.name.ja.is_empty() {
        say!("{}", fw.name.ja);
    }
    say!("publisher: {}  requirements: {}  nodes: {}", fw.publisher, fw.assessable_count(), fw.nodes.len());
    fn walk(fw: &Framework, parent: Option<&str>, depth: usize) {
        for n in fw.nodes.iter().filter(|n| n.parent.as_deref() == parent) {
            let mark = if n.assessable { "•" } else { "▸" };
            let title = n.title.get("en");
            let ja = if !n.title.ja.is_empty() && n.title.ja != title {
                format!(" / {}", n.title.ja)
            } else {
                String::new()
            };
            say!("{}{mark} {}  {title}{ja}", "  ".repeat(depth), n.ref_id);
            if depth < 16 {
                walk(fw, Some(&n.ref_id), depth + 1);
            }
        }
    }
    walk(fw, None, 0);
    Ok(())
}

async fn import(
    store: &Store,
    tenant: Option<&Tenant>,
    file: &Path,
    format: FormatArg,
    id: Option<&str>,
    catalog: Option<&str>,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.display().to_string();
    let bar = (bytes.len() > 256 * 1024).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(format!("importing {name} ({} KiB)", bytes.len() / 1024));
        pb.enable_steady_tick(Duration::from_millis(100));
        pb
    });
    let owner = match tenant {
        Some(t) => CatalogOwner::Tenant(t),
        None => CatalogOwner::Global(AdminPath::Cli { operator: operator() }),
    };
    let result = store.import_catalog_file(owner, &bytes, &name, import_format(format, &bytes), id, catalog).await;
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    let report = match result {
        Ok(r) => r,
        Err(CatalogImportError::Parse(e)) => bail!("{e}"),
        Err(CatalogImportError::Store(e)) => bail!("{name}: {e}"),
    };
    for (id, version, reqs, status) in &report.frameworks {
        say!("framework {id}@{version}: {reqs} requirements ({})", json!(status).as_str().unwrap_or(""));
    }
    for (id, links, status) in &report.crosswalks {
        say!("crosswalk {id}: {links} links ({})", json!(status).as_str().unwrap_or(""));
    }
    Ok(())
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn export(view: &CatalogView, id: &str, version: Option<&str>, format: ExportArg) -> anyhow::Result<Vec<u8>> {
    let fmt = match format {
        ExportArg::Oscal => ExportFormat::OscalJson,
        ExportArg::OscalXml => ExportFormat::OscalXml,
        ExportArg::Csv => ExportFormat::Csv,
        ExportArg::Xlsx => ExportFormat::Xlsx,
        ExportArg::CisoAssistant => ExportFormat::CisoAssistant,
        ExportArg::Json => ExportFormat::MamoriJson,
    };
    let fw_found = match version {
        Some(v) => view.get(id, Some(v)),
        None => view.get_ref(id),
    };
    if let Some(f) = fw_found {
        return Ok(mamori_catalog::export(&f.framework, fmt, &now_rfc3339())?);
    }
    let Some(xw) = view.crosswalk_full(id) else {
        bail!("no framework or crosswalk '{id}' in the catalog; see `mamori catalog list`");
    };
    let frameworks: Vec<Framework> = view.latest().iter().map(|f| (*f.framework).clone()).collect();
    Ok(mamori_catalog::export_crosswalk(&xw, &frameworks, fmt, &now_rfc3339())?)
}

fn relation_text(r: Relation) -> String {
    json!(r).as_str().unwrap_or("").to_owned()
}

fn map(view: &CatalogView, from: &str, to: &str, node: Option<String>, json_out: bool) -> anyhow::Result<()> {
    let rows: Vec<(String, Vec<Mapping>)> = match &node {
        Some(n) => vec![(n.clone(), view.index().map(from, n, to))],
        None => {
            let fw = framework(view, from, None)?;
            view.map_all(&fw, to)
        }
    };
    let links = view.index().links();
    let describe = |m: &Mapping| {
        let via: Vec<serde_json::Value> = m
            .links
            .iter()
            .filter_map(|&i| links.get(i))
            .map(|l| {
                json!({"crosswalk": l.crosswalk, "authorship": view.authorship_of(l),
                    "relation": l.relation, "confidence": l.confidence, "rationale": l.rationale})
            })
            .collect();
        (via, m.pivot.as_ref().map(|p| format!("{}:{}", p.framework, p.ref_id)))
    };
    if json_out {
        let mut out = Vec::new();
        for (source, ms) in &rows {
            for m in ms {
                let (via, pivot) = describe(m);
                out.push(json!({"source": {"framework": from, "ref_id": source}, "target": m.target,
                    "relation": m.relation, "confidence": m.confidence, "pivot": pivot, "links": via}));
            }
        }
        say!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let mut count = 0;
    for (source, ms) in &rows {
        for m in ms {
            count += 1;
            let (via, pivot) = describe(m);
            let authors: Vec<String> = via
                .iter()
                .map(|v| {
                    format!("{} ({})", v["crosswalk"].as_str().unwrap_or(""), v["authorship"].as_str().unwrap_or("?"))
                })
                .collect();
            say!(
                "{source:<14} {:<11} {:<14} {:<7} {}{}",
                relation_text(m.relation),
                m.target.ref_id,
                relation_text_conf(m),
                pivot.map(|p| format!("via {p}; ")).unwrap_or_default(),
                authors.join(" + ")
            );
        }
    }
    say!("{count} mapping(s) from {from} to {to}");
    Ok(())
}

fn relation_text_conf(m: &Mapping) -> String {
    json!(m.confidence).as_str().unwrap_or("").to_owned()
}

/// `mamori bench catalog`: stores the SP 800-53 HIGH resolved catalog in a fresh SQLite database
/// and lists crosswalk links through the cached view.
pub async fn bench(file: &Path, runs: u32) -> anyhow::Result<std::process::ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut import_times = Vec::new();
    let mut last: Option<(Store, PathBuf)> = None;
    for _ in 0..runs.max(1) {
        if let Some((s, dir)) = last.take() {
            s.close().await?;
            let _ = std::fs::remove_dir_all(dir);
        }
        let dir = std::env::temp_dir().join(format!("mamori-bench-{}", uuid_like()));
        let store = Store::open(&DbConfig::Sqlite { data_dir: dir.clone() }).await?;
        store.sync_builtin_catalog().await?;
        let start = Instant::now();
        let owner = CatalogOwner::Global(AdminPath::Cli { operator: "bench".into() });
        let report = store
            .import_catalog_file(owner, &bytes, "high.json", Format::Auto, Some(builtin::SP_800_53_R5), None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        import_times.push(start.elapsed());
        if report.frameworks.first().map(|f| f.2) != Some(370) {
            eprintln!("note: the file did not give 370 requirements: {:?}", report.frameworks);
        }
        last = Some((store, dir));
    }
    let Some((store, dir)) = last else { bail!("no run") };
    let cold = Instant::now();
    let view = store.catalog_view(None).await?;
    let cold = cold.elapsed();
    let mut best_list = Duration::MAX;
    let mut best_warm = Duration::MAX;
    let mut n = 0;
    for _ in 0..200 {
        let start = Instant::now();
        n = std::hint::black_box(view.links_for(builtin::CSF_2_0).len());
        best_list = best_list.min(start.elapsed());
        let start = Instant::now();
        let v = store.catalog_view(None).await?;
        std::hint::black_box(v.links_for(builtin::CSF_2_0).len());
        best_warm = best_warm.min(start.elapsed());
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let best_import = import_times.iter().min().copied().unwrap_or_default();
    let mean_import = import_times.iter().sum::<Duration>() / import_times.len().max(1) as u32;
    say!(
        "import {} through the store: best {:.1} ms, mean {:.1} ms over {} runs (target < 1000 ms)",
        file.display(),
        ms(best_import),
        ms(mean_import),
        import_times.len()
    );
    say!("build the cached view (parse + index) after the import: {:.1} ms", ms(cold));
    say!(
        "list all {n} crosswalk links of {} from the cached index: best {:.3} ms (target < 10 ms)",
        builtin::CSF_2_0,
        ms(best_list)
    );
    say!("same, including the cache freshness query: best {:.3} ms", ms(best_warm));
    store.close().await?;
    let _ = std::fs::remove_dir_all(dir);
    Ok(std::process::ExitCode::SUCCESS)
}

fn uuid_like() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    format!("{:016x}{:08x}", rng.r#gen::<u64>(), std::process::id())
}
