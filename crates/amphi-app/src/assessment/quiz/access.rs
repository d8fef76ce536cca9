//! A quiz item opened for a request: the run access (checked), the item and its settings.

use super::settings::QuizSettings;
use crate::courses::{access, access_with_attempt, learn, RunAccess};
use crate::users::User;
use crate::App;
use amphi_core::course::ItemKind;
use amphi_core::policy::Action;
use amphi_core::{Error, Result, TenantId};
use amphi_db::rows;
use uuid::Uuid;

/// A quiz item opened for a request.
pub(super) struct Loaded {
    pub(super) a: RunAccess,
    pub(super) item: rows::CourseItem,
    pub(super) settings: QuizSettings,
}

/// Opens a quiz item of a run for viewing.
pub(super) async fn load(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
) -> Result<Loaded> {
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::View).await?;
    loaded(app, user, tenant, a, item_id).await
}

/// The rest of [`load`], for an access already checked for viewing.
pub(super) async fn loaded(
    app: &App,
    user: &User,
    tenant: TenantId,
    a: RunAccess,
    item_id: Uuid,
) -> Result<Loaded> {
    let item = learn::cached_item(app, tenant, &a.run, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    if item.kind()? != ItemKind::Quiz {
        return Err(Error::NotFound);
    }
    let staff = amphi_core::policy::can(&user.actor(), Action::Update, a.resource(tenant));
    if !item.published && !staff {
        return Err(Error::NotFound);
    }
    let settings = QuizSettings::of(&item);
    Ok(Loaded { a, item, settings })
}

/// One of the viewer's attempts, with its quiz opened (one query for the run, the enrolment
/// and the attempt).
pub(super) async fn own_attempt(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    attempt_id: Uuid,
) -> Result<(Loaded, rows::QuizAttempt)> {
    let (a, at) = access_with_attempt(app, &user.actor(), tenant, run_id, attempt_id).await?;
    let at = at.ok_or(Error::NotFound)?;
    let l = loaded(app, user, tenant, a, at.item_id).await?;
    Ok((l, at))
}
