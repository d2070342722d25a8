//! `mamori assess`: list, export (xlsx, csv, json, oscal, pdf, html) and import assessments from the command line.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Subcommand;
use mamori_store::assess::plan;
use mamori_store::{AdminPath, Store};

#[derive(Subcommand, Debug)]
pub enum AssessCmd {
    /// List assessments (all organizations; the operator's view).
    List {
        /// Print JSON (an array of objects with at least `id`).
        #[arg(long)]
        json: bool,
    },
    /// Export one assessment.
    Export {
        id: String,
        /// xlsx, csv, json, oscal, pdf or html.
        #[arg(long)]
        format: String,
        /// Report language: ja or en.
        #[arg(long, default_value = "ja")]
        lang: String,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Import a filled XLSX (as exported) back into its assessment; all rows or none.
    Import {
        file: PathBuf,
        /// The assessment to fill; defaults to the one named in the file's Meta sheet.
        #[arg(long)]
        id: Option<String>,
    },
}

fn operator() -> AdminPath {
    AdminPath::Cli { operator: std::env::var("USER").unwrap_or_else(|_| "operator".into()) }
}

pub async fn run(store: &Store, cmd: AssessCmd) -> anyhow::Result<std::process::ExitCode> {
    match cmd {
        AssessCmd::List { json } => {
            let rows = store.admin_all_assessments(operator(), 0, 10_000).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for a in rows {
                    println!(
                        "{}  {:<10} {:>4}/{:<4} {}  {} ({})",
                        a.id,
                        a.state.code(),
                        a.answered,
                        a.total,
                        a.assessed_on,
                        a.title,
                        a.framework_id
                    );
                }
            }
        }
        AssessCmd::Export { id, format, lang, output } => {
            let bytes = export(store, &id, &format, &lang).await?;
            std::fs::write(&output, &bytes).with_context(|| format!("cannot write {}", output.display()))?;
            println!("wrote {} ({} bytes)", output.display(), bytes.len());
        }
        AssessCmd::Import { file, id } => import(store, &file, id).await?,
    }
    Ok(std::process::ExitCode::SUCCESS)
}

async fn export(store: &Store, id: &str, format: &str, lang: &str) -> anyhow::Result<Vec<u8>> {
    let t = store.admin_tenant_for_assessment(id, operator()).await.context("no such assessment")?;
    let lang = match lang {
        "ja" => mamori_assess::Lang::Ja,
        "en" => mamori_assess::Lang::En,
        other => bail!("--lang must be ja or en, not '{other}'"),
    };
    let (info, scores) = store.assessment_scores(&t, id).await?;
    let p = plan(&info.framework_id, &info.framework_version).context("unknown framework version")?;
    let answers = store.answers(&t, id).await?;
    let evidence = store.assessment_evidence(&t, id).await?;
    let trend = store.assessment_trend(&t, &info.framework_id).await?;
    let org = store.org(&t).await?;
    let input = mamori_report::ReportInput {
        info: &info,
        org_name: &org.name,
        plan: &p,
        answers: &answers,
        evidence: &evidence,
        scores: &scores,
        trend: Some(&trend),
    };
    Ok(match format {
        "xlsx" => mamori_report::xlsx::export(&input)?,
        "csv" => mamori_report::formats::csv(&input)?,
        "json" => mamori_report::formats::json(&input)?,
        "oscal" => {
            let now = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339)?;
            let mut n = 0u64;
            let seed = uuid_seed();
            mamori_report::formats::oscal(&input, &now, || {
                n += 1;
                format!("{seed}{n:012x}")
            })?
        }
        "html" => mamori_report::html::report(&input, lang).into_bytes(),
        "pdf" => mamori_report::pdf::report(&input, lang)?,
        other => bail!("--format must be xlsx, csv, json, oscal, pdf or html, not '{other}'"),
    })
}

/// A random UUID prefix (8-4-4-4-) so OSCAL identifiers are unique per export.
fn uuid_seed() -> String {
    use rand::Rng;
    let mut r = rand::thread_rng();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-",
        r.r#gen::<u32>(),
        r.r#gen::<u16>(),
        r.r#gen::<u16>() & 0xfff,
        (r.r#gen::<u16>() & 0x3fff) | 0x8000
    )
}

async fn import(store: &Store, file: &Path, id: Option<String>) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    // Find the assessment first (from --id or the Meta sheet), then validate against its framework.
    let meta_id = id.or_else(|| mamori_report::xlsx::meta_assessment_id(&bytes));
    let Some(id) = meta_id else { bail!("the file names no assessment; pass --id") };
    let t = store.admin_tenant_for_assessment(&id, operator()).await.context("no such assessment")?;
    let info = store.assessment(&t, &id).await?;
    let p = plan(&info.framework_id, &info.framework_version).context("unknown framework version")?;
    match mamori_report::xlsx::import(&bytes, &p) {
        Ok(imported) => {
            let n = store.import_answers(&t, &id, &imported.rows).await?;
            println!("imported {n} answer(s) into {id}");
            Ok(())
        }
        Err(issues) => {
            for i in &issues {
                eprintln!("{i}");
            }
            bail!("nothing was imported: {} problem(s)", issues.len())
        }
    }
}
