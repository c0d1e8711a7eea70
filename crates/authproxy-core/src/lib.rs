//! # authproxy-core
//!
//! Everything authproxy-manager knows about the Duo Authentication Proxy, without a GUI: the
//! lossless model of `authproxy.cfg`, the schema, the validator, completion, secrets and DPAPI,
//! the connectivity checks, service control, the proxy's logs and the test login. The desktop app and the
//! command line are the `authproxy-manager` package; this crate can be fuzzed, benchmarked and
//! reused without building them.
//!
//! Invariants:
//! 1. Nothing here depends on egui, and nothing panics on input from outside: parsing never
//!    fails ([`config::Document::parse`] gives a document plus load errors, and printing it
//!    gives back the input byte for byte).
//! 2. Offsets are UTF-8 byte ranges ([`text::TextRange`]), turned into lines and columns only at
//!    the edges; characters are counted only by the app's editor.
//! 3. One schema table ([`schema::keys::KEYS`]) drives validation, completion, help and the
//!    highlighting grammar's key lists.
//! 4. Every failure a user can see is a typed value with its message and what to do
//!    ([`validate::Diagnostic`], [`connectivity::Problem`]), rendered by one renderer per output.
//! 5. Every network or process call has a time limit and can be cancelled.
//! 6. No secret reaches a `Debug` output, a log line, a report, or a file left on disk.
//! 7. A program is run only from a trusted install ([`service::trust`]).

pub mod complete;
pub mod config;
pub mod connectivity;
pub mod crash;
pub mod fleet;
pub mod logfile;
pub mod login;
pub mod platform;
pub mod schema;
pub mod secrets;
pub mod service;
pub mod text;
pub mod validate;
