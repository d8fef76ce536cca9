//! The ways into a run besides enrolling oneself: invitations, vouchers and shop orders.

use crate::entities::{invitation, shop_order, voucher};
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Inserts an invitation (or returns the existing one for this address).
pub async fn invite(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: invitation::Model,
) -> Result<invitation::Model> {
    m.tenant_id = tenant.0;
    if let Some(existing) = invitation::Entity::find()
        .filter(invitation::Column::TenantId.eq(tenant.0))
        .filter(invitation::Column::RunId.eq(m.run_id))
        .filter(invitation::Column::Email.eq(m.email.as_str()))
        .one(c)
        .await
        .db()?
    {
        return Ok(existing);
    }
    let am: invitation::ActiveModel = m.into();
    am.insert(c).await.db()
}

/// The pending invitation of an address to a run.
pub async fn invitation_for(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    email: &str,
) -> Result<Option<invitation::Model>> {
    invitation::Entity::find()
        .filter(invitation::Column::TenantId.eq(tenant.0))
        .filter(invitation::Column::RunId.eq(run))
        .filter(invitation::Column::Email.eq(email))
        .one(c)
        .await
        .db()
}

/// Marks an invitation used.
pub async fn accept_invitation(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Inserts a batch of voucher hashes in chunked multi-row statements.
pub async fn insert_vouchers(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<voucher::Model>,
) -> Result<()> {
    crate::repo::insert_many_of_tenant(c, tenant, voucher::Column::TenantId, rows, 500).await
}

/// Uses a voucher for a run: true if this call used it (single use, race-free).
pub async fn redeem_voucher(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    hash: &str,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = voucher::Entity::update_many()
        .col_expr(voucher::Column::UsedBy, Expr::value(user))
        .col_expr(voucher::Column::UsedAt, Expr::value(now))
        .filter(voucher::Column::CodeHash.eq(hash))
        .filter(voucher::Column::TenantId.eq(tenant.0))
        .filter(voucher::Column::RunId.eq(run))
        .filter(voucher::Column::UsedAt.is_null())
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Records a shop order once: false if the order id was already seen (idempotency).
pub async fn record_order(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    m: shop_order::Model,
) -> Result<bool> {
    let res = shop_order::Entity::insert(shop_order::ActiveModel {
        tenant_id: Set(tenant.0),
        order_id: Set(m.order_id),
        run_id: Set(m.run_id),
        email: Set(m.email),
        user_id: Set(m.user_id),
        created_at: Set(m.created_at),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            shop_order::Column::TenantId,
            shop_order::Column::OrderId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .do_nothing()
    .exec(c)
    .await
    .db()?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(_)))
}

/// Whether an address bought a run (an order not yet attached to an account counts).
pub async fn has_order(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    email: &str,
) -> Result<bool> {
    Ok(shop_order::Entity::find()
        .filter(shop_order::Column::TenantId.eq(tenant.0))
        .filter(shop_order::Column::RunId.eq(run))
        .filter(shop_order::Column::Email.eq(email))
        .one(c)
        .await
        .db()?
        .is_some())
}
