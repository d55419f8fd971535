//! `pcentral`: run the server, or talk to a running one.

/// mimalloc: the server allocates a little for every request (headers, JSON,
/// rows); this allocator keeps that cheap under concurrency (scripts/bench).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use pcentral_server::cli::{admin_command, parse, serve, Command};

fn main() -> std::process::ExitCode {
    let cli = parse();
    let result = match cli.command {
        Command::Serve(args) => match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
            Ok(rt) => rt.block_on(serve(*args)),
            Err(e) => Err(format!("cannot start the runtime: {e}")),
        },
        other => admin_command(other, &mut std::io::stdout().lock()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pcentral: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
