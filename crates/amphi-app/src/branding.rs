//! The site logo as an upload (the logo address stays as the other way): checked (PNG, JPEG
//! or SVG, at most 1 MiB), kept in the object store under the tenant, and served from the
//! site's own path `/site/logo/<name>`, which becomes the tenant's logo address.

use crate::certificates::MAX_IMAGE_BYTES;
use crate::tenants::{self, TenantForm};
use crate::{App, Caller};
use amphi_cert::ImageFormat;
use amphi_core::codes;
use amphi_core::{Error, Result, TenantId};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutPayload};
use uuid::Uuid;

/// Where the site serves its uploaded logos.
pub const LOGO_PATH: &str = "/site/logo/";

fn key(tenant: TenantId, name: &str) -> String {
    format!("tenants/{}/logo/{name}", tenant.0)
}

fn extension(f: ImageFormat) -> &'static str {
    match f {
        ImageFormat::Png => "png",
        ImageFormat::Jpeg => "jpg",
        ImageFormat::Svg => "svg",
    }
}

/// The media type of a stored logo, from its name (`<uuid>.png`); None for any other name.
pub fn content_type(name: &str) -> Option<&'static str> {
    let (stem, ext) = name.rsplit_once('.')?;
    Uuid::parse_str(stem).ok()?;
    match ext {
        "png" => Some("image/png"),
        "jpg" => Some("image/jpeg"),
        "svg" => Some("image/svg+xml"),
        _ => None,
    }
}

/// Checks an uploaded logo, stores it and makes it the site's logo (tenant administrators;
/// recorded like any change of the site settings). Returns the logo's address.
pub async fn upload_logo(app: &App, caller: &Caller, bytes: Vec<u8>) -> Result<String> {
    // The permission is checked by the settings change below; refuse early what cannot be.
    amphi_core::policy::require(
        &caller.actor(),
        amphi_core::policy::Action::Update,
        amphi_core::policy::Resource::Tenant(caller.tenant),
    )?;
    if bytes.is_empty() {
        return Err(Error::field("logo", codes::FILE_REQUIRED));
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(Error::field("logo", codes::IMAGE_TOO_LARGE));
    }
    let format = ImageFormat::sniff(&bytes)
        .ok_or_else(|| Error::field("logo", codes::IMAGE_TYPE_INVALID))?;
    let name = format!("{}.{}", Uuid::now_v7(), extension(format));
    app.storage
        .store()?
        .put(
            &ObjectPath::from(key(caller.tenant, &name).as_str()),
            PutPayload::from(bytes),
        )
        .await
        .map_err(Error::internal)?;
    let url = format!("{LOGO_PATH}{name}");
    let form = TenantForm {
        logo_url: Some(url.clone()),
        ..Default::default()
    };
    tenants::update(app, caller, caller.tenant, form).await?;
    Ok(url)
}

/// A stored logo of a tenant and its media type, for anyone who visits the site.
pub async fn logo(app: &App, tenant: TenantId, name: &str) -> Result<(Vec<u8>, &'static str)> {
    let ct = content_type(name).ok_or(Error::NotFound)?;
    let got = app
        .storage
        .store()?
        .get(&ObjectPath::from(key(tenant, name).as_str()))
        .await
        .map_err(|e| match e {
            object_store::Error::NotFound { .. } => Error::NotFound,
            e => Error::internal(e),
        })?;
    let bytes = got.bytes().await.map_err(Error::internal)?;
    Ok((bytes.to_vec(), ct))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_names_we_made_are_served() {
        assert_eq!(
            super::content_type("0190c2d4-8a2b-7c3d-9e4f-a1b2c3d4e5f6.png"),
            Some("image/png")
        );
        assert_eq!(super::content_type("../../etc/passwd"), None);
        assert_eq!(super::content_type("x.png"), None);
        assert_eq!(
            super::content_type("0190c2d4-8a2b-7c3d-9e4f-a1b2c3d4e5f6.html"),
            None
        );
    }
}
