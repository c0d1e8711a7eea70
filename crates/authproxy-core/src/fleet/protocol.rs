//! What the manager and `authproxy-manager node` on a proxy say to each other over SSH: one JSON
//! request on the node's standard input, one JSON reply on its standard output, both versioned.

use serde::{Deserialize, Serialize};

/// The protocol this build speaks. A node that answers with a higher one has a newer manager.
pub const PROTOCOL: u32 = 1;

/// A request to a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRequest {
    /// The sender's [`PROTOCOL`].
    pub protocol: u32,
    /// What is asked.
    #[serde(flatten)]
    pub op: NodeOp,
}

/// What a node is asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum NodeOp {
    /// Report on the proxy.
    Status {
        /// The proxy's install folder, when the fleet names one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        install_dir: Option<String>,
    },
    /// Put a new config in place: back up, write, protect, validate, restart, check; on any
    /// failure put the old one back and restart.
    Apply(Box<ApplyRequest>),
}

/// What `apply` is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyRequest {
    /// The proxy's install folder, when the fleet names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_dir: Option<String>,
    /// The new config.
    pub config: ConfigPayload,
    /// The SHA-256 of the node's config when the manager read it: a config changed on the node
    /// since is never overwritten.
    pub expected_sha256: Option<String>,
    /// Protect plaintext secrets with this node's DPAPI before anything is written (Windows).
    pub protect: bool,
    /// Run the connectivity check after the restart; a failed check rolls back.
    pub check: bool,
    /// Seconds the service has to come up.
    pub start_timeout_secs: u64,
}

/// A config's bytes as base64 inside a request: they may hold plaintext secrets, so `Debug`
/// never shows them and the memory is wiped when dropped.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConfigPayload(String);

impl ConfigPayload {
    /// Wraps `bytes`.
    #[must_use]
    pub fn new(bytes: &[u8]) -> Self {
        use base64::Engine as _;
        Self(base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    /// The bytes, when the base64 is valid.
    #[must_use]
    pub fn bytes(&self) -> Option<zeroize::Zeroizing<Vec<u8>>> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode(&self.0).ok().map(zeroize::Zeroizing::new)
    }
}

impl std::fmt::Debug for ConfigPayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ConfigPayload({} base64 characters)", self.0.len())
    }
}

impl Drop for ConfigPayload {
    fn drop(&mut self) {
        use zeroize::Zeroize as _;
        self.0.zeroize();
    }
}

/// One step of an apply, as the node reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyStep {
    /// What was done (`backed up`, `written`, `restarted`).
    pub what: String,
    /// Whether it worked.
    pub ok: bool,
    /// What happened, in words.
    pub detail: String,
    /// How long it took, in milliseconds.
    pub took_ms: u64,
}

/// How an apply ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", content = "why", rename_all = "snake_case")]
pub enum ApplyOutcome {
    /// The new config is in place and the proxy runs with it.
    Applied,
    /// Nothing was changed, and why.
    Refused(String),
    /// Something failed after the write: the old config is back and the proxy runs with it.
    RolledBack(String),
    /// Something failed, and putting the old config back failed too: the node needs a person.
    RollbackFailed(String),
}

/// The node's account of an apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyReport {
    /// Each step, in order.
    pub steps: Vec<ApplyStep>,
    /// How it ended.
    pub outcome: ApplyOutcome,
    /// The SHA-256 of the config on the node afterwards.
    pub config_sha256: Option<String>,
}

/// A node's reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeReply {
    /// The node's [`PROTOCOL`].
    pub protocol: u32,
    /// The node's manager version.
    pub manager_version: String,
    /// The answer.
    #[serde(flatten)]
    pub body: ReplyBody,
}

/// The answer proper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyBody {
    /// The proxy's state.
    Status(Box<NodeStatus>),
    /// What an apply did.
    Applied(ApplyReport),
    /// The request could not be carried out, and why.
    Error(String),
}

/// A proxy's state as its node sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NodeStatus {
    /// `windows` or `linux`.
    pub os: String,
    /// The node's own host name.
    pub hostname: String,
    /// The proxy's install folder.
    pub install_dir: String,
    /// The config the proxy reads.
    pub config_path: String,
    /// The proxy's version, and where it was read.
    pub proxy_version: Option<String>,
    /// The service state (`running`, `stopped`, …).
    pub service: String,
    /// The config's bytes as base64 (they travel only inside the SSH channel; never shown).
    pub config_base64: Option<String>,
    /// The config's SHA-256, hex.
    pub config_sha256: Option<String>,
    /// Why the config could not be read.
    pub config_problem: Option<String>,
    /// Errors the checker finds, on the node with its own DPAPI and version.
    pub errors: usize,
    /// Warnings the checker finds.
    pub warnings: usize,
    /// The latest accepted login: when (local time with offset), who and in which section.
    pub last_login: Option<LastLogin>,
    /// The latest error lines of the proxy's log, masked, newest first.
    pub recent_errors: Vec<String>,
}

/// An accepted login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastLogin {
    /// When, as the log wrote it (local time with its offset).
    pub time: String,
    /// Who.
    pub user: String,
    /// Which section answered.
    pub section: String,
}

impl NodeStatus {
    /// The config's bytes, when they were read.
    #[must_use]
    pub fn config_bytes(&self) -> Option<Vec<u8>> {
        use base64::Engine as _;
        self.config_base64.as_deref().and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
    }
}

/// The SHA-256 of `bytes`, hex.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_replies_read_back_and_name_their_protocol() {
        let request = NodeRequest { protocol: PROTOCOL, op: NodeOp::Status { install_dir: Some("/opt/duo".into()) } };
        let text = serde_json::to_string(&request).unwrap();
        assert_eq!(text, r#"{"protocol":1,"op":"status","install_dir":"/opt/duo"}"#);
        assert_eq!(serde_json::from_str::<NodeRequest>(&text).unwrap(), request);
        let reply = NodeReply { protocol: 1, manager_version: "0.1.0".into(), body: ReplyBody::Error("no".into()) };
        let text = serde_json::to_string(&reply).unwrap();
        assert_eq!(text, r#"{"protocol":1,"manager_version":"0.1.0","error":"no"}"#);
        assert_eq!(serde_json::from_str::<NodeReply>(&text).unwrap(), reply);
        let apply = NodeOp::Apply(Box::new(ApplyRequest {
            install_dir: None,
            config: ConfigPayload::new(b"[radius_server_auto]\nskey=Payload-Secret-5\n"),
            expected_sha256: None,
            protect: true,
            check: false,
            start_timeout_secs: 60,
        }));
        assert!(!format!("{apply:?}").contains("UGF5bG9hZC1TZWNyZXQtNQ"), "the payload's base64 is not shown");
        let text = serde_json::to_string(&NodeRequest { protocol: 1, op: apply.clone() }).unwrap();
        assert_eq!(serde_json::from_str::<NodeRequest>(&text).unwrap().op, apply);
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
