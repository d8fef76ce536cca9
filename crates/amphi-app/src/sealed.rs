//! Values the platform hands out and reads back unchanged, signed with the platform secret for
//! one purpose (LTI launch hints and registration tokens, package launch tokens).

/// A value signed with the platform secret for one purpose: `base64url(json).hmac`. What the
/// platform hands out and reads back unchanged (launch hints, registration tokens).
pub(crate) fn seal<T: serde::Serialize>(
    app: &crate::App,
    purpose: &str,
    v: &T,
) -> amphi_core::Result<String> {
    use base64::Engine;
    let body = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(v).map_err(amphi_core::Error::internal)?);
    let sig = amphi_auth::signed::sign(app.secret(), purpose, &body);
    Ok(format!("{body}.{sig}"))
}

/// A value of [`seal`] read back, if its signature for `purpose` holds.
pub(crate) fn open<T: serde::de::DeserializeOwned>(
    app: &crate::App,
    purpose: &str,
    raw: &str,
) -> Option<T> {
    use base64::Engine;
    let (body, sig) = raw.split_once('.')?;
    if !amphi_auth::signed::verify(app.secret(), purpose, body, sig) {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}
