//! # authproxy-manager
//!
//! A configuration manager for the Duo Authentication Proxy's `authproxy.cfg`.
//!
//! Invariants:
//! - Parsing never fails: [`config::parse`] returns a document plus load errors,
//!   and printing the document gives back the input byte for byte.
//! - Only [`app`] depends on the GUI; everywhere else offsets are UTF-8 byte ranges
//!   ([`text::TextRange`]), converted to lines and columns only at the edges.
//! - One schema table ([`schema::keys::KEYS`]) drives validation, completion and help.
//! - No finding, report or log line ever contains a secret value.

pub mod app;
pub mod cli;
pub mod complete;
pub mod config;
pub mod connectivity;
pub mod crash;
pub mod platform;
pub mod schema;
pub mod secrets;
pub mod service;
pub mod text;
pub mod validate;
