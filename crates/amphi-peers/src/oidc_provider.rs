//! A real OpenID Connect provider: node `oidc-provider` (tests/peers/oidc/server.mjs) on
//! 127.0.0.1 with a free port, started and waited for until its discovery document answers,
//! killed when the handle is dropped.
//!
//! Clients `amphi` / `amphi-secret` and `other` / `other-secret`; any login name signs in on
//! its built-in login form; account `<name>` has email `<name>@example.test` and groups
//! `<name>-group` and `learners`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running provider.
pub struct OidcProvider {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

impl OidcProvider {
    /// The issuer URL (`http://127.0.0.1:PORT`).
    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts a provider that lets its clients return to these callback URLs.
    pub fn start(callbacks: &[&str]) -> Result<Self, String> {
        let dir = peer_dir();
        if !dir.join("node_modules/oidc-provider").is_dir() {
            return Err(format!(
                "oidc-provider is not installed: run `npm ci` in {} (scripts/setup.sh and .ci/run do)",
                dir.display()
            ));
        }
        let port = free_port()?;
        let child = Command::new("node")
            .arg("server.mjs")
            .current_dir(&dir)
            .env("PORT", port.to_string())
            .env("CALLBACKS", callbacks.join(","))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start node (is Node.js installed?): {e}"))?;
        let mut me = OidcProvider { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if discovery_answers(port) {
                return Ok(me);
            }
            if let Ok(Some(status)) = me.child.try_wait() {
                return Err(format!("oidc-provider exited early: {status}"));
            }
            if Instant::now() > deadline {
                return Err("oidc-provider did not answer within 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn peer_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/peers/oidc")
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn discovery_answers(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let req = format!(
        "GET /.well-known/openid-configuration HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    if s.write_all(req.as_bytes()).is_err() {
        return false;
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    buf.starts_with(b"HTTP/1.1 200")
}
