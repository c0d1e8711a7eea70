//! The validator: every per-section and cross-section rule of Duo's 5.0.0
//! checker, plus what that checker misses.
//!
//! Input is a parsed [`Document`]; output is a list of [`Diagnostic`]s sorted
//! by position. Validation never fails and never prints a secret.

mod cascade;
pub mod diagnostic;
pub mod render;
mod rules;

pub use rules::checker_bool;
mod similar;
mod view;

use std::path::PathBuf;

pub use diagnostic::{Diagnostic, Fix, Kind, Severity};

use crate::config::{Document, Encoding};
use crate::schema::{Platform, ProxyVersion};
use crate::secrets::Protector;

/// Whether the SSO enrollment step has been run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SsoEnrollment {
    /// Look for the secrets store on this host (and under the install directory).
    #[default]
    Detect,
    /// Known to be enrolled.
    Enrolled,
    /// Known not to be enrolled.
    NotEnrolled,
}

/// How to validate.
#[derive(Clone, Default)]
pub struct Options<'a> {
    /// Whose semantics apply; `None` means the host's platform.
    pub platform: Option<Platform>,
    /// The proxy's install directory, for relative file paths and the SSO secrets store.
    pub install_dir: Option<PathBuf>,
    /// How the file's bytes were decoded.
    pub encoding: Option<Encoding>,
    /// DPAPI, to decrypt `*_protected` values and to offer protecting plaintext
    /// secrets as a fix; `None` (or an unavailable one) when this host has none.
    pub protector: Option<&'a dyn Protector>,
    /// SSO enrollment state.
    pub sso_enrollment: SsoEnrollment,
    /// The proxy release whose rules apply; `None` when unknown (the 5.0.0 rules, with keys
    /// added later reported as warnings).
    pub proxy_version: Option<ProxyVersion>,
    /// Keep checking sections even when the proxy could not load the file
    /// (useful while typing; the CLI follows the proxy and stops).
    pub continue_after_load_error: bool,
}

impl std::fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("platform", &self.platform)
            .field("install_dir", &self.install_dir)
            .field("encoding", &self.encoding)
            .field("protector", &self.protector.map(|p| p.available()))
            .field("sso_enrollment", &self.sso_enrollment)
            .field("proxy_version", &self.proxy_version)
            .field("continue_after_load_error", &self.continue_after_load_error)
            .finish()
    }
}

impl Options<'_> {
    /// The platform whose semantics apply.
    #[must_use]
    pub fn platform(&self) -> Platform {
        self.platform.unwrap_or_else(Platform::host)
    }
}

/// Validates `doc`, returning findings sorted by position, then kind.
#[must_use]
pub fn validate(doc: &Document, options: &Options<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    rules::load::check(doc, options, &mut out);
    let load_failed = out.iter().any(|d| d.kind == Kind::LoadError);
    if !load_failed || options.continue_after_load_error {
        let views = view::build(doc);
        rules::sections::check(&views, &mut out);
        for v in &views {
            rules::keys::check(doc, v, options, &mut out);
            rules::section_rules::check(v, &views, options, &mut out);
        }
        rules::cross::check(&views, &mut out);
        rules::protected::check(&views, options, &mut out);
        rules::plaintext::check(doc, options, &mut out);
        rules::keys::add_missing_key_fixes(doc, &mut out);
    }
    cascade::fold(doc, &mut out);
    out.sort_by_key(|d| (d.range.start, d.range.end, d.kind));
    out.dedup();
    tracing::debug!(
        platform = options.platform().as_str(),
        sections = doc.sections.len(),
        findings = out.len(),
        errors = out.iter().filter(|d| d.severity == Severity::Error).count(),
        "validated"
    );
    out
}

/// Whether any finding is an error.
#[must_use]
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}
