// The window opens without a console beside it; run from a prompt, the program attaches to
// the prompt's console so the subcommands still print there.
#![cfg_attr(windows, windows_subsystem = "windows")]

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    let started = std::time::Instant::now();
    #[cfg(windows)]
    authproxy_manager::platform::windows::use_parent_console();
    authproxy_manager::cli::run(authproxy_manager::cli::Cli::parse(), started)
}
