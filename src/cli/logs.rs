//! `authproxy-manager logs`: the proxy's logs as requests (or lines), filtered, summarised,
//! followed, or exported for support.
//!
//! Exit status: 0 something was found (or exported); 1 nothing matched; 2 usage, or the logs
//! could not be read.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use rustc_hash::FxHashSet;

use crate::config::{decode, Document};
use crate::logfile::describe::{local_time, request_text};
use crate::logfile::export::{self, Redaction};
use crate::logfile::filter::{parse_time, ClientMatch, Query, Summary, TimeContext};
use crate::logfile::{Level, LogIndex, Outcome, Request, Timestamp};

/// Arguments of `logs`.
#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// The proxy's install folder (default: the standard install); its `log` folder is read, or
    /// `[main] log_dir` of its config.
    #[arg(long)]
    pub install_dir: Option<PathBuf>,
    /// The log folder itself (overrides the install folder's).
    #[arg(long, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,
    /// The config the explanations point into (default: the install's `conf/authproxy.cfg`).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Only this user (case ignored; `DOMAIN\user` and `user@domain` match `user`).
    #[arg(long)]
    pub user: Option<String>,
    /// Only this client address or network (`10.0.0.9`, `10.0.0.0/24`).
    #[arg(long, value_name = "IP")]
    pub client: Option<ClientMatch>,
    /// Only requests served by this config section.
    #[arg(long)]
    pub section: Option<String>,
    /// Only these outcomes (accept, reject, challenge, timeout, error, pending); repeat or separate with commas.
    #[arg(long, value_delimiter = ',', value_parser = parse_outcome)]
    pub outcome: Vec<Outcome>,
    /// From this time: 09:14 (on the log's last day), 2023-01-11T09:14, "2023-01-11 09:14:00-0500",
    /// 2023-01-11, or back from now (30m, 2h, 7d). Without an offset, in the log's own time zone.
    #[arg(long, value_name = "T")]
    pub since: Option<String>,
    /// Until this time (same forms as --since).
    #[arg(long, value_name = "T")]
    pub until: Option<String>,
    /// Only lines containing this text (case ignored).
    #[arg(long)]
    pub text: Option<String>,
    /// With --lines: only lines at least this serious (debug, info, warning, error).
    #[arg(long, value_parser = parse_level)]
    pub level: Option<Level>,
    /// Print the log lines rather than requests.
    #[arg(long)]
    pub lines: bool,
    /// With --lines: include the routine chatter (directory-sync summaries, packet dumps, config dumps).
    #[arg(long)]
    pub noise: bool,
    /// Print the summary: outcomes, last successful login per section, rejects and timeouts per minute.
    #[arg(long)]
    pub summary: bool,
    /// Output format: text, or JSON lines (one object per request or line, for a SIEM).
    #[arg(long, value_enum, default_value_t = super::Format::Text)]
    pub format: super::Format,
    /// Keep printing as the proxy writes (Ctrl+C ends).
    #[arg(long)]
    pub follow: bool,
    /// Write a support bundle (zip): the logs and the config with every secret masked.
    #[arg(long, value_name = "ZIP")]
    pub export: Option<PathBuf>,
    /// With --export: replace user names by consistent pseudonyms.
    #[arg(long)]
    pub pseudonymise_users: bool,
    /// With --export: replace IP addresses by consistent documentation addresses.
    #[arg(long)]
    pub pseudonymise_ips: bool,
}

fn parse_outcome(text: &str) -> Result<Outcome, String> {
    Outcome::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = Outcome::ALL.iter().map(|o| o.name()).collect();
        format!("'{text}' is not an outcome; use one of {}", names.join(", "))
    })
}

fn parse_level(text: &str) -> Result<Level, String> {
    match text.to_ascii_lowercase().as_str() {
        "debug" => Ok(Level::Debug),
        "info" => Ok(Level::Info),
        "warn" | "warning" => Ok(Level::Warning),
        "error" => Ok(Level::Error),
        _ => Err(format!("'{text}' is not a level; use debug, info, warning or error")),
    }
}

/// Where the logs and the config are.
struct Place {
    log_dir: PathBuf,
    config: Option<(PathBuf, Document)>,
}

fn place(args: &LogsArgs) -> Place {
    let install = args.install_dir.clone().unwrap_or_else(crate::service::default_install_dir);
    let config_path = args.config.clone().unwrap_or_else(|| install.join("conf").join("authproxy.cfg"));
    let config = std::fs::read(&config_path).ok().map(|bytes| (config_path, Document::parse(&decode(&bytes).text)));
    let log_dir = args.log_dir.clone().unwrap_or_else(|| match &config {
        Some((_, doc)) => crate::service::logs::log_dir(doc, &install),
        None => install.join("log"),
    });
    Place { log_dir, config }
}

/// Runs `logs`.
pub fn logs(args: &LogsArgs, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let place = place(args);
    let index = match LogIndex::read_dir(&place.log_dir) {
        Ok(index) => index,
        Err(e) => {
            let _ = writeln!(
                err,
                "error: cannot read the log folder {}: {e}. Give the folder with --log-dir, or the proxy's install with --install-dir.",
                place.log_dir.display()
            );
            return ExitCode::from(2);
        }
    };
    for (path, why) in &index.unreadable {
        let _ = writeln!(err, "warning: {} was not read: {why}", path.display());
    }
    if index.files.is_empty() {
        let _ = writeln!(
            err,
            "error: there are no proxy logs (authproxy.log, authevents.log, …) in {}",
            place.log_dir.display()
        );
        return ExitCode::from(2);
    }
    let query = match query_of(args, &index) {
        Ok(query) => query,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(zip) = &args.export {
        let options = Redaction { users: args.pseudonymise_users, addresses: args.pseudonymise_ips };
        return match export::write_bundle(&index, place.config.as_ref().map(|(_, d)| d), options, zip) {
            Ok(report) => {
                let _ = writeln!(
                    out,
                    "wrote {} ({} files: {})",
                    report.path.display(),
                    report.files.len(),
                    report.files.join(", ")
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                let _ = writeln!(err, "error: cannot write {}: {e}", zip.display());
                ExitCode::from(2)
            }
        };
    }
    let mut printer = Printer {
        args,
        config: place.config.as_ref(),
        seen_requests: FxHashSet::default(),
        seen_lines: FxHashSet::default(),
    };
    let found = printer.print(&index, &query, out);
    if args.summary {
        let all = query.run(&index);
        print_summary(&index, &all.requests, args.format, out);
    }
    if !args.follow {
        return if found > 0 { ExitCode::SUCCESS } else { ExitCode::from(1) };
    }
    follow(&place.log_dir, &query, &mut printer, out, err)
}

fn query_of(args: &LogsArgs, index: &LogIndex) -> Result<Query, String> {
    let context = TimeContext::of(index);
    let time = |text: &Option<String>| text.as_deref().map(|t| parse_time(t, &context)).transpose();
    Ok(Query {
        user: args.user.clone(),
        client: args.client,
        section: args.section.clone(),
        outcomes: args.outcome.clone(),
        min_level: args.level,
        since: time(&args.since)?,
        until: time(&args.until)?,
        text: args.text.clone(),
        show_noise: args.noise,
    })
}

struct Printer<'a> {
    args: &'a LogsArgs,
    config: Option<&'a (PathBuf, Document)>,
    seen_requests: FxHashSet<(i64, String)>,
    seen_lines: FxHashSet<(i64, u64)>,
}

impl Printer<'_> {
    /// Prints what `query` finds that was not printed before; how many things were printed.
    fn print(&mut self, index: &LogIndex, query: &Query, out: &mut dyn Write) -> usize {
        let found = query.run(index);
        let mut printed = 0;
        if self.args.lines {
            for &id in &found.lines {
                let entry = index.entry(id);
                let key = (entry.time().map_or(i64::MIN, |t| t.utc_micros), hash(entry.bytes()));
                if !self.seen_lines.insert(key) {
                    continue;
                }
                printed += 1;
                let _ = match self.args.format {
                    super::Format::Text => writeln!(out, "{}", crate::logfile::display_text(entry.bytes())),
                    super::Format::Json => writeln!(
                        out,
                        "{}",
                        serde_json::json!({
                            "time": entry.time().map(|t| t.to_string()),
                            "file": entry.file.display_name(),
                            "line": entry.line_number(),
                            "level": format!("{:?}", entry.level()).to_lowercase(),
                            "system": entry.system().map(|s| crate::logfile::display_text(s.as_bytes())),
                            "message": crate::logfile::display_text(entry.bytes()),
                        })
                    ),
                };
            }
            return printed;
        }
        for &position in &found.requests {
            let request = &index.requests[position as usize];
            // A request still waiting is printed once it ends (when following).
            if self.args.follow && request.outcome == Outcome::Pending {
                continue;
            }
            let key = (request.start.map_or(i64::MIN, |t| t.utc_micros), request_key(request));
            if !self.seen_requests.insert(key) {
                continue;
            }
            printed += 1;
            let _ = match self.args.format {
                super::Format::Text => out.write_all(self.request_text(index, request).as_bytes()),
                super::Format::Json => writeln!(out, "{}", export::request_json(index, request)),
            };
        }
        printed
    }

    fn request_text(&self, index: &LogIndex, request: &Request) -> String {
        request_text(index, request, self.config)
    }
}

fn request_key(request: &Request) -> String {
    format!("{:?}|{:?}|{:?}|{:?}|{:?}", request.kind, request.client, request.port, request.radius_id, request.user)
}

fn hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = rustc_hash::FxHasher::default();
    bytes.hash(&mut hasher);
    hasher.finish()
}

fn print_summary(index: &LogIndex, requests: &[u32], format: super::Format, out: &mut dyn Write) {
    let summary = Summary::of(index, requests);
    if format == super::Format::Json {
        let value = serde_json::json!({
            "outcomes": summary.outcomes,
            "duplicates": summary.duplicates,
            "last_success": summary.last_success.iter().map(|(s, (t, u))| (s.clone(), serde_json::json!({"time": t.to_string(), "user": u}))).collect::<serde_json::Map<_, _>>(),
            "per_minute": summary.per_minute.iter().map(|(m, c)| serde_json::json!({
                "minute": Timestamp { utc_micros: m * 60_000_000, offset_minutes: 0 }.to_string(),
                "accepts": c.accepts, "rejects": c.rejects, "timeouts": c.timeouts, "errors": c.errors,
            })).collect::<Vec<_>>(),
        });
        let _ = writeln!(out, "{value}");
        return;
    }
    let outcomes: Vec<String> = summary.outcomes.iter().map(|(o, n)| format!("{n} {o}")).collect();
    let _ = writeln!(out, "\nSummary: {}; {} duplicate request(s)", outcomes.join(", "), summary.duplicates);
    for (section, (time, user)) in &summary.last_success {
        let _ = writeln!(out, "  last successful login in {section}: {} ({user})", local_time(*time));
    }
    let busy: Vec<_> = summary.per_minute.iter().filter(|(_, c)| c.rejects + c.timeouts + c.errors > 0).collect();
    if !busy.is_empty() {
        let _ = writeln!(out, "  rejects / timeouts / errors per minute:");
        let offset = TimeContext::of(index).offset_minutes;
        for (minute, counts) in busy {
            let when = local_time(Timestamp { utc_micros: minute * 60_000_000, offset_minutes: offset });
            let _ = writeln!(out, "    {}  {} / {} / {}", &when[..16], counts.rejects, counts.timeouts, counts.errors);
        }
    }
}

/// Prints new requests or lines as the proxy writes them, until interrupted.
fn follow(dir: &Path, query: &Query, printer: &mut Printer<'_>, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let mut last = fingerprint(dir);
    loop {
        let _ = out.flush();
        std::thread::sleep(Duration::from_millis(500));
        let now = fingerprint(dir);
        if now == last {
            continue;
        }
        last = now;
        match LogIndex::read_dir(dir) {
            Ok(index) => {
                printer.print(&index, query, out);
            }
            Err(e) => {
                let _ = writeln!(err, "warning: cannot read {}: {e}; trying again", dir.display());
            }
        }
    }
}

/// Names, sizes and times of the log files: a change means something was written or rotated.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    crate::logfile::files::list(dir)
        .unwrap_or_default()
        .into_iter()
        .map(|f| {
            let meta = std::fs::metadata(&f.path).ok();
            (f.path, meta.as_ref().map_or(0, std::fs::Metadata::len), meta.and_then(|m| m.modified().ok()))
        })
        .collect()
}
