//! The `mamori` binary: command line, configuration, and the subcommands.

mod assess_cmd;
mod attest_cmd;
mod bench_assess;
mod bench_dashboard;
mod catalog_cmd;
mod config;
mod federate_cmd;
mod intel_cmd;
mod reminders;
mod smtp;

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use mamori_store::{AdminPath, AuditVerify, DbConfig, NewUser, Role, Store};
use mamori_web::{AppState, LogMailer, Mailer, NoMailer, WebConfig};

use config::{DbArgs, FileConfig};

#[derive(Parser, Debug)]
#[command(
    name = "mamori",
    version,
    about = "mamori (守り): industrial cybersecurity platform — supply chain, assessments, threat sharing"
)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    /// Log format: text or json.
    #[arg(long, env = "MAMORI_LOG_FORMAT", global = true)]
    log_format: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the web server (UI, REST API, operations endpoints).
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long, env = "MAMORI_LISTEN")]
        listen: Option<String>,
        /// Seed the demo data set and print its accounts.
        #[arg(long)]
        demo: bool,
        /// External base URL for links in e-mails [default: http://<listen>].
        #[arg(long, env = "MAMORI_PUBLIC_URL")]
        public_url: Option<String>,
        /// Mark cookies Secure (use behind HTTPS).
        #[arg(long, env = "MAMORI_SECURE_COOKIES")]
        secure_cookies: Option<bool>,
        /// Development mode: e-mails (with their one-time links) are written to the log.
        #[arg(long, env = "MAMORI_DEV")]
        dev: bool,
        /// SMTP server for invitations and password resets: smtp://user:pass@host:587?tls=required
        /// (STARTTLS), smtps://user:pass@host:465, or smtp://host:25 (plain, local relay).
        #[arg(long, env = "MAMORI_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// Login attempts allowed at once from one client address (then refilled per minute).
        #[arg(long, env = "MAMORI_LOGIN_BURST")]
        login_burst: Option<u32>,
        /// Login attempts per minute from one client address, after the burst.
        #[arg(long, env = "MAMORI_LOGIN_PER_MINUTE")]
        login_per_minute: Option<u32>,
        /// Sender address of outgoing e-mail.
        #[arg(long, env = "MAMORI_SMTP_FROM", default_value = "mamori <noreply@localhost>")]
        smtp_from: String,
        /// Let federation peers live on internal addresses (loopback, private networks); off,
        /// organization admins cannot point the hub at its own network.
        #[arg(long, env = "MAMORI_FEDERATION_ALLOW_INTERNAL")]
        federation_allow_internal: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administrative tasks.
    Admin {
        #[command(subcommand)]
        cmd: AdminCmd,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Write a consistent copy of the SQLite database to FILE while the server runs.
    Backup {
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Replace the SQLite database with a backup (stop the server first).
    Restore {
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Assessments: list, export and import.
    Assess {
        #[command(subcommand)]
        cmd: assess_cmd::AssessCmd,
    },
    /// The framework catalog: list, show, import, export, diff, map.
    Catalog(catalog_cmd::CatalogArgs),
    /// The information-sharing hub: STIX import and indicator matching.
    Intel {
        #[command(subcommand)]
        cmd: IntelCmd,
    },
    /// Attestations (offline verification).
    Attest {
        #[command(subcommand)]
        cmd: attest_cmd::AttestCmd,
    },
    /// Benchmarks that need no server.
    Bench {
        #[command(subcommand)]
        cmd: BenchCmd,
    },
}

#[derive(Subcommand, Debug)]
enum AdminCmd {
    /// Create a user (password read from standard input) as a member of an organization,
    /// creating the organization when it does not exist.
    CreateUser {
        #[arg(long)]
        email: String,
        /// Organization slug.
        #[arg(long)]
        org: String,
        /// owner, admin, assessor or viewer.
        #[arg(long)]
        role: Role,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value = "ja")]
        lang: String,
        /// Also make the user a platform administrator.
        #[arg(long)]
        platform_admin: bool,
    },
    /// Register an existing user as an expert reviewer (may approve ★3 attestations that
    /// name the user's organization as reviewer), with their registration number.
    RegisterReviewer {
        #[arg(long)]
        email: String,
        /// Registration number, e.g. the RISS (情報処理安全確保支援士) number.
        #[arg(long)]
        registration: String,
    },
}

#[derive(Subcommand, Debug)]
enum IntelCmd {
    /// Import a STIX 2.1 bundle (e.g. ATT&CK for ICS) into a collection.
    Import {
        file: std::path::PathBuf,
        /// API root of the circle.
        #[arg(long, default_value = "council")]
        circle: String,
        /// Collection id or alias.
        #[arg(long, default_value = "shared")]
        collection: String,
        /// The producing organization (needs write access to the collection).
        #[arg(long, default_value = "sharing-hub")]
        org: String,
        /// Level for objects without a TLP marking: clear, green, amber, amber+strict, red
        /// [default: amber].
        #[arg(long, value_parser = parse_tlp)]
        tlp: Option<mamori_intel::tlp::Tlp>,
    },
    /// Match observables (one per line) against the indicators an organization may read.
    Match {
        file: std::path::PathBuf,
        #[arg(long)]
        org: String,
    },
    /// Sync federation peers (remote TAXII 2.1 collections): with --once, every enabled peer
    /// (or the one given with --peer) now; without, the scheduler until Ctrl-C.
    Federate {
        /// The peer's id (see /intel/peers or GET /api/v1/intel/peers).
        #[arg(long)]
        peer: Option<String>,
        /// Sync now and exit (exit code 2 when a peer failed).
        #[arg(long)]
        once: bool,
        /// Allow peers on internal addresses (as `serve --federation-allow-internal`).
        #[arg(long, env = "MAMORI_FEDERATION_ALLOW_INTERNAL")]
        allow_internal: bool,
    },
}

fn parse_tlp(s: &str) -> Result<mamori_intel::tlp::Tlp, String> {
    mamori_intel::tlp::Tlp::parse(s).ok_or_else(|| "use clear, green, amber, amber+strict or red".to_string())
}

#[derive(Subcommand, Debug)]
enum AuditCmd {
    /// Walk the hash chain and report the first broken link.
    Verify,
}

#[derive(Subcommand, Debug)]
enum BenchCmd {
    /// Tiers, roll-up and concentration on a synthetic supply graph.
    SupplyGraph {
        #[arg(long, default_value_t = 1_000_000)]
        orgs: usize,
        #[arg(long, default_value_t = 5_000_000)]
        edges: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Importing an OSCAL catalog through the store, and listing crosswalk links from the cache.
    Catalog {
        /// The SP 800-53 HIGH resolved catalog (OSCAL JSON).
        #[arg(long)]
        file: std::path::PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: u32,
    },
    /// TAXII ingest and first-page latency at 1k, 10k, 100k and 1M objects, then matching (SQLite).
    Taxii {
        #[arg(long, default_value_t = 100_000)]
        objects: usize,
    },
    /// Latency of the assessment list (API page and HTML page) for an organization with many
    /// assessments (temporary SQLite database, in process).
    AssessList {
        #[arg(long, default_value_t = 1_000)]
        assessments: usize,
        #[arg(long, default_value_t = 200)]
        requests: usize,
    },
    /// Latency of the buyer dashboard page for a buyer with many direct suppliers
    /// (temporary SQLite database, in process).
    SupplyDashboard {
        #[arg(long, default_value_t = 10_000)]
        suppliers: usize,
        #[arg(long, default_value_t = 50)]
        requests: usize,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}

fn init_logs(format: &str) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MAMORI_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into());
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        "json" => builder.json().init(),
        "text" => builder.init(),
        other => bail!("--log-format must be text or json, not '{other}'"),
    }
    Ok(())
}

fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    let file = FileConfig::load(cli.db.config.as_deref())?;
    let log_format = cli.log_format.clone().or_else(|| file.log_format.clone()).unwrap_or_else(|| "text".into());
    init_logs(&log_format)?;
    if let Command::Bench { cmd: BenchCmd::SupplyGraph { orgs, edges, seed } } = &cli.command {
        return bench_supply_graph(*orgs, *edges, *seed);
    }
    if let Command::Bench { cmd: BenchCmd::Catalog { file, runs } } = &cli.command {
        let rt =
            tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
        return rt.block_on(catalog_cmd::bench(file, *runs));
    }
    if let Command::Bench { cmd: BenchCmd::Taxii { objects } } = &cli.command {
        let objects = *objects;
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        rt.block_on(intel_cmd::bench(objects))?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    if let Command::Attest { cmd } = cli.command {
        return attest_cmd::run(cmd);
    }
    if let Command::Bench { cmd: BenchCmd::AssessList { assessments, requests } } = &cli.command {
        let rt =
            tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
        return rt.block_on(bench_assess::run(*assessments, *requests));
    }
    if let Command::Bench { cmd: BenchCmd::SupplyDashboard { suppliers, requests } } = &cli.command {
        let rt =
            tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
        return rt.block_on(bench_dashboard::run(*suppliers, *requests));
    }
    let db = cli.db.resolve(&file)?;
    // The secret that encrypts organization signing keys: MAMORI_SECRET_KEY, or the file
    // secret.key in the data directory (created with mode 0600 on first start).
    let secret_dir =
        cli.db.data_dir.clone().or_else(|| file.data_dir.clone()).unwrap_or_else(|| "./mamori-data".into());
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    rt.block_on(async move {
        match cli.command {
            Command::Serve {
                listen,
                demo,
                public_url,
                secure_cookies,
                dev,
                smtp_url,
                smtp_from,
                login_burst,
                login_per_minute,
                federation_allow_internal,
            } => {
                // Reminders run when messages go somewhere (SMTP, or the log in development);
                // with nowhere to send they stay due instead of being claimed and dropped.
                let mail: (Arc<dyn Mailer>, bool) = match smtp_url.filter(|u| !u.is_empty()) {
                    Some(url) => (Arc::new(smtp::SmtpMailer::new(&url, &smtp_from)?), true),
                    None if dev || file.dev.unwrap_or(false) => (Arc::new(LogMailer), true),
                    None => (Arc::new(NoMailer), false),
                };
                let limits = (login_burst.or(file.login_burst), login_per_minute.or(file.login_per_minute));
                let secret = secret_key(&secret_dir)?;
                let opts = ServeOpts { listen, demo, public_url, secure_cookies, federation_allow_internal };
                serve(&db, &file, opts, mail, limits, secret).await
            }
            Command::Migrate => {
                let store = Store::connect(&db).await.with_context(|| format!("cannot open {}", db.redacted()))?;
                let n = store.migrate().await?;
                println!(
                    "{n} migration(s) applied; {} in total on {}",
                    store.applied_migrations().await?.len(),
                    db.redacted()
                );
                store.close().await?;
                Ok(std::process::ExitCode::SUCCESS)
            }
            Command::Admin { cmd: AdminCmd::CreateUser { email, org, role, name, lang, platform_admin } } => {
                let store = Store::open(&db).await?;
                let mut password = String::new();
                std::io::stdin()
                    .take(4096)
                    .read_to_string(&mut password)
                    .context("cannot read the password from standard input")?;
                let password = password.trim_end_matches(['\n', '\r']).to_string();
                let operator = std::env::var("USER").unwrap_or_else(|_| "operator".into());
                let user = store
                    .admin_create_member(
                        NewUser { name: name.unwrap_or_else(|| email.clone()), email, password, lang },
                        &org,
                        role,
                        platform_admin,
                        AdminPath::Cli { operator },
                    )
                    .await?;
                println!("created {} as {role} of {org}", user.email);
                store.close().await?;
                Ok(std::process::ExitCode::SUCCESS)
            }
            Command::Admin { cmd: AdminCmd::RegisterReviewer { email, registration } } => {
                let store = Store::open(&db).await?;
                let operator = std::env::var("USER").unwrap_or_else(|_| "operator".into());
                store.register_expert_reviewer(&email, &registration, AdminPath::Cli { operator }).await?;
                println!("registered {email} as expert reviewer ({})", registration.trim());
                store.close().await?;
                Ok(std::process::ExitCode::SUCCESS)
            }
            Command::Audit { cmd: AuditCmd::Verify } => {
                let store = Store::connect(&db).await?;
                let verdict = store.audit_verify().await?;
                store.close().await?;
                match verdict {
                    AuditVerify::Intact { entries } => {
                        println!("audit chain intact: {entries} entries");
                        Ok(std::process::ExitCode::SUCCESS)
                    }
                    AuditVerify::Broken { seq, reason } => {
                        println!("audit chain BROKEN at entry {seq}: {reason}");
                        Ok(std::process::ExitCode::from(2))
                    }
                }
            }
            Command::Backup { to } => {
                let store = Store::connect(&db).await?;
                let bytes = store.backup_to(&to).await?;
                store.close().await?;
                println!("backup written to {} ({bytes} bytes)", to.display());
                Ok(std::process::ExitCode::SUCCESS)
            }
            Command::Restore { from } => {
                let DbConfig::Sqlite { data_dir } = &db else {
                    bail!("restore is built in for SQLite only; restore PostgreSQL with pg_restore (see README)");
                };
                let msg = Store::restore_from(data_dir, &from).await?;
                println!("{msg}");
                Ok(std::process::ExitCode::SUCCESS)
            }
            Command::Assess { cmd } => {
                let store = Store::open(&db).await?;
                let code = assess_cmd::run(&store, cmd).await;
                store.close().await?;
                code
            }
            Command::Catalog(args) => catalog_cmd::run(&db, args).await,
            Command::Intel { cmd: IntelCmd::Federate { peer, once, allow_internal } } => {
                let store = Store::open(&db).await?.with_secret_key(secret_key(&secret_dir)?);
                let code = federate_cmd::run(&store, peer, once, allow_internal).await?;
                store.close().await?;
                Ok(code)
            }
            Command::Intel { cmd } => {
                let store = Store::open(&db).await?;
                match cmd {
                    IntelCmd::Import { file, circle, collection, org, tlp } => {
                        intel_cmd::import(&store, &file, &org, &circle, &collection, tlp).await?
                    }
                    IntelCmd::Match { file, org } => intel_cmd::match_file(&store, &file, &org).await?,
                    IntelCmd::Federate { .. } => bail!("handled above"),
                }
                store.close().await?;
                Ok(std::process::ExitCode::SUCCESS)
            }
            Command::Bench { .. } | Command::Attest { .. } => unreachable_bench(),
        }
    })
}

fn secret_key(data_dir: &std::path::Path) -> anyhow::Result<mamori_store::SecretKey> {
    match std::env::var("MAMORI_SECRET_KEY").ok().filter(|v| !v.trim().is_empty()) {
        Some(v) => Ok(mamori_store::SecretKey::parse(&v).context("MAMORI_SECRET_KEY")?),
        None => Ok(mamori_store::SecretKey::load_or_create(data_dir)?),
    }
}

fn unreachable_bench() -> anyhow::Result<std::process::ExitCode> {
    bail!("benchmarks run before the database is opened")
}

/// The `serve` flags that shape the server.
struct ServeOpts {
    listen: Option<String>,
    demo: bool,
    public_url: Option<String>,
    secure_cookies: Option<bool>,
    federation_allow_internal: bool,
}

async fn serve(
    db: &DbConfig,
    file: &FileConfig,
    ServeOpts { listen, demo, public_url, secure_cookies, federation_allow_internal }: ServeOpts,
    (mailer, send_reminders): (Arc<dyn Mailer>, bool),
    (login_burst, login_per_minute): (Option<u32>, Option<u32>),
    secret: mamori_store::SecretKey,
) -> anyhow::Result<std::process::ExitCode> {
    let started = Instant::now();
    let listen = listen.or_else(|| file.listen.clone()).unwrap_or_else(|| "127.0.0.1:8080".into());
    let addr: SocketAddr =
        listen.parse().with_context(|| format!("--listen '{listen}' is not an address like 127.0.0.1:8080"))?;
    let store = Store::open(db)
        .await
        .with_context(|| format!("cannot open the database {}", db.redacted()))?
        .with_secret_key(secret);
    store.sync_builtin_catalog().await.context("cannot load the built-in framework catalog")?;
    if demo {
        let password =
            std::env::var("MAMORI_DEMO_PASSWORD").ok().filter(|p| !p.is_empty()).unwrap_or_else(random_password);
        let summary = mamori_store::demo::seed(&store, &password).await.context("cannot seed the demo")?;
        print_demo(&summary, &password, std::env::var("MAMORI_DEMO_PASSWORD").is_ok());
    }
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    let mut config = WebConfig {
        public_url: public_url.or_else(|| file.public_url.clone()).unwrap_or_else(|| format!("http://{local}")),
        federation_allow_internal,
        ..WebConfig::default()
    };
    config.secure_cookies =
        secure_cookies.or(file.secure_cookies).unwrap_or_else(|| config.public_url.starts_with("https://"));
    if let Some(n) = login_burst {
        config.login_burst = n.clamp(1, 100_000);
    }
    if let Some(n) = login_per_minute {
        config.login_per_minute = n.clamp(1, 100_000);
    }
    if let Some(n) = file.api_burst {
        config.api_burst = n.clamp(1, 1_000_000);
    }
    if let Some(n) = file.api_per_minute {
        config.api_per_minute = n.clamp(1, 1_000_000);
    }
    if let Some(limit) = file.body_limit {
        config.body_limit = limit.clamp(1024, 512 * 1024 * 1024);
    }
    if let Some(limit) = file.import_body_limit {
        config.import_body_limit = limit.clamp(1024, 512 * 1024 * 1024);
    }
    if let Some(secs) = file.request_timeout_secs {
        config.request_timeout = Duration::from_secs(secs.clamp(1, 3600));
    }
    tracing::info!(
        database = %db.redacted(),
        public_url = %config.public_url,
        secure_cookies = config.secure_cookies,
        mail_delivery = mailer.delivers(),
        "configuration"
    );
    let reminder_task =
        send_reminders.then(|| reminders::spawn(store.clone(), mailer.clone(), config.public_url.clone()));
    let state = AppState::new(store.clone(), config, mailer);
    println!("mamori listening on http://{local}  (ready in {} ms)", started.elapsed().as_millis());
    tracing::info!(%local, ready_ms = started.elapsed().as_millis() as u64, "ready");
    // Federation: sync due peers in the background; stopped after the server has drained.
    let federation = mamori_web::federation::Scheduler::start(
        store.clone(),
        Duration::from_secs(15),
        mamori_web::federation::SyncOptions {
            allow_internal: federation_allow_internal,
            ..mamori_web::federation::SyncOptions::default()
        },
    );
    mamori_web::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("shutting down");
    if let Some(task) = reminder_task {
        task.abort();
    }
    federation.shutdown().await;
    store.close().await?;
    Ok(std::process::ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn random_password() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..16).map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char).collect()
}

fn print_demo(summary: &mamori_store::demo::DemoSummary, password: &str, from_env: bool) {
    println!();
    if summary.created {
        println!("Demo seeded: {} organizations, {} supply links.", summary.organizations, summary.supply_links);
    } else {
        println!("Demo data already present; accounts keep the password they were seeded with.");
    }
    println!("Demo accounts (password {}):", if from_env { "from MAMORI_DEMO_PASSWORD" } else { "below" });
    for a in &summary.accounts {
        println!("  {:<40} {:<28} {:<24} {}", a.email, a.org, a.role, a.lang);
    }
    if summary.created || from_env {
        println!("  password: {password}");
    }
    println!();
}

fn bench_supply_graph(orgs: usize, edges: usize, seed: u64) -> anyhow::Result<std::process::ExitCode> {
    use mamori_chain::bench::{Phase, run_bench};
    if orgs < 10 || edges < orgs / 10 {
        bail!("use at least 10 organizations and orgs/10 edges");
    }
    let mut measured = Duration::ZERO;
    let summary = run_bench(orgs, edges, seed, &mut |phase, d| {
        println!("{:<14} {:>8.3} s", format!("{phase:?}").to_lowercase() + ":", d.as_secs_f64());
        if matches!(phase, Phase::Tiers | Phase::Rollup | Phase::Concentration) {
            measured += d;
        }
    });
    println!("graph: {} organizations, {} edges, {} lead companies", summary.nodes, summary.edges, summary.leads);
    println!("total: {:.3} s", measured.as_secs_f64());
    println!("(total = tiers + rollup + concentration; generation, build and spof are reported above)");
    Ok(std::process::ExitCode::SUCCESS)
}
