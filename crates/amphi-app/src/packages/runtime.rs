//! The run-time calls of a package, on the content origin: each `Commit` (and the last state a
//! closing tab sends) is stored at once, over the revision the player last saw, then rolled up
//! into the item's progress and grade.

use super::cmi::{self, MAX_CMI_BYTES};
use super::launch::open_token;
use super::{records, rollup, Api, PackageItem, Structure};
use crate::App;
use amphi_core::{codes, Error, Result};
use amphi_db::repo::{packages as repo, structure};
use amphi_db::rows;
use serde::Deserialize;
use serde_json::Value;

/// What the player sends on a commit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commit {
    /// The SCO's identifier.
    pub sco: String,
    /// The revision the player's data is based on.
    pub revision: i64,
    /// The SCO's data model, as `{"cmi": {...}}`.
    pub data: Value,
    /// The suspend data is left out: the stored one is kept (a closing tab's last commit stays
    /// under keepalive's 64 KB when only the rest changed).
    #[serde(default)]
    pub keep_suspend_data: bool,
}

/// What a commit gives back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    /// The revision the next commit is based on.
    pub revision: i64,
}

/// Stores a commit of the launch `token` (whose body is `raw`). A preview stores nothing; a
/// commit over a revision that is no longer the stored one is refused (another tab saved
/// meanwhile), as is data that does not read or passes the data model's sizes.
pub async fn commit(app: &App, token: &str, raw: &[u8]) -> Result<Committed> {
    let claims = open_token(app, token)?;
    let bad = || Error::BadRequest(codes::PACKAGE_DATA_INVALID);
    if raw.len() > MAX_CMI_BYTES {
        return Err(bad());
    }
    let mut c: Commit = serde_json::from_slice(raw).map_err(|_| bad())?;
    let Some(attempt_id) = claims.a else {
        return Ok(Committed {
            revision: c.revision,
        });
    };
    let tenant = claims.tenant();
    let p = repo::package(app.db.reader(), tenant, claims.p)
        .await?
        .ok_or(Error::NotFound)?;
    let st = Structure::of(&p)?;
    let launch = st.launch(&c.sco).ok_or_else(bad)?;
    let api = Api::of(&p.standard);
    if c.keep_suspend_data {
        keep_suspend_data(app, &claims, attempt_id, &mut c).await?;
    }
    let reading = cmi::read(api, &c.data, launch.mastery_score)?;
    let now = app.now();
    let row = rows::PackageSco {
        attempt_id,
        sco: c.sco.clone(),
        tenant_id: tenant.0,
        revision: c.revision + 1,
        cmi: c.data.to_string(),
        completion: reading.completion.into(),
        success: reading.success.into(),
        score_scaled: reading.scaled,
        score_raw: reading.raw,
        score_min: reading.min,
        score_max: reading.max,
        base_seconds: 0,
        session_seconds: reading.session_seconds,
        updated_at: now,
    };
    let title = launch.title.clone();
    let sco_id = c.sco.clone();
    let revision = c.revision;
    let (attempt, scos, was) = app
        .write(move |app| async move {
            let txn = app.db.begin().await?;
            let attempt = repo::attempt(&txn, tenant, attempt_id)
                .await?
                .filter(|a| a.user_id == claims.u && a.item_id == claims.i)
                .ok_or(Error::NotFound)?;
            let stored = repo::sco(&txn, tenant, attempt_id, &row.sco).await?;
            let was = stored
                .as_ref()
                .map(|s| (s.completion.clone(), s.success.clone()));
            match stored {
                None if c.revision == 0 => {
                    repo::insert_sco(&txn, tenant, row).await?;
                }
                Some(s) if s.revision == c.revision => {
                    let row = rows::PackageSco {
                        base_seconds: s.base_seconds,
                        ..row
                    };
                    if !repo::commit_sco(&txn, tenant, &row, c.revision).await? {
                        return Err(Error::Conflict(codes::PACKAGE_CONFLICT));
                    }
                }
                other => {
                    tracing::info!(
                        stored = other.map(|s| s.revision),
                        sent = c.revision,
                        "package commit over a revision no longer stored (another tab or window)"
                    );
                    return Err(Error::Conflict(codes::PACKAGE_CONFLICT));
                }
            }
            let scos = repo::scos(&txn, tenant, attempt_id).await?;
            txn.commit().await.map_err(Error::internal)?;
            Ok((attempt, scos, was))
        })
        .await?;
    let item = structure::item(app.db.reader(), tenant, claims.r, claims.i)
        .await?
        .ok_or(Error::NotFound)?;
    let settings = PackageItem::of(&item.settings);
    let outcome = rollup::outcome(&st, &scos);
    rollup::settle(app, &attempt, &settings, &outcome, item.published).await?;
    let was = was.as_ref().map(|(c, s)| (c.as_str(), s.as_str()));
    let statements = records::statements(
        &claims,
        attempt.id,
        &sco_id,
        &title,
        was,
        &reading,
        app.now(),
    );
    records::record(app, &claims, statements).await;
    Ok(Committed {
        revision: revision + 1,
    })
}

/// Puts the stored suspend data back into a commit that left it out, if the commit is based on
/// the stored revision (else it is refused as any commit over another revision).
async fn keep_suspend_data(
    app: &App,
    claims: &super::launch::Claims,
    attempt: uuid::Uuid,
    c: &mut Commit,
) -> Result<()> {
    let stored = repo::sco(app.db.writer(), claims.tenant(), attempt, &c.sco)
        .await?
        .filter(|s| s.revision == c.revision)
        .ok_or(Error::Conflict(codes::PACKAGE_CONFLICT))?;
    let data: Value = serde_json::from_str(&stored.cmi).unwrap_or_default();
    // Both versions keep it at `cmi.suspend_data`.
    let kept = data
        .pointer("/cmi/suspend_data")
        .cloned()
        .unwrap_or(Value::Null);
    let target = c
        .data
        .get_mut("cmi")
        .and_then(Value::as_object_mut)
        .ok_or(Error::BadRequest(codes::PACKAGE_DATA_INVALID))?;
    if !kept.is_null() {
        target.insert("suspend_data".into(), kept);
    }
    Ok(())
}
