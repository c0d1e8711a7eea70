use clap::Parser as _;

fn main() -> std::process::ExitCode {
    let started = std::time::Instant::now();
    authproxy_manager::cli::run(authproxy_manager::cli::Cli::parse(), started)
}
