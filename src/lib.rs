//! # authproxy-manager
//!
//! The desktop app and the command line of authproxy-manager, a configuration manager for the
//! Duo Authentication Proxy's `authproxy.cfg`. Everything that is not GUI or command line lives
//! in the `authproxy-core` crate; its modules are re-exported here under the same names.
//!
//! Only [`app`] depends on the GUI.

pub use authproxy_core::{
    complete, config, connectivity, crash, fleet, logfile, login, platform, schema, secrets, service, text, validate,
};

pub mod app;
pub mod cli;
