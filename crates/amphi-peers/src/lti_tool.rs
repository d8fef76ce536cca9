//! An LTI 1.3 Advantage tool on pylti1p3 and Flask (`tests/peers/lti/tool.py`), started with
//! python3 on 127.0.0.1 with a free port, for the tests of Amphi as an LTI platform. Its RSA key
//! pair (and an impostor's, for wrong-key tests) is made with `openssl` in a temporary folder.
//! It trusts the platforms given to [`LtiTool::register_platform`], which it re-reads on every
//! request, so a platform can be registered after the tool has started. Stopped when the handle
//! is dropped (and, should the test process die, when its stdin closes).
//!
//! Routes: `GET|POST /login` (OIDC login initiation), `POST /launch` (resource link and deep
//! linking launches), `GET /jwks`, the pages' forms `POST /score` and
//! `POST /deep-link/respond`, and JSON endpoints acting as the tool for a launch it stored:
//! `GET /api/launch`, `POST /api/score`, `GET /api/lineitems`, `POST /api/lineitem`,
//! `GET /api/results`, `GET /api/members`, `GET /api/members/page`, `POST /api/deep-link-jwt`,
//! `GET /api/health`. tool.py's docstring gives their JSON.
//!
//! A launch without a browser must carry the state cookie the login set (`lti1p3-<state>`,
//! HttpOnly, not Secure) from `/login` to `/launch`, as a browser would: pylti1p3 refuses a
//! launch whose state it cannot match ("State not found").
//!
//! Needs `python3` with pylti1p3, Flask and Flask-Caching
//! (`pip install -r tests/peers/lti/requirements.txt`) and `openssl`: `scripts/test.sh`
//! installs them.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::{free_port, peer_script, tail};

/// How long the tool may take to answer after start (imports are slow on a busy box).
const START_TIMEOUT: Duration = Duration::from_secs(60);

const INSTALL_HINT: &str = "run scripts/test.sh (pip install -r tests/peers/lti/requirements.txt; apt-get install openssl)";

/// A running test tool.
pub struct LtiTool {
    child: Child,
    _stdin: ChildStdin,
    dir: tempfile::TempDir,
    base_url: String,
    key_id: String,
}

/// What the tool knows of a platform: one client registration (pylti1p3's per-issuer
/// configuration). Several may share an issuer, one per client id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformRegistration {
    /// The platform's issuer (`iss` of its id_tokens).
    pub issuer: String,
    /// The client id the platform gave this tool (`aud` of its id_tokens).
    pub client_id: String,
    /// The platform's OIDC authorisation endpoint the tool redirects the login to.
    pub auth_login_url: String,
    /// The platform's OAuth 2 token endpoint (also the `aud` of the tool's client assertions).
    pub auth_token_url: String,
    /// The platform's JWKS, fetched by the tool on every launch.
    pub key_set_url: String,
    /// The deployment ids the tool accepts in launches.
    pub deployment_ids: Vec<String>,
}

impl LtiTool {
    /// Starts a tool that trusts no platform yet.
    pub fn start() -> Result<LtiTool, String> {
        let script = peer_script("lti/tool.py");
        if !script.is_file() {
            return Err(format!(
                "the test LTI tool script is missing: {}",
                script.display()
            ));
        }
        let openssl = Command::new("openssl")
            .arg("version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !openssl {
            return Err(format!(
                "`openssl` is not installed: the LTI tool test peer needs it; {INSTALL_HINT}"
            ));
        }
        let dir = tempfile::Builder::new()
            .prefix("amphi-lti-tool-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
        for name in ["tool", "impostor"] {
            make_key_pair(dir.path(), name)?;
        }

        let port = free_port()?;
        let log_path = dir.path().join("tool.log");
        let log = std::fs::File::create(&log_path)
            .map_err(|e| format!("cannot create the LTI tool log: {e}"))?;
        let log_err = log
            .try_clone()
            .map_err(|e| format!("cannot create the LTI tool log: {e}"))?;
        let mut child = Command::new("python3")
            .arg(&script)
            .arg("--dir")
            .arg(dir.path())
            .arg("--config")
            .arg(dir.path().join("platforms.json"))
            .arg("--port")
            .arg(port.to_string())
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot start python3 for the LTI tool ({e}); {INSTALL_HINT}"))?;
        let Some(stdin) = child.stdin.take() else {
            let _ = child.kill();
            return Err("python3 started without a stdin pipe".into());
        };
        let mut tool = LtiTool {
            child,
            _stdin: stdin,
            dir,
            base_url: format!("http://127.0.0.1:{port}"),
            key_id: String::new(),
        };
        tool.wait_ready(port, &log_path)?;
        tool.key_id = tool.read("tool.kid")?.trim().to_string();
        Ok(tool)
    }

    fn wait_ready(&mut self, port: u16, log_path: &Path) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(log_path).unwrap_or_default();
                let hint = if log.contains("No module named") {
                    "a Python package is missing (pylti1p3, flask or flask_caching)"
                } else {
                    "see its output below"
                };
                return Err(format!(
                    "the LTI tool exited ({status}) before answering: {hint}; {INSTALL_HINT}\n{}",
                    tail(&log, 3000)
                ));
            }
            if http(port, "GET", "/api/health", None)
                .is_some_and(|r| r.status == 200 && r.body == "ok")
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(log_path).unwrap_or_default();
                return Err(format!(
                    "the LTI tool did not answer within {} s\n{}",
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

    /// The OIDC third-party login initiation URL (GET and POST).
    pub fn login_url(&self) -> String {
        format!("{}/login", self.base_url)
    }

    /// The redirect URI and target link URI: resource link and deep linking launches.
    pub fn launch_url(&self) -> String {
        format!("{}/launch", self.base_url)
    }

    /// The tool's public key set.
    pub fn jwks_url(&self) -> String {
        format!("{}/jwks", self.base_url)
    }

    /// The tool's public key (PEM, SubjectPublicKeyInfo).
    pub fn public_key_pem(&self) -> String {
        self.read("tool.pub").unwrap_or_default()
    }

    /// The tool's private key (PEM, PKCS#8), so a test can sign as the tool.
    pub fn private_key_pem(&self) -> String {
        self.read("tool.key").unwrap_or_default()
    }

    /// A private key (PEM, PKCS#8) the platform does not know.
    pub fn impostor_private_key_pem(&self) -> String {
        self.read("impostor.key").unwrap_or_default()
    }

    /// The `kid` of the tool's key in its JWKS (the key's RFC 7638 thumbprint), which pylti1p3
    /// puts in the header of the JWTs it signs.
    pub fn key_id(&self) -> String {
        self.key_id.clone()
    }

    /// Writes the tool's platform configuration (pylti1p3 ToolConfJsonFile keyed by issuer); the
    /// tool re-reads it on every request, so this can be called after start and again later.
    /// A registration of a new client id is appended to its issuer's list (the first one is the
    /// default for logins that name no client id); one of a known client id replaces it.
    pub fn register_platform(&self, reg: &PlatformRegistration) -> Result<(), String> {
        let path = self.dir.path().join("platforms.json");
        let mut config = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str::<serde_json::Value>(&text)
                .map_err(|e| format!("the LTI tool's platforms.json is not JSON: {e}"))?,
            Err(_) => serde_json::json!({}),
        };
        let Some(issuers) = config.as_object_mut() else {
            return Err("the LTI tool's platforms.json is not a JSON object".into());
        };
        let list = issuers
            .entry(reg.issuer.clone())
            .or_insert_with(|| serde_json::json!([]));
        let Some(list) = list.as_array_mut() else {
            return Err(format!("platforms.json: {} is not a list", reg.issuer));
        };
        let entry = serde_json::json!({
            "default": list.is_empty(),
            "client_id": reg.client_id,
            "auth_login_url": reg.auth_login_url,
            "auth_token_url": reg.auth_token_url,
            "auth_audience": null,
            "key_set_url": reg.key_set_url,
            "key_set": null,
            "private_key_file": self.dir.path().join("tool.key"),
            "public_key_file": self.dir.path().join("tool.pub"),
            "deployment_ids": reg.deployment_ids,
        });
        match list
            .iter_mut()
            .find(|e| e.get("client_id").and_then(|c| c.as_str()) == Some(&reg.client_id))
        {
            Some(known) => {
                let default = known.get("default").cloned();
                *known = entry;
                if let (Some(default), Some(known)) = (default, known.as_object_mut()) {
                    known.insert("default".into(), default);
                }
            }
            None => list.push(entry),
        }
        let text = serde_json::to_string_pretty(&config)
            .map_err(|e| format!("cannot write platforms.json: {e}"))?;
        // Written aside and renamed: the tool may be reading it from another thread.
        let fresh = self.dir.path().join("platforms.json.new");
        std::fs::write(&fresh, text).map_err(|e| format!("cannot write platforms.json: {e}"))?;
        std::fs::rename(&fresh, &path).map_err(|e| format!("cannot write platforms.json: {e}"))
    }

    /// What the tool printed so far (for failing tests).
    pub fn log(&self) -> String {
        self.read("tool.log").unwrap_or_default()
    }

    fn read(&self, name: &str) -> Result<String, String> {
        std::fs::read_to_string(self.dir.path().join(name))
            .map_err(|e| format!("cannot read {name}: {e}"))
    }
}

impl Drop for LtiTool {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn make_key_pair(dir: &Path, name: &str) -> Result<(), String> {
    let private = dir.join(format!("{name}.key"));
    let public = dir.join(format!("{name}.pub"));
    let steps: [Vec<&std::ffi::OsStr>; 2] = [
        vec![
            "genpkey".as_ref(),
            "-algorithm".as_ref(),
            "RSA".as_ref(),
            "-pkeyopt".as_ref(),
            "rsa_keygen_bits:2048".as_ref(),
            "-out".as_ref(),
            private.as_os_str(),
        ],
        vec![
            "pkey".as_ref(),
            "-in".as_ref(),
            private.as_os_str(),
            "-pubout".as_ref(),
            "-out".as_ref(),
            public.as_os_str(),
        ],
    ];
    for args in steps {
        let output = Command::new("openssl")
            .args(args)
            .output()
            .map_err(|e| format!("cannot run openssl: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "openssl could not make the {name} key: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    Ok(())
}

/// An answer of [`http`].
struct HttpAnswer {
    status: u16,
    head: String,
    body: String,
}

impl HttpAnswer {
    /// The first header of that name (case-insensitive).
    #[cfg_attr(not(test), allow(dead_code))]
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then_some(value.trim())
        })
    }
}

/// A bare HTTP/1.0 request on loopback; `form` is sent as an urlencoded body.
fn http(port: u16, method: &str, path: &str, form: Option<&str>) -> Option<HttpAnswer> {
    http_with(port, method, path, "", form)
}

/// [`http`] with extra header lines (each ending in `\r\n`).
fn http_with(
    port: u16,
    method: &str,
    path: &str,
    headers: &str,
    form: Option<&str>,
) -> Option<HttpAnswer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let mut request = format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n{headers}");
    if let Some(body) = form {
        request.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
    } else {
        request.push_str("\r\n");
    }
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some(HttpAnswer {
        status,
        head: head.to_string(),
        body: body.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn port_of(tool: &LtiTool) -> u16 {
        tool.base_url().rsplit(':').next().unwrap().parse().unwrap()
    }

    fn encode(value: &str) -> String {
        value
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    fn decode(value: &str) -> String {
        let bytes = value.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                }
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap()
    }

    fn registration(client_id: &str) -> PlatformRegistration {
        PlatformRegistration {
            issuer: "http://127.0.0.1:9/platform".into(),
            client_id: client_id.into(),
            auth_login_url: "http://127.0.0.1:9/lti/authorize".into(),
            auth_token_url: "http://127.0.0.1:9/lti/token".into(),
            key_set_url: "http://127.0.0.1:9/lti/jwks".into(),
            deployment_ids: vec!["d1".into()],
        }
    }

    /// The login's redirect: its target, its query as (name, value) pairs and the state cookie
    /// the tool set (`name=value`).
    fn login_redirect(
        tool: &LtiTool,
        method: &str,
        client_id: &str,
    ) -> (String, Vec<(String, String)>, String) {
        let reg = registration(client_id);
        let params = format!(
            "iss={}&login_hint=u1&target_link_uri={}&lti_message_hint=m1&client_id={}&lti_deployment_id=d1",
            encode(&reg.issuer),
            encode(&tool.launch_url()),
            encode(client_id)
        );
        let answer = if method == "GET" {
            http(port_of(tool), "GET", &format!("/login?{params}"), None)
        } else {
            http(port_of(tool), "POST", "/login", Some(&params))
        }
        .unwrap();
        assert_eq!(answer.status, 302, "{}\n{}", answer.body, tool.log());
        let location = answer.header("Location").unwrap().to_string();
        let (target, query) = location.split_once('?').unwrap();
        let pairs = query
            .split('&')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (decode(k), decode(v))
            })
            .collect();
        let cookie = answer
            .header("Set-Cookie")
            .and_then(|c| c.split(';').next())
            .unwrap_or_default()
            .to_string();
        (target.to_string(), pairs, cookie)
    }

    #[test]
    fn lti_tool_serves_its_key_and_redirects_logins_to_the_platform() {
        let tool = LtiTool::start().unwrap();
        let port = port_of(&tool);

        let jwks = http(port, "GET", "/jwks", None).unwrap();
        assert_eq!(jwks.status, 200);
        let jwks: serde_json::Value = serde_json::from_str(&jwks.body).unwrap();
        let keys = jwks["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 1, "{jwks}");
        assert_eq!(keys[0]["kty"], "RSA");
        assert_eq!(keys[0]["alg"], "RS256");
        assert_eq!(keys[0]["use"], "sig");
        assert_eq!(keys[0]["kid"].as_str().unwrap(), tool.key_id());
        assert!(!tool.key_id().is_empty());
        assert!(tool.public_key_pem().contains("BEGIN PUBLIC KEY"));
        assert!(tool.private_key_pem().contains("BEGIN PRIVATE KEY"));
        assert!(tool
            .impostor_private_key_pem()
            .contains("BEGIN PRIVATE KEY"));
        assert_ne!(tool.private_key_pem(), tool.impostor_private_key_pem());

        // Before any registration the login is refused with a reason.
        let refused = http(
            port,
            "GET",
            "/login?iss=x&login_hint=u1&target_link_uri=y",
            None,
        )
        .unwrap();
        assert_eq!(refused.status, 400);
        assert!(refused.body.contains("id=\"error\""), "{}", refused.body);

        tool.register_platform(&registration("client-1")).unwrap();
        for method in ["GET", "POST"] {
            let (target, pairs, _) = login_redirect(&tool, method, "client-1");
            assert_eq!(target, "http://127.0.0.1:9/lti/authorize");
            let get = |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| panic!("no {name} in {pairs:?}"))
            };
            assert_eq!(get("response_mode"), "form_post");
            assert_eq!(get("response_type"), "id_token");
            assert_eq!(get("scope"), "openid");
            assert_eq!(get("prompt"), "none");
            assert_eq!(get("client_id"), "client-1");
            assert_eq!(get("redirect_uri"), tool.launch_url());
            assert_eq!(get("login_hint"), "u1");
            assert_eq!(get("lti_message_hint"), "m1");
            assert!(!get("state").is_empty());
            assert!(!get("nonce").is_empty());
        }

        // A second client of the same platform is appended; the first still logs in.
        let mut second = registration("client-2");
        second.auth_login_url = "http://127.0.0.1:9/lti/authorize-2".into();
        tool.register_platform(&second).unwrap();
        let (target, _, _) = login_redirect(&tool, "GET", "client-2");
        assert_eq!(target, "http://127.0.0.1:9/lti/authorize-2");
        let (target, _, _) = login_redirect(&tool, "GET", "client-1");
        assert_eq!(target, "http://127.0.0.1:9/lti/authorize");
    }

    #[test]
    fn lti_tool_refuses_a_launch_with_a_garbage_id_token() {
        let tool = LtiTool::start().unwrap();
        tool.register_platform(&registration("client-1")).unwrap();
        let port = port_of(&tool);

        // Without the state cookie of its login, the tool refuses before reading the token.
        let answer = http(
            port,
            "POST",
            "/launch",
            Some("id_token=not.a.jwt&state=state-unknown"),
        )
        .unwrap();
        assert_eq!(answer.status, 400, "{}", answer.body);
        assert!(
            answer.body.contains("<p id=\"error\">State not found</p>"),
            "{}",
            answer.body
        );
        assert!(answer.body.contains("lang=\"en\""));

        // With it, the garbage token itself is refused.
        let (_, pairs, cookie) = login_redirect(&tool, "GET", "client-1");
        let state = &pairs.iter().find(|(k, _)| k == "state").unwrap().1;
        assert_eq!(cookie, format!("lti1p3-{state}={state}"));
        let answer = http_with(
            port,
            "POST",
            "/launch",
            &format!("Cookie: {cookie}\r\n"),
            Some(&format!("id_token=garbage&state={}", encode(state))),
        )
        .unwrap();
        assert_eq!(answer.status, 400, "{}", answer.body);
        assert!(
            answer
                .body
                .contains("<p id=\"error\">Invalid id_token, JWT must contain 3 parts</p>"),
            "{}",
            answer.body
        );

        // Unknown launches answer JSON with the reason, never a bare 500.
        let api = http(port_of(&tool), "GET", "/api/lineitems?launch_id=nope", None).unwrap();
        assert_eq!(api.status, 200, "{}", api.body);
        let api: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(api["ok"], false);
        assert_eq!(api["error"], "Launch data not found");
    }
}
