//! Asking every node at once: each on its own thread with its own time limit, so one dead node
//! never delays the others. Where our binary is not on a node, the config is read and the service
//! queried read-only.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::inventory::{Node, NodeOs};
use super::protocol::{sha256_hex, NodeOp, NodeReply, NodeRequest, NodeStatus, ReplyBody, PROTOCOL};
use super::ssh::{manager_on, not_found, quote, Ssh, SshProblem};

/// How a node was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// `authproxy-manager node` answered.
    Manager,
    /// The manager is not installed there: the config was read and the service queried.
    ReadOnly,
}

impl Route {
    /// Whether the node was reached, in a word: `yes`, or `read-only` without our binary there.
    #[must_use]
    pub fn reached(self) -> &'static str {
        match self {
            Self::Manager => "yes",
            Self::ReadOnly => "read-only",
        }
    }
}

/// One node's answer.
#[derive(Debug, Clone, Serialize)]
pub struct NodeAnswer {
    /// The node's name in the fleet.
    pub name: String,
    /// How long asking it took.
    #[serde(serialize_with = "millis")]
    pub took: Duration,
    /// Its OS, as given or detected.
    pub os: Option<NodeOs>,
    /// What it said, or why it could not be asked.
    pub result: Result<Answered, String>,
}

/// What a reachable node said.
#[derive(Debug, Clone, Serialize)]
pub struct Answered {
    /// How.
    pub route: Route,
    /// The node's manager version (read-only: none).
    pub manager_version: Option<String>,
    /// The proxy's state.
    pub status: NodeStatus,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Asks every node in `nodes` for its status at once, each within `timeout`.
#[must_use]
pub fn status_all(ssh: &Ssh, nodes: &[Node], timeout: Duration) -> Vec<NodeAnswer> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = nodes.iter().map(|node| scope.spawn(move || status_of(ssh, node, timeout))).collect();
        handles
            .into_iter()
            .zip(nodes)
            .map(|(handle, node)| {
                handle.join().unwrap_or_else(|_| NodeAnswer {
                    name: node.name.clone(),
                    took: Duration::ZERO,
                    os: node.os,
                    result: Err("internal error while asking this node".to_owned()),
                })
            })
            .collect()
    })
}

/// Asks one node, within `timeout` in all.
#[must_use]
pub fn status_of(ssh: &Ssh, node: &Node, timeout: Duration) -> NodeAnswer {
    let started = Instant::now();
    let mut os = node.os;
    let result = ask(ssh, node, &mut os, started + timeout).map_err(|problem| match problem {
        // Each call is given what is left of the node's time; the node had all of it.
        SshProblem::TimedOut { host, .. } => SshProblem::TimedOut { host, after: timeout }.to_string(),
        SshProblem::Other(text) => text,
        other => other.to_string(),
    });
    NodeAnswer { name: node.name.clone(), took: started.elapsed(), os, result }
}

fn left(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(500))
}

fn ask(ssh: &Ssh, node: &Node, os: &mut Option<NodeOs>, deadline: Instant) -> Result<Answered, SshProblem> {
    let known = match *os {
        Some(known) => known,
        None => {
            let detected = detect_os(ssh, node, left(deadline))?;
            *os = Some(detected);
            detected
        }
    };
    let request = NodeRequest { protocol: PROTOCOL, op: NodeOp::Status { install_dir: node.install_dir.clone() } };
    let input = serde_json::to_vec(&request).unwrap_or_default();
    let command = format!("{} node", quote(&manager_on(node, known), known));
    let remote = ssh.run(node, &command, &input, left(deadline))?;
    if not_found(&remote) {
        return read_only(ssh, node, known, deadline);
    }
    let reply: NodeReply = serde_json::from_slice(&remote.stdout).map_err(|e| {
        let said = remote.stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("nothing on standard error");
        SshProblem::Other(format!(
            "the node's manager gave no reply we can read ({e}; exit {:?}; it said: {said})",
            remote.code
        ))
    })?;
    if reply.protocol > PROTOCOL {
        return Err(SshProblem::Other(format!(
            "the node's manager ({}) speaks protocol {}, newer than this one's {PROTOCOL}: update this manager",
            reply.manager_version, reply.protocol
        )));
    }
    match reply.body {
        ReplyBody::Status(status) => {
            Ok(Answered { route: Route::Manager, manager_version: Some(reply.manager_version), status: *status })
        }
        ReplyBody::Error(message) => Err(SshProblem::Other(format!("the node's manager refused: {message}"))),
        ReplyBody::Applied(_) => Err(SshProblem::Other("the node's manager answered something else".to_owned())),
    }
}

/// Windows' `cmd` expands `%OS%` to `Windows_NT`; a POSIX shell prints it as it is.
fn detect_os(ssh: &Ssh, node: &Node, timeout: Duration) -> Result<NodeOs, SshProblem> {
    let remote = ssh.run(node, "echo %OS%", b"", timeout)?;
    Ok(if String::from_utf8_lossy(&remote.stdout).contains("Windows_NT") { NodeOs::Windows } else { NodeOs::Linux })
}

/// The read-only route: the config's bytes and the service's state through the node's own shell.
fn read_only(ssh: &Ssh, node: &Node, os: NodeOs, deadline: Instant) -> Result<Answered, SshProblem> {
    let install = node.install_dir.clone().unwrap_or_else(|| match os {
        NodeOs::Windows => r"C:\Program Files\Duo Security Authentication Proxy".to_owned(),
        NodeOs::Linux => "/opt/duoauthproxy".to_owned(),
    });
    let (config_path, script) = match os {
        NodeOs::Linux => {
            let config = format!("{install}/conf/authproxy.cfg");
            let ctl = format!("{install}/bin/authproxyctl");
            let script = format!(
                "c={}; k={}; if [ -x \"$k\" ]; then \"$k\" status >/dev/null 2>&1; r=$?; \
                 case $r in 0) s=running;; 1|3) s=stopped;; *) s=unknown;; esac; \
                 else s=$(systemctl is-active duoauthproxy 2>/dev/null); fi; echo \"SERVICE $s\"; \
                 if [ -r \"$c\" ]; then echo CONFIG; od -An -v -tx1 \"$c\"; else echo \"NOCONFIG\"; fi",
                quote(&config, os),
                quote(&ctl, os)
            );
            (config, script)
        }
        NodeOs::Windows => {
            let config = format!(r"{install}\conf\authproxy.cfg");
            let script = format!("sc query DuoAuthProxy & echo CONFIG & type {}", quote(&config, os));
            (config, script)
        }
    };
    let remote = ssh.run(node, &script, b"", left(deadline))?;
    let (service, bytes) = parse_read_only(&remote.stdout, os);
    let mut status = NodeStatus {
        os: os.as_str().to_owned(),
        install_dir: install,
        config_path: config_path.clone(),
        service,
        ..NodeStatus::default()
    };
    match bytes {
        Some(bytes) => {
            use base64::Engine as _;
            status.config_sha256 = Some(sha256_hex(&bytes));
            status.config_base64 = Some(base64::engine::general_purpose::STANDARD.encode(&bytes));
        }
        None => status.config_problem = Some(format!("{config_path} cannot be read over SSH by this user")),
    }
    Ok(Answered { route: Route::ReadOnly, manager_version: None, status })
}

/// The service state and the config's bytes from the read-only script's output.
fn parse_read_only(stdout: &[u8], os: NodeOs) -> (String, Option<Vec<u8>>) {
    match os {
        NodeOs::Linux => {
            let text = String::from_utf8_lossy(stdout);
            let service = text
                .lines()
                .find_map(|l| l.strip_prefix("SERVICE "))
                .map(|s| match s.trim() {
                    "running" | "active" => "running",
                    "stopped" | "inactive" | "failed" => "stopped",
                    "activating" => "starting",
                    "deactivating" => "stopping",
                    _ => "unknown",
                })
                .unwrap_or("unknown")
                .to_owned();
            let bytes = text.split_once("\nCONFIG\n").map(|(_, hex)| {
                hex.split_whitespace().filter_map(|pair| u8::from_str_radix(pair, 16).ok()).collect::<Vec<u8>>()
            });
            (service, bytes)
        }
        NodeOs::Windows => {
            let marker = b"CONFIG \r\n";
            let split = stdout.windows(marker.len()).position(|w| w == marker);
            let head = String::from_utf8_lossy(&stdout[..split.unwrap_or(stdout.len())]).into_owned();
            let service = if head.contains("RUNNING") {
                "running"
            } else if head.contains("STOPPED") {
                "stopped"
            } else if head.contains("START_PENDING") {
                "starting"
            } else if head.contains("1060") {
                "not installed"
            } else {
                "unknown"
            };
            let bytes = split.map(|at| stdout[at + marker.len()..].to_vec()).filter(|b| !b.is_empty());
            (service.to_owned(), bytes)
        }
    }
}

/// Configs, each with its node's name.
pub type NamedDocuments = Vec<(String, crate::config::Document)>;

/// The configs `answers` carry, parsed, each with its node's name; and the nodes whose config
/// could not be had, each with why.
#[must_use]
pub fn documents(answers: &[NodeAnswer]) -> (NamedDocuments, Vec<(String, String)>) {
    let mut docs = Vec::new();
    let mut unread = Vec::new();
    for answer in answers {
        let bytes = answer.result.as_ref().map_err(Clone::clone).and_then(|a| {
            a.status.config_bytes().ok_or_else(|| a.status.config_problem.clone().unwrap_or_else(|| "no config".into()))
        });
        match bytes {
            Ok(bytes) => {
                docs.push((answer.name.clone(), crate::config::Document::parse(&crate::config::decode(&bytes).text)))
            }
            Err(why) => unread.push((answer.name.clone(), why)),
        }
    }
    (docs, unread)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_read_only_output_gives_the_service_and_the_exact_bytes() {
        let linux = b"SERVICE running\nCONFIG\n 5b 6d 61 69 6e 5d 0a 64\n 65 62 75 67 3d ff 0a\n";
        let (service, bytes) = parse_read_only(linux, NodeOs::Linux);
        assert_eq!(service, "running");
        assert_eq!(bytes.unwrap(), b"[main]\ndebug=\xff\n");
        let (service, bytes) = parse_read_only(b"SERVICE inactive\nNOCONFIG\n", NodeOs::Linux);
        assert_eq!((service.as_str(), bytes), ("stopped", None));
        let windows =
            b"\r\nSERVICE_NAME: DuoAuthProxy\r\n        STATE              : 4  RUNNING\r\nCONFIG \r\n[main]\r\n";
        let (service, bytes) = parse_read_only(windows, NodeOs::Windows);
        assert_eq!((service.as_str(), bytes.unwrap()), ("running", b"[main]\r\n".to_vec()));
    }
}
