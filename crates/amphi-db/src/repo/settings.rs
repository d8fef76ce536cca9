//! Platform-wide settings kept in the database so that every node shares them. No tenant data,
//! so no tenant argument.

use crate::entities::setting;
use crate::DbResultExt;
use amphi_core::Result;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

/// A setting's value.
pub async fn get(c: &impl ConnectionTrait, key: &str) -> Result<Option<String>> {
    Ok(setting::Entity::find_by_id(key.to_owned())
        .one(c)
        .await
        .db()?
        .map(|s| s.value))
}

/// Stores `value` unless the key exists; returns the value in force (first writer wins, so
/// nodes starting together agree).
pub async fn get_or_init(c: &impl ConnectionTrait, key: &str, value: &str) -> Result<String> {
    setting::Entity::insert(setting::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .do_nothing()
    .exec(c)
    .await
    .db()?;
    Ok(get(c, key).await?.unwrap_or_else(|| value.to_owned()))
}
