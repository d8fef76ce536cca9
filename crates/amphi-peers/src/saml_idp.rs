//! A SAML 2.0 identity provider on pysaml2 (`tests/peers/saml_idp/idp.py`), started with
//! python3 on 127.0.0.1 with a free port. Its keys (its own, and an impostor's for
//! wrong-certificate tests) are made with `openssl` in a temporary folder; it trusts the one
//! SP whose metadata it is given. Stopped when the handle is dropped (and, should the test
//! process die, when its stdin closes).
//!
//! Needs `python3` with pysaml2 (`pip install -r tests/peers/saml_idp/requirements.txt`),
//! `xmlsec1` and `openssl`: `scripts/test.sh` installs them.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::{free_port, peer_script, tail};

/// How long the IdP may take to answer after start (pysaml2 imports are slow on a busy box).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Fixture users of the test IdP: (login, password, NameID it sends).
pub const USERS: &[(&str, &str, &str)] = &[
    ("alice", "alicepw", "u-alice-0001"),
    ("bob", "bobpw", "u-bob-0002"),
];

/// A running test IdP.
pub struct SamlIdp {
    child: Child,
    _stdin: ChildStdin,
    dir: tempfile::TempDir,
    base_url: String,
    metadata_xml: String,
}

impl SamlIdp {
    /// Starts an IdP trusting the SP described by `sp_metadata_xml`. With
    /// `encrypt_assertions`, it encrypts assertions for the SP's encryption certificate.
    pub fn start(sp_metadata_xml: &str, encrypt_assertions: bool) -> Result<SamlIdp, String> {
        let script = peer_script("saml_idp/idp.py");
        if !script.is_file() {
            return Err(format!(
                "the test IdP script is missing: {}",
                script.display()
            ));
        }
        for (tool, args) in [
            ("openssl", &["version"][..]),
            ("xmlsec1", &["--version"][..]),
        ] {
            let found = Command::new(tool)
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if !found {
                return Err(format!(
                    "`{tool}` is not installed: the SAML IdP test peer needs it. Run scripts/test.sh \
                     (apt-get install xmlsec1 openssl; pip install -r tests/peers/saml_idp/requirements.txt)"
                ));
            }
        }
        let dir = tempfile::Builder::new()
            .prefix("amphi-saml-idp-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
        for name in ["idp", "other"] {
            make_key_pair(dir.path(), name)?;
        }
        std::fs::write(dir.path().join("sp.xml"), sp_metadata_xml)
            .map_err(|e| format!("cannot write the SP metadata: {e}"))?;

        let port = free_port()?;
        let log_path = dir.path().join("idp.log");
        let log = std::fs::File::create(&log_path)
            .map_err(|e| format!("cannot create the IdP log: {e}"))?;
        let log_err = log
            .try_clone()
            .map_err(|e| format!("cannot create the IdP log: {e}"))?;
        let mut command = Command::new("python3");
        command
            .arg(&script)
            .arg("--dir")
            .arg(dir.path())
            .arg("--port")
            .arg(port.to_string())
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(log)
            .stderr(log_err);
        if encrypt_assertions {
            command.arg("--encrypt");
        }
        let mut child = command.spawn().map_err(|e| {
            format!("cannot start python3 for the SAML IdP ({e}); run scripts/test.sh")
        })?;
        let Some(stdin) = child.stdin.take() else {
            let _ = child.kill();
            return Err("python3 started without a stdin pipe".into());
        };
        let base_url = format!("http://127.0.0.1:{port}");
        let mut idp = SamlIdp {
            child,
            _stdin: stdin,
            dir,
            base_url,
            metadata_xml: String::new(),
        };
        idp.wait_ready(port, &log_path)?;
        idp.metadata_xml = std::fs::read_to_string(idp.dir.path().join("idp-metadata.xml"))
            .map_err(|e| format!("the IdP wrote no metadata: {e}"))?;
        Ok(idp)
    }

    fn wait_ready(&mut self, port: u16, log_path: &Path) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(log_path).unwrap_or_default();
                let hint = if log.contains("No module named 'saml2'") {
                    "pysaml2 is not installed for python3: run scripts/test.sh \
                     (pip install -r tests/peers/saml_idp/requirements.txt)"
                } else if log.contains("xmlsec1") {
                    "xmlsec1 is missing: run scripts/test.sh (apt-get install xmlsec1)"
                } else {
                    "see its output below"
                };
                return Err(format!(
                    "the SAML IdP exited ({status}) before answering: {hint}\n{}",
                    tail(&log, 3000)
                ));
            }
            if http_get(port, "/metadata").is_some_and(|(code, _)| code == 200) {
                return Ok(());
            }
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(log_path).unwrap_or_default();
                return Err(format!(
                    "the SAML IdP did not answer within {} s\n{}",
                    START_TIMEOUT.as_secs(),
                    tail(&log, 3000)
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The URL of the IdP's metadata.
    pub fn metadata_url(&self) -> String {
        format!("{}/metadata", self.base_url)
    }

    /// The IdP's metadata XML (entity id, SSO and SLO endpoints, signing certificate).
    pub fn metadata_xml(&self) -> &str {
        &self.metadata_xml
    }

    /// The IdP's signing certificate (PEM).
    pub fn cert_pem(&self) -> Result<String, String> {
        self.read("idp.crt")
    }

    /// The impostor's certificate (PEM): a key the `other_key` test responses are signed with.
    pub fn other_cert_pem(&self) -> Result<String, String> {
        self.read("other.crt")
    }

    /// The URL of a test-only response: `case` is one of the CASES of idp.py (`valid`,
    /// `unsigned`, `expired`, `wrapped`, …), answering `in_response_to` (None: unsolicited).
    /// GET it; the body is the base64 SAMLResponse.
    pub fn test_response_url(
        &self,
        case: &str,
        user: &str,
        in_response_to: Option<&str>,
    ) -> String {
        let mut url = format!("{}/test/response?case={case}&user={user}", self.base_url);
        if let Some(id) = in_response_to {
            url.push_str("&in_response_to=");
            url.push_str(&form_encode(id));
        }
        url
    }

    /// The URL returning (as text) the signed IdP-initiated LogoutRequest redirect for `user`.
    pub fn test_logout_request_url(&self, user: &str, session_index: Option<&str>) -> String {
        let mut url = format!("{}/test/logout_request?user={user}", self.base_url);
        if let Some(s) = session_index {
            url.push_str("&session_index=");
            url.push_str(&form_encode(s));
        }
        url
    }

    /// What the IdP printed so far (for failing tests).
    pub fn log(&self) -> String {
        self.read("idp.log").unwrap_or_default()
    }

    fn read(&self, name: &str) -> Result<String, String> {
        std::fs::read_to_string(self.dir.path().join(name))
            .map_err(|e| format!("cannot read {name}: {e}"))
    }
}

impl Drop for SamlIdp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn make_key_pair(dir: &Path, name: &str) -> Result<(), String> {
    let output = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
        ])
        .arg(format!("/CN=amphi-test-{name}"))
        .arg("-keyout")
        .arg(dir.join(format!("{name}.key")))
        .arg("-out")
        .arg(dir.join(format!("{name}.crt")))
        .output()
        .map_err(|e| format!("cannot run openssl: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "openssl could not make the {name} key: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

/// A bare HTTP/1.0 GET on loopback: (status code, body).
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let code = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((code, body))
}

fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
