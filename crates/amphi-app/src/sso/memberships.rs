//! What a person brought from single sign-on that courses restrict on: the providers they
//! signed in through and their groups. A leaf of `sso`, so that enrolment can read it without
//! depending on the sign-in code (which enrols through `courses::enrol`).

use crate::App;
use amphi_core::{Result, TenantId, UserId};
use amphi_db::repo::identity as repo;

/// The providers a person has signed in through (slugs and ids) and the groups they brought,
/// for COOC enrolment restrictions.
pub async fn of_user(
    app: &App,
    tenant: TenantId,
    user: UserId,
) -> Result<(Vec<String>, Vec<String>)> {
    let links = repo::identities_of_user(app.db.reader(), tenant, user).await?;
    let mut providers = Vec::new();
    let mut groups: Vec<String> = Vec::new();
    for (link, p) in links {
        providers.push(p.slug.clone());
        providers.push(p.id.to_string());
        groups.extend(serde_json::from_str::<Vec<String>>(&link.groups).unwrap_or_default());
    }
    groups.sort();
    groups.dedup();
    Ok((providers, groups))
}
