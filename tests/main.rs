//! All integration tests build as one binary; each module says what it covers.

/// Shared helpers: install-directory fixtures and DPAPI stand-ins.
mod util;

/// Proxy logs in the real grammar, for the log explorer's tests.
#[path = "../crates/authproxy-core/tests/support/loggen.rs"]
mod loggen;

/// Every sample in tests/data/samples gives exactly the findings of expected.md.
mod samples;

/// Every fixture prints back byte-identical; spans slice to what they name.
mod roundtrip;

/// The `validate` command line: output formats, exit codes, no secrets.
mod cli;

/// Property tests: random documents round-trip, random edits touch only their range.
mod props;

/// rust-ini as an independent cross-check of the values a file yields.
mod ini_crosscheck;

/// Hand-written rule tests beyond the samples.
mod rules;

/// One fixture per finding kind, each producing its kind.
mod kinds;

/// Differential test against Python's configparser (the proxy's parser). The parser is
/// platform-independent and the Windows test environment has no Python.
#[cfg(not(windows))]
mod python_parity;

/// No secret in logs (at trace level), reports or command-line output.
mod no_leaks;

/// `protect` editing files in place, with the DPAPI stand-in.
mod protect_cli;

/// Safe on a production proxy: crash reports, masking by shape, one path rule.
mod hardening;

/// The desktop app driven headless through egui_kittest.
mod gui;

/// The Log tab (kittest): filters, the detail pane, jumps to the config, live updates.
mod log_tab;

/// `logs` on the command line: requests, lines, filters, exit codes, follow, export.
mod logs_cli;

/// The proxy's version: detected, given, shown, and the rules that follow it.
mod versions;

/// Files in a Windows server's ANSI code page: read, kept, saved, and reported when wrong.
mod code_pages;

/// The window as an administrator uses it every day (kittest): Find, jumps, Problems,
/// saving without a dialog, changes on disk, completion.
mod window;

/// The real binary in a real X window under Xvfb, driven by xdotool.
#[cfg(target_os = "linux")]
mod xvfb_smoke;

/// Service control through authproxyctl against a real test daemon (Linux).
#[cfg(target_os = "linux")]
mod service_linux;

/// Connectivity probes against real LDAP, AD, HTTPS, proxy and RADIUS servers (Linux: the
/// servers start from tests/servers, plus a network namespace).
#[cfg(target_os = "linux")]
mod connectivity;

/// Several proxies over SSH: each node a real sshd with its own install and service (Linux).
#[cfg(target_os = "linux")]
mod fleet;

/// Real DPAPI and the real binary on Windows (under Wine in CI).
#[cfg(windows)]
mod windows;

/// The outline panel: sections listed, jumped to, added, renamed and deleted.
mod outline;

/// New from a template: each starter offered, opened, and clean once filled.
mod templates;

/// The Form tab: widgets write the expected bytes; form and text in sync.
mod form;
