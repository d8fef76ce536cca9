//! Path parameters: ids (and the odd code or slug) parsed by one extractor, so a malformed id
//! answers the not-found page, or the API's JSON 404, wherever it appears.

use crate::ctx::Ctx;
use crate::error::{ApiError, JsonErrors};
use crate::WebState;
use amphi_core::Error;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// The path's parameters in route order, typed: `Ids((run, item)): Ids<(RunId, ItemId)>`.
/// An id that does not parse is a page that does not exist, not a bad request.
pub struct Ids<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<WebState> for Ids<T> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(Ids(v)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => {
                if parts.extensions.get::<JsonErrors>().is_some() {
                    return Err(
                        ApiError::for_client(Error::NotFound, &parts.headers).into_response()
                    );
                }
                let ctx = Ctx::from_request_parts(parts, state).await?;
                Err(ctx.error_page(&Error::NotFound))
            }
            // A route whose parameters do not match its handler: a bug, left as axum's 500.
            Err(other) => Err(other.into_response()),
        }
    }
}
