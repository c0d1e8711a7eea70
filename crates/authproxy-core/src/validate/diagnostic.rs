//! What the validator reports: kind, severity, place, message and an optional fix.

use serde::Serialize;

use crate::config::TextEdit;
use crate::text::TextRange;

/// How serious a finding is (Duo's levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong.
    Info,
    /// The proxy runs, but probably not as intended.
    Warning,
    /// The checker fails the section, or the proxy will not load or start.
    Error,
}

impl Severity {
    /// Lower-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

macro_rules! kinds {
    ($( $(#[doc = $doc:literal])* $name:ident => $severity:ident, )*) => {
        /// The kind of a finding. The first group carries the names of Duo's
        /// checker result types; the rest are ours, for what Duo's checker misses.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum Kind {
            $( $(#[doc = $doc])* $name, )*
        }

        impl Kind {
            /// Every kind, Duo's first.
            pub const ALL: &'static [Kind] = &[$(Kind::$name),*];

            /// The kind's name, e.g. `MissingKey`.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self { $(Kind::$name => stringify!($name),)* }
            }

            /// The level Duo's checker (or, for our kinds, this tool) gives it by default.
            #[must_use]
            pub fn default_severity(self) -> Severity {
                match self { $(Kind::$name => Severity::$severity,)* }
            }

            /// What this kind means, in one paragraph.
            #[must_use]
            pub fn explain(self) -> &'static str {
                match self { $(Kind::$name => concat!($($doc, "\n"),*),)* }
            }
        }
    };
}

kinds! {
    /// A key the 5.0.0 checker does not know for this section type. Newer proxy
    /// versions (6.x) added a few keys; the 5.0.0 checker still rejects them.
    UnexpectedKey => Error,
    /// A required key is absent.
    MissingKey => Error,
    /// A value has the wrong form (the value itself is never printed).
    InvalidValue => Error,
    /// A setting needs another one that is absent (e.g. `auth_type=plain` needs `bind_dn`).
    UnmetDependency => Error,
    /// Duo's checker could not run a check because a value it depends on is invalid or missing.
    SkippedTest => Warning,
    /// Two keys that must not be used together.
    IncompatibleKeys => Error,
    /// A numbered key lacks its partner with the same number (`radius_ip_2` without `radius_secret_2`).
    UnpairedKey => Error,
    /// A `[main]` key conflicts with the presence of a section.
    KeyIncompatibleWithSection => Error,
    /// Two RADIUS listeners on the same port accept overlapping client addresses; the first in file order wins.
    NetworkContention => Warning,
    /// A server section's client is not an existing client section.
    InvalidClientServerMapping => Error,
    /// Two sections listen on the same port and interface.
    PortCollision => Error,
    /// A key that only works with a particular kind of client section.
    KeyInvalidWithClient => Error,
    /// A setting that has no effect in this configuration.
    IneffectiveConfig => Warning,
    /// One section listens twice on the same port.
    SameSectionPortCollision => Error,
    /// `*_protected` values cannot be used on this platform (DPAPI exists only on Windows).
    ProtectUnavailable => Error,
    /// A `*_protected` value does not decrypt on this machine.
    InvalidProtectedValue => Error,
    /// A key that still works but is deprecated.
    DeprecatedKey => Warning,
    /// A setting that weakens security.
    InsecureConfigItem => Warning,
    /// Two values that contradict each other.
    IncompatibleValues => Error,
    /// The proxy cannot load the file at all; nothing else is checked.
    LoadError => Error,
    /// A section name that is not one of the 14 section types (optionally numbered).
    InvalidSection => Error,
    /// The SSO secrets store lacks the proxy key: the enrollment-code script has not been run.
    SsoNotEnrolled => Error,
    /// A `;` or `#` after a value is not a comment: the proxy keeps it as part of the value.
    InlineComment => Warning,
    /// Non-ASCII text in a UTF-8 file: the Windows proxy reads the file in the ANSI code page and mis-reads it.
    NonAsciiText => Warning,
    /// More than one `[cloud]` section: the proxy refuses to start (its checker does not notice).
    MultipleCloudSections => Error,
    /// A section the running proxy ignores (only the first `[sso]` section is used).
    IgnoredSection => Warning,
    /// A key the checker accepts but the running proxy never reads.
    IgnoredKey => Warning,
    /// A value the checker accepts but the running proxy rejects at start-up.
    RuntimeRejectedValue => Error,
    /// A setting that the running proxy rejects on this platform.
    PlatformUnsupported => Error,
    /// Two TCP listeners (LDAP and HTTP CONNECT) on the same port; the second fails to start.
    ListenerPortCollision => Error,
    /// An LDAP transport without encryption or certificate checks.
    InsecureTransport => Warning,
    /// A combination that fails at run time in FIPS mode.
    FipsIncompatible => Error,
    /// The file has no sections: the checker passes it but the service will not start.
    NoSections => Warning,
    /// A secret stored in plain text where the Windows proxy could read a DPAPI-protected `*_protected` value instead.
    PlaintextSecret => Warning,
    /// `*_protected` values could not be decrypted on this host (no DPAPI), so they were not checked.
    ProtectedNotChecked => Info,
    /// A file or directory could not be checked on this host (unknown install directory or a foreign path).
    PathNotChecked => Info,
}

impl Kind {
    /// Whether the proxy refuses to load or start with a file that has this finding: it cannot
    /// parse the file (duplicate keys or sections, unparsable lines, a BOM hiding the first
    /// header), several `[cloud]` sections, or no section at all.
    #[must_use]
    pub fn stops_the_proxy(self) -> bool {
        matches!(self, Self::LoadError | Self::MultipleCloudSections | Self::NoSections)
    }
}

/// A suggested repair, as text edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the fix does, e.g. "Rename to failmode".
    pub title: String,
    /// The edits, non-overlapping.
    pub edits: Vec<TextEdit>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// What kind of problem.
    pub kind: Kind,
    /// How serious.
    pub severity: Severity,
    /// The section it concerns (for cross-section findings, the first section involved).
    pub section: Option<String>,
    /// Found by a rule that looks at several sections together.
    pub cross_section: bool,
    /// The keys involved, lower-case.
    pub keys: Vec<String>,
    /// Where (bytes).
    pub range: TextRange,
    /// What is wrong and what to do. Never contains a secret.
    pub message: String,
    /// A repair, when one is obvious.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding with the kind's default severity.
    #[must_use]
    pub fn new(kind: Kind, range: TextRange, message: impl Into<String>) -> Self {
        Self {
            kind,
            severity: kind.default_severity(),
            section: None,
            cross_section: false,
            keys: Vec::new(),
            range,
            message: message.into(),
            fix: None,
        }
    }

    /// Sets the section.
    #[must_use]
    pub fn in_section(mut self, section: &str) -> Self {
        self.section = Some(section.to_string());
        self
    }

    /// Marks the finding as cross-section.
    #[must_use]
    pub fn cross(mut self) -> Self {
        self.cross_section = true;
        self
    }

    /// Adds the keys involved.
    #[must_use]
    pub fn with_keys<I, S>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.keys.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Overrides the severity.
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Attaches a fix.
    #[must_use]
    pub fn with_fix(mut self, title: impl Into<String>, edits: Vec<TextEdit>) -> Self {
        self.fix = Some(Fix { title: title.into(), edits });
        self
    }
}
