//! The manager's side of a push: the config validated here for each node's OS, then applied one
//! node at a time (or N at a time), so both nodes of a pair are never down together. The first
//! node that does not end with the new config stops the push; the nodes after it are untouched.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::inventory::{Node, NodeOs};
use super::protocol::{
    ApplyOutcome, ApplyReport, ApplyRequest, ConfigPayload, NodeOp, NodeReply, NodeRequest, ReplyBody, PROTOCOL,
};
use super::query::{status_of, Answered, Route};
use super::ssh::{manager_on, quote, Ssh, SshProblem};
use crate::config::{decode, Document};
use crate::schema::Platform;
use crate::validate::{self, Options, Severity};

/// How a push runs.
#[derive(Debug, Clone, Copy)]
pub struct PushOptions {
    /// Nodes updated at once (1: one at a time).
    pub parallel: usize,
    /// Run the connectivity check on each node after its restart.
    pub check: bool,
    /// How long each node's service has to come up.
    pub start_timeout: Duration,
    /// How long reading each node's status may take.
    pub status_timeout: Duration,
}

/// What happened on one node.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum NodeResult {
    /// The node answered the apply (applied, refused or rolled back: see its report).
    Reported {
        /// The node's account.
        report: ApplyReport,
    },
    /// The node could not be asked or did not answer.
    Failed {
        /// Why.
        why: String,
    },
    /// Not attempted.
    Skipped {
        /// Why.
        why: String,
    },
}

impl NodeResult {
    /// Whether the node now runs the new config.
    #[must_use]
    pub fn applied(&self) -> bool {
        matches!(self, Self::Reported { report } if report.outcome == ApplyOutcome::Applied)
    }
}

/// One node's push.
#[derive(Debug, Clone, Serialize)]
pub struct NodePush {
    /// The node.
    pub name: String,
    /// Its config before, when it was read (for the audit log's diff; never shown whole).
    #[serde(skip)]
    pub before: Option<Vec<u8>>,
    /// What happened.
    #[serde(flatten)]
    pub result: NodeResult,
    /// How long it took, in milliseconds.
    pub took_ms: u64,
}

/// What the push did, node by node, in the order given.
#[derive(Debug, Clone, Serialize)]
pub struct PushRun {
    /// Where the config came from (a file or a node).
    pub source: String,
    /// Problems found here before any node was touched (then every node is skipped).
    pub refused: Vec<String>,
    /// Each node.
    pub nodes: Vec<NodePush>,
}

impl PushRun {
    /// Whether every node runs the new config.
    #[must_use]
    pub fn all_applied(&self) -> bool {
        self.refused.is_empty() && self.nodes.iter().all(|n| n.result.applied())
    }
}

/// Checks `source` for each OS among `targets` before anything is sent: errors of the proxy's
/// checker, and DPAPI blobs, which only decrypt on the machine that made them.
#[must_use]
pub fn preflight(source: &[u8], source_node: Option<&str>, targets: &[(Node, NodeOs)]) -> Vec<String> {
    let doc = Document::parse(&decode(source).text);
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    for (node, os) in targets {
        let platform = match os {
            NodeOs::Windows => Platform::Windows,
            NodeOs::Linux => Platform::Linux,
        };
        if !checked.contains(&platform) {
            checked.push(platform);
            let options = Options { platform: Some(platform), ..Options::default() };
            let diagnostics = validate::validate(&doc, &options);
            let errors: Vec<_> = diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
            if let Some(first) = errors.first() {
                let at = doc.line_col(first.range.start);
                problems.push(format!(
                    "the config has {} error(s) for a {} proxy; the first, line {}: {}",
                    errors.len(),
                    platform.as_str(),
                    at.line,
                    first.message
                ));
            }
        }
        let protected = doc
            .regular_sections()
            .flat_map(|s| s.entries.iter().map(move |e| (s, e)))
            .find(|(_, e)| e.name.ends_with("_protected"));
        if let Some((section, entry)) = protected {
            if source_node != Some(node.name.as_str()) {
                problems.push(format!(
                    "[{}] {} is protected with another machine's DPAPI and cannot be read on {}: push a config whose \
                     secrets are in plaintext (each Windows node protects them with its own DPAPI as it writes)",
                    section.name, entry.key, node.name
                ));
            }
        }
    }
    problems.dedup();
    problems
}

/// Pushes `source` to `targets`, calling `progress` as each node starts and ends.
pub fn push(
    ssh: &Ssh,
    source_name: &str,
    source_node: Option<&str>,
    source: &[u8],
    targets: &[Node],
    options: PushOptions,
    progress: &(dyn Fn(&str, Option<&NodeResult>) + Sync),
) -> PushRun {
    // First every node's status: its OS, and the config it has now (never overwritten if it
    // changes before the apply).
    let statuses: Vec<(Node, Result<Answered, String>, Option<NodeOs>)> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            targets.iter().map(|node| scope.spawn(move || status_of(ssh, node, options.status_timeout))).collect();
        handles
            .into_iter()
            .zip(targets)
            .map(|(h, node)| {
                let answer = h.join().ok();
                let os = answer.as_ref().and_then(|a| a.os);
                (node.clone(), answer.map_or_else(|| Err("internal error".to_owned()), |a| a.result), os)
            })
            .collect()
    });
    let reachable: Vec<(Node, NodeOs)> =
        statuses.iter().filter_map(|(n, r, os)| r.as_ref().ok().and(*os).map(|os| (n.clone(), os))).collect();
    let refused = preflight(source, source_node, &reachable);
    let mut nodes: Vec<NodePush> = Vec::new();
    let mut stop: Option<String> =
        (!refused.is_empty()).then(|| "nothing was sent: the config was refused here".to_owned());
    for chunk in statuses.chunks(options.parallel.max(1)) {
        if let Some(why) = &stop {
            for (node, status, _) in chunk {
                let before = status.as_ref().ok().and_then(|a| a.status.config_bytes());
                let result = NodeResult::Skipped { why: why.clone() };
                progress(&node.name, Some(&result));
                nodes.push(NodePush { name: node.name.clone(), before, result, took_ms: 0 });
            }
            continue;
        }
        let done: Vec<NodePush> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|(node, status, os)| {
                    scope.spawn(move || {
                        progress(&node.name, None);
                        let started = Instant::now();
                        let before = status.as_ref().ok().and_then(|a| a.status.config_bytes());
                        let result = apply_to(ssh, node, status, *os, source, options);
                        progress(&node.name, Some(&result));
                        let took_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                        NodePush { name: node.name.clone(), before, result, took_ms }
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        if let Some(failed) = done.iter().find(|n| !n.result.applied()) {
            stop = Some(format!(
                "not attempted: {} did not take the new config, so the rest were left as they are",
                failed.name
            ));
        }
        nodes.extend(done);
    }
    PushRun { source: source_name.to_owned(), refused, nodes }
}

fn apply_to(
    ssh: &Ssh,
    node: &Node,
    status: &Result<Answered, String>,
    os: Option<NodeOs>,
    source: &[u8],
    options: PushOptions,
) -> NodeResult {
    let answered = match status {
        Ok(answered) => answered,
        Err(why) => return NodeResult::Failed { why: why.clone() },
    };
    let Some(os) = os else { return NodeResult::Failed { why: "its OS is not known".to_owned() } };
    if answered.route == Route::ReadOnly {
        return NodeResult::Failed {
            why: format!(
                "authproxy-manager is not installed on {}: a push needs it there (the node itself backs up, \
                 protects, validates, restarts and rolls back)",
                node.name
            ),
        };
    }
    let request = NodeRequest {
        protocol: PROTOCOL,
        op: NodeOp::Apply(Box::new(ApplyRequest {
            install_dir: node.install_dir.clone(),
            config: ConfigPayload::new(source),
            expected_sha256: answered.status.config_sha256.clone(),
            protect: os == NodeOs::Windows,
            check: options.check,
            start_timeout_secs: options.start_timeout.as_secs().max(1),
        })),
    };
    let input = zeroize::Zeroizing::new(serde_json::to_vec(&request).unwrap_or_default());
    let command = format!("{} node", quote(&manager_on(node, os), os));
    // A restart, a possible rollback with a second restart, and the check.
    let limit = options.start_timeout * 2
        + options.status_timeout
        + if options.check { Duration::from_secs(90) } else { Duration::ZERO };
    let remote = match ssh.run(node, &command, &input, limit) {
        Ok(remote) => remote,
        Err(SshProblem::TimedOut { host, after }) => {
            return NodeResult::Failed {
                why: format!(
                "{host} did not finish within {} s: the node may still be applying or rolling back; read its status \
                     before doing anything else",
                after.as_secs()
            ),
            }
        }
        Err(problem) => return NodeResult::Failed { why: problem.to_string() },
    };
    match serde_json::from_slice::<NodeReply>(&remote.stdout) {
        Ok(NodeReply { body: ReplyBody::Applied(report), .. }) => NodeResult::Reported { report },
        Ok(NodeReply { body: ReplyBody::Error(message), .. }) => {
            NodeResult::Failed { why: format!("the node refused: {message}") }
        }
        Ok(_) => NodeResult::Failed { why: "the node answered something else".to_owned() },
        Err(e) => NodeResult::Failed {
            why: format!(
                "no reply we can read ({e}); it said: {}",
                remote.stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("nothing")
            ),
        },
    }
}

/// A node's push result: the outcome, then each step the node reported.
#[must_use]
pub fn result_text(name: &str, result: &NodeResult) -> String {
    match result {
        NodeResult::Reported { report } => {
            let outcome = match &report.outcome {
                ApplyOutcome::Applied => "APPLIED".to_owned(),
                ApplyOutcome::Refused(why) => format!("REFUSED, nothing changed: {why}"),
                ApplyOutcome::RolledBack(why) => format!("ROLLED BACK: {why}"),
                ApplyOutcome::RollbackFailed(why) => format!("ROLLBACK FAILED, act now: {why}"),
            };
            let mut text = format!("{name}: {outcome}");
            for step in &report.steps {
                let mark = if step.ok { "ok" } else { "FAILED" };
                text.push_str(&format!("\n    {:>6} ms  {mark:<6} {}: {}", step.took_ms, step.what, step.detail));
            }
            text
        }
        NodeResult::Failed { why } => format!("{name}: FAILED: {why}"),
        NodeResult::Skipped { why } => format!("{name}: skipped: {why}"),
    }
}
