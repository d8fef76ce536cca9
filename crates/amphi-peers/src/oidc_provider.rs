//! A real OpenID Connect provider: node `oidc-provider` (tests/peers/oidc/server.mjs) on
//! 127.0.0.1 with a free port, started and waited for until its discovery document answers,
//! killed when the handle is dropped.
//!
//! Clients `amphi` / `amphi-secret` and `other` / `other-secret`; any login name signs in on
//! its built-in login form; account `<name>` has email `<name>@example.test` and groups
//! `<name>-group` and `learners`.

use crate::process::free_port;
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
    callbacks: Vec<String>,
    generation: u32,
}

impl OidcProvider {
    /// The issuer URL (`http://127.0.0.1:PORT`).
    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The key id the provider signs with now (`k1`, then `k2` after a rotation, ...).
    pub fn key_id(&self) -> String {
        format!("k{}", self.generation)
    }

    /// Starts a provider that lets its clients return to these callback URLs.
    pub fn start(callbacks: &[&str]) -> Result<Self, String> {
        let dir = peer_dir();
        if !dir.join("node_modules/oidc-provider").is_dir() {
            return Err(format!(
                "oidc-provider is not installed: run `npm ci` in {} (scripts/test.sh and .ci/run do)",
                dir.display()
            ));
        }
        let port = free_port()?;
        let callbacks: Vec<String> = callbacks.iter().map(|c| c.to_string()).collect();
        let child = spawn(port, &callbacks, 1)?;
        let mut me = OidcProvider {
            child,
            port,
            callbacks,
            generation: 1,
        };
        me.wait_ready()?;
        Ok(me)
    }

    /// Rotates the signing key: the provider starts again on the same port (same issuer,
    /// clients and callbacks) signing with a new key under a new key id; the old key is gone
    /// from its JWKS. Sign-ins in progress at the provider are lost.
    pub fn rotate_keys(&mut self) -> Result<(), String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.generation += 1;
        let deadline = Instant::now() + Duration::from_secs(10);
        // The old process's socket may take a moment to be released.
        while TcpListener::bind(("127.0.0.1", self.port)).is_err() {
            if Instant::now() > deadline {
                return Err(format!("port {} stays taken", self.port));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child = spawn(self.port, &self.callbacks, self.generation)?;
        self.wait_ready()
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if discovery_answers(self.port) {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("oidc-provider exited early: {status}"));
            }
            if Instant::now() > deadline {
                return Err("oidc-provider did not answer within 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn spawn(port: u16, callbacks: &[String], generation: u32) -> Result<Child, String> {
    Command::new("node")
        .arg("server.mjs")
        .current_dir(peer_dir())
        .env("PORT", port.to_string())
        .env("CALLBACKS", callbacks.join(","))
        .env("KEY_ID", format!("k{generation}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start node (is Node.js installed?): {e}"))
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
