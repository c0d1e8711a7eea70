//! `authproxy-manager node`: the node's side of the fleet. The manager runs it over SSH with one
//! JSON request on standard input and reads one JSON reply from standard output.
//!
//! Exit status: 0 a reply was written (an error reply included); 2 the request could not be read.

use std::io::{Read, Write};
use std::process::ExitCode;

use crate::fleet::node::{self, NodeContext};
use crate::fleet::protocol::{NodeOp, NodeReply, NodeRequest, ReplyBody, PROTOCOL};
use crate::secrets::Protector;

/// The largest request read.
const MAX_REQUEST: u64 = 16 * 1024 * 1024;

/// Reads a request from `input`, carries it out, and writes the reply to `out`.
pub fn node(protector: &dyn Protector, input: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let mut bytes = Vec::new();
    if let Err(e) = input.take(MAX_REQUEST).read_to_end(&mut bytes) {
        let _ = writeln!(err, "error: cannot read the request from standard input: {e}");
        return ExitCode::from(2);
    }
    let body = match serde_json::from_slice::<NodeRequest>(&bytes) {
        Err(e) => ReplyBody::Error(format!(
            "the request is not one this manager ({}) understands: {e}; update the managers to the same version",
            env!("CARGO_PKG_VERSION")
        )),
        Ok(request) if request.protocol > PROTOCOL => ReplyBody::Error(format!(
            "the request speaks protocol {}, newer than this node's {PROTOCOL}: update authproxy-manager on this node",
            request.protocol
        )),
        Ok(NodeRequest { op, .. }) => {
            let requested = match &op {
                NodeOp::Status { install_dir } => install_dir.clone(),
                NodeOp::Apply(apply) => apply.install_dir.clone(),
            };
            let install = node::install_dir(requested.as_deref());
            let mut service = crate::service::host_service(&install);
            let registry = crate::service::version::HostRegistry;
            let mut context =
                NodeContext { install_dir: install, service: service.as_mut(), protector, registry: &registry };
            match &op {
                NodeOp::Status { .. } => ReplyBody::Status(Box::new(node::status(&mut context))),
                NodeOp::Apply(apply) => ReplyBody::Applied(crate::fleet::apply::apply(apply, &mut context)),
            }
        }
    };
    let reply = NodeReply { protocol: PROTOCOL, manager_version: env!("CARGO_PKG_VERSION").to_owned(), body };
    match serde_json::to_writer(&mut *out, &reply) {
        Ok(()) => {
            let _ = writeln!(out);
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(err, "error: cannot write the reply: {e}");
            ExitCode::from(2)
        }
    }
}
