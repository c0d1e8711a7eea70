//! `authproxy-manager fleet`: every proxy of the fleet at once over SSH: `status` and `diff`.
//!
//! Exit status: 0 every node answered and all is well (status: no errors; diff: in step);
//! 1 a node could not be asked, has errors, or differs; 2 usage, or the fleet file is wrong.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::config::{decode, Document};
use crate::fleet::diff;
use crate::fleet::inventory::{self, Inventory, InventoryKind, Node};
use crate::fleet::query::{self, NodeAnswer};
use crate::fleet::ssh::Ssh;

/// Arguments of `fleet`.
#[derive(Debug, clap::Args)]
pub struct FleetArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: FleetCommand,
}

/// `fleet` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum FleetCommand {
    /// Every node at once: reachable, proxy version, service, config hash, findings, last login.
    Status(Selection),
    /// Compare the nodes' configs by section and key (comments, order and spacing ignored).
    Diff(DiffArgs),
    /// Update nodes one at a time: validated here, then on each node backed up, written, protected
    /// (Windows), validated, restarted, and rolled back on any failure. Every push is audited.
    Push(PushArgs),
}

/// Arguments of `fleet push`.
#[derive(Debug, clap::Args)]
pub struct PushArgs {
    /// The config to push: a file, or the name of a node whose config is taken.
    #[arg(long, value_name = "FILE|NODE")]
    pub from: String,
    /// The nodes to update (names or tags), in this order.
    #[arg(long, required = true, num_args = 1.., value_name = "NODE")]
    pub to: Vec<String>,
    /// Nodes updated at once (for sites; a pair is safest one at a time).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub parallel: usize,
    /// Run the connectivity check on each node after its restart; a failure rolls it back.
    #[arg(long)]
    pub check: bool,
    /// Seconds each node's service has to come up.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub start_timeout: u64,
    /// The fleet, SSH and output options.
    #[command(flatten)]
    pub options: FleetOptions,
}

/// Which fleet, how to reach it, and how to report: shared by every `fleet` subcommand.
#[derive(Debug, clap::Args)]
pub struct FleetOptions {
    /// The fleet file: our fleet.toml, or an Ansible inventory (INI or YAML). Default:
    /// fleet.toml in the manager's own folder.
    #[arg(long, value_name = "FILE")]
    pub fleet: Option<PathBuf>,
    /// The SSH config given to every `ssh` call (`-F`), instead of the fleet file's or ~/.ssh/config.
    #[arg(long, value_name = "FILE")]
    pub ssh_config: Option<PathBuf>,
    /// Seconds each node has to answer in all; a dead node never delays the others.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub timeout: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: super::Format,
}

/// Which fleet and which of its nodes.
#[derive(Debug, clap::Args)]
pub struct Selection {
    /// The fleet, SSH and output options.
    #[command(flatten)]
    pub options: FleetOptions,
    /// Only these nodes (names or tags); all when none is given.
    pub nodes: Vec<String>,
}

/// Arguments of `fleet diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// Which nodes.
    #[command(flatten)]
    pub selection: Selection,
    /// Also compare this local file (e.g. the config about to be pushed), shown by its file name.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Show the rows that are the same too.
    #[arg(long)]
    pub all: bool,
}

/// Runs `fleet`.
pub fn fleet(args: &FleetArgs, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    match &args.command {
        FleetCommand::Status(selection) => status(selection, out, err),
        FleetCommand::Diff(diff_args) => diff(diff_args, out, err),
        FleetCommand::Push(push_args) => push(push_args, out, err),
    }
}

/// The fleet file and the nodes chosen (all when `chosen` is empty), or the exit status after
/// saying why not.
fn load(
    options: &FleetOptions,
    chosen: &[String],
    err: &mut dyn Write,
) -> Result<(Inventory, Vec<Node>, Ssh), ExitCode> {
    let path = match options.fleet.clone().or_else(|| crate::platform::app_config_dir().map(|d| d.join("fleet.toml"))) {
        Some(path) => path,
        None => {
            let _ = writeln!(err, "error: no fleet file: give one with --fleet");
            return Err(ExitCode::from(2));
        }
    };
    let inventory = inventory::read(&path).map_err(|e| {
        let _ = writeln!(err, "error: {e}");
        ExitCode::from(2)
    })?;
    let nodes: Vec<Node> = inventory
        .nodes
        .iter()
        .filter(|n| {
            chosen.is_empty() || chosen.iter().any(|s| n.name.eq_ignore_ascii_case(s) || n.tags.iter().any(|t| t == s))
        })
        .cloned()
        .collect();
    if nodes.is_empty() {
        let _ = writeln!(err, "error: {}: no node matches {}", path.display(), chosen.join(", "));
        return Err(ExitCode::from(2));
    }
    let ssh = Ssh::system(options.ssh_config.clone().or_else(|| inventory.ssh_config.clone())).map_err(|e| {
        let _ = writeln!(err, "error: {e}");
        ExitCode::from(2)
    })?;
    if !inventory.ignored.is_empty() && options.format == super::Format::Text {
        let kind = match inventory.kind {
            InventoryKind::AnsibleIni => "Ansible inventory (INI)",
            InventoryKind::AnsibleYaml => "Ansible inventory (YAML)",
            InventoryKind::FleetToml => "fleet file",
        };
        let _ = writeln!(
            err,
            "note: {} is an {kind}: hosts, groups (as tags), ansible_host, ansible_port and ansible_user are read; \
             ignored: {}",
            path.display(),
            inventory.ignored.join("; ")
        );
    }
    Ok((inventory, nodes, ssh))
}

fn status(selection: &Selection, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let (_, nodes, ssh) = match load(&selection.options, &selection.nodes, err) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let started = std::time::Instant::now();
    let answers = query::status_all(&ssh, &nodes, Duration::from_secs(selection.options.timeout.max(1)));
    let took = started.elapsed();
    let healthy = answers.iter().all(|a| a.result.as_ref().is_ok_and(|r| r.status.errors == 0));
    match selection.options.format {
        super::Format::Json => {
            let value = serde_json::json!({
                "took_ms": took.as_millis(),
                "nodes": answers.iter().map(answer_json).collect::<Vec<_>>(),
            });
            let _ = writeln!(out, "{value}");
        }
        super::Format::Text => {
            let _ = out.write_all(crate::fleet::report::status_text(&answers).as_bytes());
            let _ = writeln!(out, "{} node(s) asked in {:.1} s", answers.len(), took.as_secs_f64());
        }
    }
    if healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// A node's answer as JSON, without the config's bytes.
fn answer_json(answer: &NodeAnswer) -> serde_json::Value {
    let mut value = serde_json::to_value(answer).unwrap_or_default();
    if let Some(status) = value.pointer_mut("/result/Ok/status").and_then(|s| s.as_object_mut()) {
        status.remove("config_base64");
    }
    value
}

fn diff(args: &DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let (_, nodes, ssh) = match load(&args.selection.options, &args.selection.nodes, err) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let mut docs: Vec<(String, Document)> = Vec::new();
    if let Some(file) = &args.file {
        match std::fs::read(file) {
            Ok(bytes) => {
                let name = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into());
                docs.push((name, Document::parse(&decode(&bytes).text)));
            }
            Err(e) => {
                let _ = writeln!(err, "error: cannot read {}: {e}", file.display());
                return ExitCode::from(2);
            }
        }
    }
    let answers = query::status_all(&ssh, &nodes, Duration::from_secs(args.selection.options.timeout.max(1)));
    let (read, unread) = query::documents(&answers);
    docs.extend(read);
    for (name, problem) in &unread {
        let _ = writeln!(err, "{name}: not compared: {problem}");
    }
    if docs.len() < 2 {
        let _ = writeln!(err, "error: fewer than two configs could be read: nothing to compare");
        return ExitCode::from(2);
    }
    let comparison = diff::compare(&docs);
    match args.selection.options.format {
        super::Format::Json => {
            let _ = writeln!(out, "{}", serde_json::to_string(&comparison).unwrap_or_default());
        }
        super::Format::Text => {
            let _ = out.write_all(crate::fleet::report::diff_text(&comparison, args.all).as_bytes());
        }
    }
    if comparison.in_step() && unread.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn push(args: &PushArgs, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    use crate::fleet::push::{self, NodeResult, PushOptions};
    let (inventory, targets, ssh) = match load(&args.options, &args.to, err) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let timeout = Duration::from_secs(args.options.timeout.max(1));
    let from_file = PathBuf::from(&args.from);
    let (source, source_name, source_node) = if from_file.is_file() {
        match std::fs::read(&from_file) {
            Ok(bytes) => (bytes, from_file.display().to_string(), None),
            Err(e) => {
                let _ = writeln!(err, "error: cannot read {}: {e}", from_file.display());
                return ExitCode::from(2);
            }
        }
    } else if let Some(node) = inventory.nodes.iter().find(|n| n.name.eq_ignore_ascii_case(&args.from)) {
        let answer = query::status_of(&ssh, node, timeout);
        match answer.result.as_ref().ok().and_then(|a| a.status.config_bytes()) {
            Some(bytes) => (bytes, format!("node {}", node.name), Some(node.name.clone())),
            None => {
                let why = answer.result.err().unwrap_or_else(|| "its config cannot be read".into());
                let _ = writeln!(err, "error: the config of {} cannot be taken: {why}", node.name);
                return ExitCode::from(2);
            }
        }
    } else {
        let _ = writeln!(err, "error: --from {}: no such file, and no node of that name in the fleet", args.from);
        return ExitCode::from(2);
    };
    let options = PushOptions {
        parallel: args.parallel.max(1),
        check: args.check,
        start_timeout: Duration::from_secs(args.start_timeout.max(1)),
        status_timeout: timeout,
    };
    let text = args.options.format == super::Format::Text;
    let (lines, printed) = std::sync::mpsc::channel::<String>();
    let progress = move |name: &str, result: Option<&NodeResult>| {
        if !text {
            return;
        }
        let _ = lines.send(match result {
            None => format!("{name}: applying..."),
            Some(result) => crate::fleet::push::result_text(name, result),
        });
    };
    let (ssh, source_ref, targets, source_name_ref) = (&ssh, &source, &targets, &source_name);
    let run = std::thread::scope(|scope| {
        // The pusher owns the progress sender: the printing below ends when the push does.
        let pusher = scope.spawn(move || {
            push::push(ssh, source_name_ref, source_node.as_deref(), source_ref, targets, options, &progress)
        });
        for line in printed {
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
        pusher.join()
    });
    let Ok(run) = run else {
        let _ = writeln!(err, "error: the push stopped on an internal error; read the fleet's status");
        return ExitCode::from(2);
    };
    let entry = crate::fleet::audit::entry(&run, &source);
    match crate::fleet::audit::default_path() {
        Some(path) => {
            if let Err(e) = crate::fleet::audit::append(&path, &entry) {
                let _ = writeln!(err, "warning: the audit log {} could not be written: {e}", path.display());
            } else if text {
                let _ = writeln!(out, "audit: {}", path.display());
            }
        }
        None => {
            let _ = writeln!(err, "warning: no data folder (HOME is not set): the push is not in the audit log");
        }
    }
    if text {
        for problem in &run.refused {
            let _ = writeln!(out, "refused here: {problem}");
        }
        let applied = run.nodes.iter().filter(|n| n.result.applied()).count();
        let _ = writeln!(out, "{applied} of {} node(s) run the new config", run.nodes.len());
    } else {
        let _ = writeln!(out, "{}", serde_json::to_string(&run).unwrap_or_default());
    }
    if run.all_applied() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
