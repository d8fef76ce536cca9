//! What the peers that run as a child process share: a free loopback port, the path of a
//! peer's script in `tests/peers/`, and the end of its log for an error message.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

/// A port free on 127.0.0.1 at the time of asking.
pub(crate) fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// A file under `tests/peers/` of the repository.
pub(crate) fn peer_script(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/peers")
        .join(relative)
}

/// The last `max` bytes of a log (cut at a character boundary).
pub(crate) fn tail(text: &str, max: usize) -> String {
    let start = text.len().saturating_sub(max);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    text[start..].to_string()
}
