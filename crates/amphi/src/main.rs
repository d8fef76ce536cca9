//! The `amphi` binary: web server, background worker and administration commands.

use amphi::{cli, run};
use clap::Parser;

/// mimalloc gives freed memory back to the system: with the C library's allocator, every
/// thread that once checked a password (Argon2id, 19 MiB) kept that much in its own arena,
/// and the server's memory grew to about 500 MiB under a sign-in burst.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // No transparent huge pages for this process. mimalloc asks for them on its arenas
    // (MADV_HUGEPAGE), and each thread's partly used 2 MiB pages then count whole: with
    // SQLite's worker threads, 53 to 70 MiB of the server's memory at 64 concurrent learners
    // were huge pages, and the peak RSS went from 114 MiB without them to 132-155 MiB with
    // them, for no measurable gain in speed (BENCHMARKS.md).
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::thread::disable_transparent_huge_pages(true) {
        eprintln!("warning: cannot turn transparent huge pages off: {e}");
    }
    let args = cli::Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
