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
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
