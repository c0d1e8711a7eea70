use clap::Parser as _;

fn main() -> std::process::ExitCode {
    authproxy_manager::cli::run(authproxy_manager::cli::Cli::parse())
}
