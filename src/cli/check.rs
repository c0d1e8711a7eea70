//! `check FILE`: every connectivity probe at once, each probe's steps printed as it finishes.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use super::Format;
use crate::config::{decode_in, Document};
use crate::connectivity::{self, report, runner, Cancel, Event, Verdict};
use crate::secrets::Protector;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Output format: text streams each probe as it finishes; json prints one document at the end.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The proxy's install directory, for relative CA file paths
    /// (default: the folder above `conf/` when the file lives in one).
    #[arg(long)]
    pub install_dir: Option<PathBuf>,
    /// The proxy release whose rules apply (6.0 and later refuse SHA-1 signed domain controller
    /// certificates); default: the installed proxy's, detected.
    #[arg(long, value_name = "X.Y.Z")]
    pub proxy_version: Option<crate::schema::ProxyVersion>,
    /// The ANSI code page of the Windows server the file comes from, for a file that is not UTF-8
    /// (default: this machine's; 1252 off Windows).
    #[arg(long, value_name = "N")]
    pub codepage: Option<crate::config::CodePage>,
    /// The config to test.
    pub file: PathBuf,
}

/// Runs the probes; 0 when nothing failed, 1 when something did, 2 when the file is unreadable.
pub fn check(
    args: &CheckArgs,
    protector: Arc<dyn Protector>,
    out: &mut (dyn Write + Send),
    err: &mut dyn Write,
) -> ExitCode {
    let shown = args.file.display().to_string();
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {shown}: {e}; check the path and your permissions");
            return ExitCode::from(2);
        }
    };
    let doc = Document::parse(&decode_in(&bytes, args.codepage.unwrap_or_else(crate::config::CodePage::host)).text);
    if !doc.errors.is_empty() {
        let _ = writeln!(
            err,
            "warning: {shown} has {} syntax error(s), so the proxy would not load it; testing what can be read (run `validate` for details)",
            doc.errors.len()
        );
    }
    let install_dir = args.install_dir.clone().or_else(|| crate::config::file::inferred_install_dir(&args.file));
    let registry = crate::service::version::HostRegistry;
    let proxy_version =
        crate::service::version::for_config(args.proxy_version, install_dir.as_deref(), &doc, &registry)
            .map(|v| v.version);
    let probes = connectivity::build_plan(&doc, install_dir.as_deref(), proxy_version);
    let started = Instant::now();
    let (blocks, finished_probes) = std::sync::mpsc::channel::<String>();
    let sink: runner::EventSink = {
        let (file, text) = (shown.clone(), args.format == Format::Text);
        Arc::new(move |event| {
            if let Event::Finished { result, .. } = event {
                tracing::info!(probe = %result.probe.title(), verdict = result.verdict.as_str(), "probe finished");
                if text {
                    let block = std::iter::once(report::heading(&file, &result)).chain(report::step_lines(&result));
                    let _ = blocks.send(block.collect::<Vec<_>>().join("\n"));
                }
            }
        })
    };
    let results = std::thread::scope(|scope| {
        // The sink goes with the runner: when the run ends the channel closes.
        let runner = scope.spawn(|| runner::run(&probes, protector, sink, Cancel::default()));
        for block in finished_probes {
            let _ = writeln!(out, "{block}");
            let _ = out.flush();
        }
        runner.join()
    });
    let results = match results {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            let _ = writeln!(err, "error: cannot start the network runtime: {e}");
            return ExitCode::from(2);
        }
        Err(_) => {
            let _ = writeln!(err, "error: the checks stopped unexpectedly");
            return ExitCode::from(2);
        }
    };
    let wall = started.elapsed();
    match args.format {
        Format::Text => {
            let _ = writeln!(out, "{shown}: {}", report::summary(&results, wall));
        }
        Format::Json => {
            let text = serde_json::to_string_pretty(&report::json(&shown, &results, wall)).unwrap_or_default();
            let _ = writeln!(out, "{text}");
        }
    }
    if results.iter().any(|r| r.verdict == Verdict::Failed) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
