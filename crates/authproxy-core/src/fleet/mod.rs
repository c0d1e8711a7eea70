//! Several proxies at once: the fleet file (ours or Ansible's), the SSH transport, the node
//! protocol, asking every node, and comparing their configs.

pub mod apply;
pub mod audit;
pub mod diff;
pub mod inventory;
pub mod node;
pub mod protocol;
pub mod push;
pub mod query;
pub mod report;
pub mod ssh;

pub use inventory::{Inventory, Node, NodeOs};
