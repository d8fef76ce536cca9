//! The course team's view of a package item: every learner's attempts (status, score, time),
//! one attempt's SCOs with their interactions, and the CSV export of all of it.

use super::{Api, Structure};
use crate::courses::learners::csv_safe;
use crate::{courses, App, Caller};
use amphi_core::course::ItemKind;
use amphi_core::policy::Action;
use amphi_core::{Error, ItemId, Result, RunId};
use amphi_db::repo::{packages as repo, structure, Page};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// One learner's attempt in the report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    /// The attempt.
    pub attempt_id: Uuid,
    /// The learner.
    pub user_id: Uuid,
    /// Their name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// Attempt number.
    pub number: i32,
    /// `not_attempted`, `incomplete`, `completed` or `unknown`.
    pub completion: String,
    /// `passed`, `failed` or `unknown`.
    pub success: String,
    /// Score in percent.
    pub percent: Option<f64>,
    /// Time spent, in seconds.
    pub seconds: i64,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// One interaction a SCO recorded (`cmi.interactions.n`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Interaction {
    /// Its identifier.
    pub id: String,
    /// `choice`, `fill-in`, `true-false`…
    pub kind: String,
    /// What the learner answered.
    pub response: String,
    /// `correct`, `incorrect`, `neutral`, `unanticipated` or a number.
    pub result: String,
    /// When (SCORM 2004 `timestamp`, SCORM 1.2 `time`).
    pub time: String,
    /// How long the learner took.
    pub latency: String,
}

/// One SCO of an attempt.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScoDetail {
    /// The SCO's identifier.
    pub sco: String,
    /// Its title.
    pub title: String,
    /// Completion.
    pub completion: String,
    /// Success.
    pub success: String,
    /// Scaled score (-1..1).
    pub scaled: Option<f64>,
    /// Time spent, in seconds.
    pub seconds: i64,
    /// Its interactions, in order.
    pub interactions: Vec<Interaction>,
}

/// What the course team reads: the item checked, then a page of its attempts.
pub async fn attempts(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<ReportRow>> {
    team_item(app, caller, run, item).await?;
    let page = repo::attempts_page(
        app.db.reader(),
        caller.tenant,
        item.0,
        after,
        limit.clamp(1, 1000),
    )
    .await?;
    Ok(Page {
        items: page.items.into_iter().map(|(a, u)| row(a, u)).collect(),
        next: page.next,
    })
}

fn row(a: rows::PackageAttempt, u: Option<rows::User>) -> ReportRow {
    let (name, email) = u.map(|u| (u.name, u.email)).unwrap_or_default();
    ReportRow {
        attempt_id: a.id,
        user_id: a.user_id,
        name,
        email,
        number: a.number,
        completion: a.completion,
        success: a.success,
        percent: a.score_scaled.map(|s| (s * 1000.0).round() / 10.0),
        seconds: a.seconds,
        updated_at: a.updated_at,
    }
}

async fn team_item(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
) -> Result<rows::CourseItem> {
    courses::access_for(app, caller, run.0, Action::List).await?;
    structure::item(app.db.reader(), caller.tenant, run.0, item.0)
        .await?
        .filter(|i| i.kind().ok() == Some(ItemKind::Package))
        .ok_or(Error::NotFound)
}

/// One attempt's SCOs and interactions.
pub async fn attempt_detail(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    attempt: Uuid,
) -> Result<(ReportRow, Vec<ScoDetail>)> {
    team_item(app, caller, run, item).await?;
    let tenant = caller.tenant;
    let a = repo::attempt(app.db.reader(), tenant, attempt)
        .await?
        .filter(|a| a.item_id == item.0)
        .ok_or(Error::NotFound)?;
    let p = repo::package(app.db.reader(), tenant, a.package_id)
        .await?
        .ok_or(Error::NotFound)?;
    let st = Structure::of(&p)?;
    let api = Api::of(&p.standard);
    let scos = repo::scos(app.db.reader(), tenant, a.id).await?;
    let u = amphi_db::repo::users::by_id(app.db.reader(), tenant, amphi_core::UserId(a.user_id))
        .await?;
    let details = st
        .launches
        .iter()
        .filter_map(|l| {
            let s = scos.iter().find(|s| s.sco == l.identifier)?;
            Some(ScoDetail {
                sco: s.sco.clone(),
                title: l.title.clone(),
                completion: s.completion.clone(),
                success: s.success.clone(),
                scaled: s.score_scaled,
                seconds: s.base_seconds + s.session_seconds,
                interactions: interactions(api, &s.cmi),
            })
        })
        .collect();
    Ok((row(a, u), details))
}

/// The interactions of a SCO's stored data, in index order.
pub fn interactions(api: Api, cmi: &str) -> Vec<Interaction> {
    let data: Value = serde_json::from_str(cmi).unwrap_or_default();
    let Some(list) = data.pointer("/cmi/interactions") else {
        return vec![];
    };
    let items: Vec<&Value> = match list {
        Value::Array(a) => a.iter().collect(),
        Value::Object(m) => {
            let mut v: Vec<(usize, &Value)> = m
                .iter()
                .filter_map(|(k, v)| k.parse::<usize>().ok().map(|k| (k, v)))
                .collect();
            v.sort_by_key(|(k, _)| *k);
            v.into_iter().map(|(_, v)| v).collect()
        }
        _ => vec![],
    };
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    items
        .into_iter()
        .map(|v| Interaction {
            id: s(v, "id"),
            kind: s(v, "type"),
            response: match api {
                Api::Scorm12 => s(v, "student_response"),
                Api::Scorm2004 => s(v, "learner_response"),
            },
            result: s(v, "result"),
            time: match api {
                Api::Scorm12 => s(v, "time"),
                Api::Scorm2004 => s(v, "timestamp"),
            },
            latency: s(v, "latency"),
        })
        .collect()
}

/// The CSV header of the export: one line per interaction (an attempt without any has one
/// line of its own).
pub const CSV_HEADER: &str = "name,email,attempt,completion,success,percent,seconds,updated_at,sco,interaction,type,response,result,time,latency\n";

/// One page of the export as CSV lines, and the cursor of the next page.
pub async fn export_page(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    after: Option<Uuid>,
) -> Result<(String, Option<Uuid>)> {
    team_item(app, caller, run, item).await?;
    let tenant = caller.tenant;
    let db = app.db.reader();
    let page = repo::attempts_page(db, tenant, item.0, after, 500).await?;
    // Three statements a page: the attempts with their learners, the item's versions, and the
    // SCOs of every attempt of the page.
    let apis: std::collections::HashMap<Uuid, Api> = repo::versions(db, tenant, item.0)
        .await?
        .into_iter()
        .map(|p| (p.id, Api::of(&p.standard)))
        .collect();
    let ids = page.items.iter().map(|(a, _)| a.id).collect();
    let mut scos: std::collections::HashMap<Uuid, Vec<rows::PackageSco>> = Default::default();
    for s in repo::scos_of_attempts(db, tenant, ids).await? {
        scos.entry(s.attempt_id).or_default().push(s);
    }
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for (a, u) in page.items {
        let api = apis.get(&a.package_id).copied().unwrap_or(Api::Scorm2004);
        let attempt_scos = scos.remove(&a.id).unwrap_or_default();
        let r = row(a, u);
        let head = [
            csv_safe(&r.name),
            csv_safe(&r.email),
            r.number.to_string(),
            r.completion.clone(),
            r.success.clone(),
            r.percent.map(|p| p.to_string()).unwrap_or_default(),
            r.seconds.to_string(),
            r.updated_at.to_rfc3339(),
        ];
        let mut lines = 0;
        for s in attempt_scos {
            for i in interactions(api, &s.cmi) {
                let mut rec: Vec<String> = head.to_vec();
                rec.extend([
                    csv_safe(&s.sco),
                    csv_safe(&i.id),
                    csv_safe(&i.kind),
                    csv_safe(&i.response),
                    csv_safe(&i.result),
                    csv_safe(&i.time),
                    csv_safe(&i.latency),
                ]);
                w.write_record(&rec).map_err(Error::internal)?;
                lines += 1;
            }
        }
        if lines == 0 {
            let mut rec: Vec<String> = head.to_vec();
            rec.extend(std::iter::repeat_n(String::new(), 7));
            w.write_record(&rec).map_err(Error::internal)?;
        }
    }
    let bytes = w.into_inner().map_err(Error::internal)?;
    Ok((String::from_utf8_lossy(&bytes).into_owned(), page.next))
}

/// One uploaded version of an item's package.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Version {
    /// The package version's id.
    pub id: Uuid,
    /// 1, 2, …
    pub version: i32,
    /// The package's title.
    pub title: String,
    /// `scorm12`, `scorm2004-3`, `cmi5`…
    pub standard: String,
    /// The uploaded file's name.
    pub filename: String,
    /// Files in it.
    pub file_count: i32,
    /// Their total size.
    pub total_bytes: i64,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
    /// Whether learners get this one.
    pub current: bool,
}

/// An item's package versions, newest first (the course team).
pub async fn versions(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
) -> Result<Vec<Version>> {
    let it = team_item(app, caller, run, item).await?;
    let current = super::PackageItem::of(&it.settings).package_id;
    Ok(repo::versions(app.db.reader(), caller.tenant, it.id)
        .await?
        .into_iter()
        .map(|p| {
            let current = Some(p.id) == current;
            Version::of(p, current)
        })
        .collect())
}

impl Version {
    /// A stored version (`current`: learners get it).
    pub fn of(p: rows::Package, current: bool) -> Version {
        Version {
            current,
            id: p.id,
            version: p.version,
            title: p.title,
            standard: p.standard,
            filename: p.filename,
            file_count: p.file_count,
            total_bytes: p.total_bytes,
            created_at: p.created_at,
        }
    }
}
