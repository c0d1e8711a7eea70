//! The headless command line: `validate`, `check`, `protect`, `reveal`, `service`, `explain`,
//! `logs`, `test-login`.

pub mod check;
pub mod fleet;
pub mod logs;
pub mod node;
pub mod protect;
pub mod service;
pub mod test_login;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{decode_in, Document};
use crate::schema::Platform;
use crate::validate::{self, render, Kind, Options};

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(name = "authproxy-manager", version, about = "Configuration manager for the Duo Authentication Proxy")]
pub struct Cli {
    /// How much to log to standard error (error, warn, info, debug, trace). Logs never contain secrets.
    #[arg(long, global = true, default_value = "warn")]
    pub log_level: tracing_subscriber::filter::LevelFilter,
    /// What to do; without a command the desktop app opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The desktop app: the config to open (default: the proxy's own, else a starter document).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The desktop app: the proxy's install folder, whose service Start/Stop control (default: the
    /// standard install). Service control is off for a config from any other folder.
    #[arg(long, value_name = "DIR")]
    pub install_dir: Option<PathBuf>,
    /// The desktop app: whose semantics to validate with (default: what the file shows, its
    /// `*_protected` values or paths, else its folder, else this host's).
    #[arg(long, value_enum)]
    pub platform: Option<PlatformArg>,
    /// The desktop app: the renderer (auto tries wgpu, then OpenGL).
    #[arg(long, value_enum, default_value = "auto")]
    pub renderer: crate::app::run::RendererChoice,
    /// The desktop app: print the time to the first frame, then exit (for measuring startup).
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check authproxy.cfg files the way the proxy's own checker does, and more.
    Validate(ValidateArgs),
    /// Test every LDAP host, Duo API host, RADIUS server and HTTP proxy in a config, all at once.
    Check(check::CheckArgs),
    /// Protect plaintext secrets with Windows DPAPI, as the proxy decrypts them (Windows only).
    Protect(protect::ProtectArgs),
    /// Decrypt a *_protected value to check it (Windows only); masked unless --show.
    Reveal(protect::RevealArgs),
    /// Start, stop or restart the local proxy service, or print its state.
    Service(service::ServiceArgs),
    /// The proxy's logs as requests: who, from where, how it ended and why, with known failures
    /// explained; filter, summarise, follow, or export a redacted bundle for support.
    Logs(logs::LogsArgs),
    /// Send a login to the proxy's own RADIUS listener as the VPN or firewall would (password from
    /// standard input), time every step, and say what the timing means for that client.
    TestLogin(test_login::TestLoginArgs),
    /// Every proxy of the fleet at once over SSH: `fleet status`, `fleet diff`.
    Fleet(fleet::FleetArgs),
    /// Answer one fleet request (JSON on standard input); the manager runs this on a node over SSH.
    Node,
    /// Explain a finding kind, e.g. `explain UnpairedKey`.
    Explain {
        /// A kind name as printed in brackets, e.g. MissingKey.
        kind: String,
    },
}

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Whose semantics apply (default: this host's).
    #[arg(long, value_enum)]
    pub platform: Option<PlatformArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The proxy's install directory, for relative file paths, SSO enrollment and the proxy's
    /// version (default: the folder above `conf/` when the file lives in one).
    #[arg(long)]
    pub install_dir: Option<PathBuf>,
    /// The proxy release whose rules apply, e.g. 6.8.0, for a config checked away from its
    /// server (default: the installed proxy's, detected; unknown means 5.0.0's rules, with keys
    /// added later as warnings).
    #[arg(long, value_name = "X.Y.Z")]
    pub proxy_version: Option<crate::schema::ProxyVersion>,
    /// The ANSI code page of the Windows server the file comes from (1252, 1250, 1251, 932, …),
    /// for a file that is not UTF-8 (default: this machine's; 1252 off Windows).
    #[arg(long, value_name = "N")]
    pub codepage: Option<crate::config::CodePage>,
    /// Files to check.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// `--platform` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PlatformArg {
    /// Windows semantics (DPAPI, sspi, ANSI code page).
    Windows,
    /// Linux semantics.
    Linux,
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compiler-style lines with the source and a caret.
    Text,
    /// One JSON array with an object per file.
    Json,
}

/// Runs the command line; returns the process exit status.
#[must_use]
pub fn run(cli: Cli, started: std::time::Instant) -> ExitCode {
    init_logging(cli.log_level);
    crate::crash::install(if cli.command.is_some() {
        crate::crash::Mode::CommandLine
    } else {
        crate::crash::Mode::Window
    });
    panic_if_asked(cli.command.is_some());
    let protector = crate::secrets::host_protector();
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    match cli.command {
        Some(Command::Validate(args)) => validate_files(&args, protector.as_ref(), &mut out, &mut err),
        Some(Command::Check(args)) => check::check(
            &args,
            std::sync::Arc::from(crate::secrets::host_protector()),
            &mut std::io::stdout(),
            &mut err,
        ),
        Some(Command::Protect(args)) => protect::protect(&args, protector.as_ref(), &mut out, &mut err),
        Some(Command::Reveal(args)) => protect::reveal(&args, protector.as_ref(), &mut out, &mut err),
        Some(Command::Service(args)) => service::service(&args, &mut out, &mut err),
        Some(Command::Logs(args)) => logs::logs(&args, &mut out, &mut err),
        Some(Command::TestLogin(args)) => {
            test_login::test_login(&args, protector.as_ref(), &mut std::io::stdin().lock(), &mut out, &mut err)
        }
        Some(Command::Fleet(args)) => fleet::fleet(&args, &mut out, &mut err),
        Some(Command::Node) => node::node(protector.as_ref(), &mut std::io::stdin().lock(), &mut out, &mut err),
        Some(Command::Explain { kind }) => explain(&kind),
        None => {
            drop((out, err));
            let options = crate::app::run::LaunchOptions {
                config: cli.config,
                install_dir: cli.install_dir,
                platform: cli.platform.map(|p| match p {
                    PlatformArg::Windows => Platform::Windows,
                    PlatformArg::Linux => Platform::Linux,
                }),
                renderer: cli.renderer,
                exit_after_first_frame: cli.exit_after_first_frame,
                started,
            };
            match crate::app::run::run(&options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    let _ = writeln!(std::io::stderr().lock(), "error: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// Logs to standard error at `level`. At the default level two warnings winit prints at every
/// start on X11 servers without XSETTINGS or a physical screen size (VNC, X forwarding, Xvfb)
/// are left out: they say nothing an administrator can act on. `--log-level info` shows them.
fn init_logging(level: tracing_subscriber::filter::LevelFilter) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let mut targets = Targets::new().with_default(level);
    if level <= LevelFilter::WARN {
        for noisy in ["winit::platform_impl::linux::x11::xdisplay", "winit::platform_impl::linux::x11::util::randr"] {
            targets = targets.with_target(noisy, LevelFilter::ERROR.min(level));
        }
    }
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .finish()
        .with(targets);
    let _ = subscriber.try_init();
}

/// Test builds only: `AUTHPROXY_MANAGER_TEST_PANIC=cli` panics here, with a message quoting
/// "input", so the tests can see that the crash report withholds it (`=window`: in the first frame).
fn panic_if_asked(command_line: bool) {
    #[cfg(debug_assertions)]
    if command_line && std::env::var("AUTHPROXY_MANAGER_TEST_PANIC").is_ok_and(|v| v == "cli") {
        let input = std::env::var("AUTHPROXY_MANAGER_TEST_PANIC_INPUT").unwrap_or_default();
        panic!("a test panic quoting input: {input}");
    }
    let _ = command_line;
}

fn explain(kind: &str) -> ExitCode {
    match Kind::ALL.iter().find(|k| k.name().eq_ignore_ascii_case(kind)) {
        Some(k) => {
            let text = format!(
                "{} ({} by default)\n\n{}\n",
                k.name(),
                k.default_severity().as_str(),
                k.explain().lines().map(str::trim).collect::<Vec<_>>().join(" ")
            );
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        None => {
            let known = Kind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ");
            let _ = writeln!(std::io::stderr().lock(), "error: unknown kind {kind:?}; known kinds: {known}");
            ExitCode::from(2)
        }
    }
}

/// "proxy 6.8.0 from …", or what unknown means.
fn version_note(version: Option<&crate::service::version::KnownVersion>) -> String {
    match version {
        Some(known) => format!("proxy {} {}", known.version, known.source.describe()),
        None => "proxy version unknown: 5.0.0 rules, later keys as warnings; set --proxy-version".to_string(),
    }
}

/// Validates each file and writes the report; 0 clean, 1 errors found, 2 a file could not be read.
pub fn validate_files(
    args: &ValidateArgs,
    protector: &dyn crate::secrets::Protector,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let platform = match args.platform {
        Some(PlatformArg::Windows) => Platform::Windows,
        Some(PlatformArg::Linux) => Platform::Linux,
        None => Platform::host(),
    };
    let mut io_failed = false;
    let mut found_errors = false;
    let mut json = Vec::new();
    for file in &args.files {
        let shown = file.display().to_string();
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                let _ = writeln!(err, "error: cannot read {shown}: {e}");
                io_failed = true;
                continue;
            }
        };
        let decoded = decode_in(&bytes, args.codepage.unwrap_or_else(crate::config::CodePage::host));
        let doc = Document::parse(&decoded.text);
        let install_dir = args.install_dir.clone().or_else(|| crate::config::file::inferred_install_dir(file));
        let registry = crate::service::version::HostRegistry;
        let version = crate::service::version::for_config(args.proxy_version, install_dir.as_deref(), &doc, &registry);
        let options = Options {
            platform: Some(platform),
            install_dir,
            encoding: Some(decoded.encoding),
            protector: Some(protector),
            proxy_version: version.as_ref().map(|v| v.version),
            ..Options::default()
        };
        let diagnostics = validate::validate(&doc, &options);
        found_errors |= validate::has_errors(&diagnostics);
        match args.format {
            Format::Text => {
                let _ = out.write_all(render::text(&shown, &doc, &diagnostics).as_bytes());
                let errors = diagnostics.iter().filter(|d| d.severity == validate::Severity::Error).count();
                let warnings = diagnostics.iter().filter(|d| d.severity == validate::Severity::Warning).count();
                let _ = writeln!(
                    out,
                    "{shown}: {errors} error(s), {warnings} warning(s) ({} semantics, {}, {})",
                    platform.as_str(),
                    decoded.encoding,
                    version_note(version.as_ref())
                );
            }
            Format::Json => {
                let report = render::file_report(&shown, &doc, &diagnostics);
                let mut value = serde_json::to_value(&report).unwrap_or(serde_json::Value::Null);
                if let Some(object) = value.as_object_mut() {
                    object.insert("proxy_version".into(), serde_json::to_value(&version).unwrap_or_default());
                    object.insert("encoding".into(), serde_json::to_value(decoded.encoding).unwrap_or_default());
                }
                json.push(value);
            }
        }
    }
    if args.format == Format::Json {
        let text = serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".to_string());
        let _ = writeln!(out, "{text}");
    }
    if io_failed {
        ExitCode::from(2)
    } else if found_errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
