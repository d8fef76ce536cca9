//! A real xAPI client against the LRS: TinCanPython (`tincan` from PyPI, installed by
//! scripts/install.sh) runs `tests/peers/xapi/client.py` against the app listening on a
//! loopback port: statements round trip, queries and `more`, voiding, a conflict, state
//! documents with their ETag, an attachment in `multipart/mixed`.

use crate::support::*;
use crate::xapi::lrs_client;
use std::path::Path;

#[tokio::test]
async fn xapi_tincan_python_client_round_trip() {
    let t = TestApp::listening().await;
    let lrs = lrs_client(&t, &["all"]).await;
    let (key, secret) = {
        use base64::Engine;
        let b64 = lrs.auth.trim_start_matches("Basic ");
        let raw = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let raw = String::from_utf8(raw).unwrap();
        let (k, s) = raw.split_once(':').unwrap();
        (k.to_owned(), s.to_owned())
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/peers/xapi/client.py");
    let endpoint = format!("{}/xapi/", t.base_url());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .arg(script)
            .args([&endpoint, &key, &secret])
            .output()
    })
    .await
    .unwrap()
    .expect("python3 runs (scripts/install.sh installs tincan)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("all checks passed"),
        "the tincan client failed:\n{stdout}\n{stderr}"
    );
}
