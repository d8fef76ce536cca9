//! The files of a package, served on the content origin to the holder of a launch token.

use super::file_key;
use super::launch::{open_token, Claims};
use crate::files::{Body, ByteRange, ByteStream};
use crate::App;
use amphi_core::{Error, Result};
use futures::stream::{StreamExt, TryStreamExt};
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStoreExt};

/// A file of a package, ready to send.
pub struct ContentFile {
    /// Its media type, from its name.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// The bytes (all, or the range asked for).
    pub body: Body,
}

/// A file of the package the token launched (`path` relative to the package's root).
pub async fn file(
    app: &App,
    token: &str,
    path: &str,
    range: Option<ByteRange>,
) -> Result<(Claims, ContentFile)> {
    let claims = open_token(app, token)?;
    let clean = path.trim_start_matches('/');
    if clean.is_empty()
        || clean
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == ".." || s.contains('\\'))
    {
        return Err(Error::NotFound);
    }
    let store = app.storage.store()?;
    let key = ObjectPath::from(file_key(claims.tenant(), claims.p, clean));
    let missing = |e: object_store::Error| match e {
        object_store::Error::NotFound { .. } => Error::NotFound,
        e => Error::internal(e),
    };
    let content_type = mime_guess::from_path(clean)
        .first_raw()
        .unwrap_or("application/octet-stream")
        .to_owned();
    let Some(range) = range else {
        let got = store.get(&key).await.map_err(missing)?;
        let size = got.meta.size;
        let bytes: ByteStream = got.into_stream().map_err(std::io::Error::other).boxed();
        return Ok((
            claims,
            ContentFile {
                content_type,
                size,
                body: Body::Full(bytes),
            },
        ));
    };
    let size = store.head(&key).await.map_err(missing)?.size;
    let Some((start, end)) = range.resolve(size) else {
        return Ok((
            claims,
            ContentFile {
                content_type,
                size,
                body: Body::Unsatisfiable,
            },
        ));
    };
    let opts = GetOptions {
        range: Some(GetRange::Bounded(start..end + 1)),
        ..Default::default()
    };
    let got = store.get_opts(&key, opts).await.map_err(missing)?;
    let bytes: ByteStream = got.into_stream().map_err(std::io::Error::other).boxed();
    Ok((
        claims,
        ContentFile {
            content_type,
            size,
            body: Body::Partial { start, end, bytes },
        },
    ))
}
