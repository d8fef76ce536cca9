//! Bulk enrolment from a CSV file (email, name, role): validated row by row with a report
//! naming each bad row and why; nothing is applied until the file is valid, or until the
//! operator chooses to apply the valid rows. Applying runs as a job, a thousand rows at a
//! time, with visible progress.

use super::access_for;
use crate::jobs::{Job, JobContext, JobError};
use crate::{App, Caller};
use amphi_core::course::{CourseRole, EnrolmentStatus};
use amphi_core::jobs::{JobKind, JobStatus};
use amphi_core::policy::Action;
use amphi_core::validate::{DisplayName, Email};
use amphi_core::{codes, Error, Result, RunId, TenantId, UserId};
use amphi_db::jobs::{self, JobPayload, NewJob};
use amphi_db::repo::users::NewUser;
use amphi_db::repo::{audit, courses as repo_c, enrolments as repo_e, users as repo_u};
use amphi_db::rows;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

/// Largest file accepted (about a million rows).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Rows per transaction when applying.
const CHUNK: usize = 1000;

/// One row that cannot be applied.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct RowError {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    /// What is wrong (a message code: `email_invalid`, `duplicate_row`, …).
    pub code: String,
    /// The offending value.
    pub value: String,
}

/// The validation report.
#[derive(Debug, Clone, Serialize, Deserialize, Default, utoipa::ToSchema)]
pub struct Report {
    /// Data rows in the file.
    pub rows: u64,
    /// Rows that can be applied.
    pub valid: u64,
    /// Rows that cannot, with why (the first 1000).
    pub errors: Vec<RowError>,
    /// Total bad rows (may exceed the listed ones).
    pub error_count: u64,
    /// A problem with the file as a whole (`csv_header_invalid`, `csv_empty`, …).
    pub file_error: Option<String>,
}

/// One good row.
#[derive(Debug, Clone)]
struct Row {
    email: Email,
    name: String,
    role: CourseRole,
}

fn parse(bytes: &[u8]) -> (Report, Vec<Row>) {
    let mut report = Report::default();
    let mut rows = Vec::new();
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text);
    let headers = match rdr.headers() {
        Ok(h) => h.iter().map(|x| x.to_ascii_lowercase()).collect::<Vec<_>>(),
        Err(_) => {
            report.file_error = Some(codes::CSV_UNREADABLE.into());
            return (report, rows);
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(ci_email), ci_name, ci_role) = (col("email"), col("name"), col("role")) else {
        report.file_error = Some(codes::CSV_HEADER_INVALID.into());
        return (report, rows);
    };
    if headers
        .iter()
        .any(|h| !["email", "name", "role"].contains(&h.as_str()))
    {
        report.file_error = Some(codes::CSV_HEADER_INVALID.into());
        return (report, rows);
    }
    let mut seen = HashSet::new();
    let push_err = |report: &mut Report, line: u64, code: &str, value: &str| {
        report.error_count += 1;
        if report.errors.len() < 1000 {
            report.errors.push(RowError {
                line,
                code: code.into(),
                value: value.chars().take(200).collect(),
            });
        }
    };
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        report.rows += 1;
        let rec = match rec {
            Ok(r) => r,
            Err(_) => {
                push_err(&mut report, line, codes::CSV_ROW_UNREADABLE, "");
                continue;
            }
        };
        if rec.iter().all(|f| f.is_empty()) {
            report.rows -= 1;
            continue;
        }
        let email_raw = rec.get(ci_email).unwrap_or("");
        let email = match Email::parse("email", email_raw) {
            Ok(e) => e,
            Err(_) => {
                push_err(&mut report, line, codes::EMAIL_INVALID, email_raw);
                continue;
            }
        };
        let name = ci_name
            .and_then(|c| rec.get(c))
            .unwrap_or("")
            .trim()
            .to_owned();
        if !name.is_empty() && DisplayName::parse("name", &name).is_err() {
            push_err(&mut report, line, codes::NAME_INVALID, &name);
            continue;
        }
        let role_raw = ci_role
            .and_then(|c| rec.get(c))
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let role = if role_raw.is_empty() {
            CourseRole::Learner
        } else {
            match CourseRole::parse("role", &role_raw) {
                Ok(r) => r,
                Err(_) => {
                    push_err(&mut report, line, codes::ROLE_INVALID, &role_raw);
                    continue;
                }
            }
        };
        if !seen.insert(email.as_str().to_owned()) {
            push_err(&mut report, line, codes::DUPLICATE_ROW, email.as_str());
            continue;
        }
        rows.push(Row { email, name, role });
    }
    if report.rows == 0 && report.file_error.is_none() {
        report.file_error = Some(codes::CSV_EMPTY.into());
    }
    report.valid = rows.len() as u64;
    (report, rows)
}

/// What an import looks like to the operator.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportStatus {
    /// The import (job) id.
    pub id: Uuid,
    /// `held` (waiting for a decision), `queued`, `running`, `done` or `dead`.
    pub status: String,
    /// The validation report.
    pub report: Report,
    /// Rows applied so far.
    pub done: i64,
    /// Rows to apply.
    pub total: Option<i64>,
    /// What applying did, once done.
    pub outcome: Option<Outcome>,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

/// What applying did.
#[derive(Debug, Clone, Serialize, Deserialize, Default, utoipa::ToSchema)]
pub struct Outcome {
    /// New accounts created (they choose a password through "forgot password").
    pub accounts_created: u64,
    /// New enrolments.
    pub enrolled: u64,
    /// Rows whose person was already in the run with that role.
    pub unchanged: u64,
}

/// The payload of an `enrolment.import` job: the file, its run and who sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyImport {
    /// The run people are enrolled in.
    pub run: Uuid,
    /// Who started the import.
    pub actor: Uuid,
    /// The file (validated before it was queued).
    pub csv: String,
}

impl JobPayload for ApplyImport {
    const KIND: JobKind = JobKind::EnrolmentImport;
    const MAX_ATTEMPTS: i32 = 3;
    // People's names and addresses.
    const REDACT_WHEN_DONE: bool = true;
}

impl Job for ApplyImport {
    async fn run(self, cx: &JobContext<'_>) -> std::result::Result<(), JobError> {
        Ok(run_job(cx.app, cx.id, cx.tenant()?, self).await?)
    }
}

/// Validates a file and, if every row is good, starts applying it; otherwise holds it until
/// the operator decides. Files that are not CSV at all are refused outright.
pub async fn start(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    bytes: &[u8],
) -> Result<ImportStatus> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let run_id = run_id.0;
    access_for(app, caller, run_id, Action::ManageRoles).await?;
    if bytes.len() > MAX_BYTES {
        return Err(Error::field("file", codes::FILE_TOO_LARGE));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| Error::field("file", codes::CSV_NOT_UTF8))?;
    let (report, _) = parse(text.as_bytes());
    if let Some(fe) = &report.file_error {
        return Err(Error::Validation(vec![amphi_core::FieldError::new(
            "file", fe,
        )]));
    }
    let now = app.now();
    let job = NewJob::new(
        Some(tenant),
        &ApplyImport {
            run: run_id,
            actor: user.id.0,
            csv: text.to_owned(),
        },
    )?;
    let report_json = serde_json::to_value(&report).map_err(Error::internal)?;
    let txn = app.db.begin().await?;
    let id = if report.error_count == 0 {
        let id = jobs::enqueue(&txn, job, now).await?;
        jobs::set_result(&txn, id, &serde_json::json!({ "report": report_json })).await?;
        id
    } else {
        jobs::hold(&txn, job, serde_json::json!({ "report": report_json }), now).await?
    };
    jobs::progress(&txn, id, 0, Some(report.valid as i64)).await?;
    audit::Event::new("enrolment.import_started", tenant)
        .actor(user.id)
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "run": run_id, "rows": report.rows, "valid": report.valid, "errors": report.error_count, "job": id }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    status(app, caller, RunId(run_id), id).await
}

async fn load(app: &App, tenant: TenantId, run_id: Uuid, id: Uuid) -> Result<rows::Job> {
    let j = jobs::by_id(app.db.reader(), id)
        .await?
        .ok_or(Error::NotFound)?;
    let payload: serde_json::Value = serde_json::from_str(&j.payload).unwrap_or_default();
    let ok = matches!(j.kind(), Ok(JobKind::EnrolmentImport))
        && j.tenant_id == Some(tenant.0)
        && (payload.get("run").and_then(|r| r.as_str()) == Some(&run_id.to_string())
            || payload == serde_json::json!({}));
    if !ok {
        return Err(Error::NotFound);
    }
    Ok(j)
}

/// The state of an import.
pub async fn status(app: &App, caller: &Caller, run_id: RunId, id: Uuid) -> Result<ImportStatus> {
    let tenant = caller.tenant;
    let run_id = run_id.0;
    access_for(app, caller, run_id, Action::ManageRoles).await?;
    let j = load(app, tenant, run_id, id).await?;
    let result: serde_json::Value = j
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    Ok(ImportStatus {
        id: j.id,
        status: j.status,
        report: result
            .get("report")
            .and_then(|r| serde_json::from_value(r.clone()).ok())
            .unwrap_or_default(),
        done: j.progress_done,
        total: j.progress_total,
        outcome: result
            .get("outcome")
            .and_then(|r| serde_json::from_value(r.clone()).ok()),
        error: j.last_error,
    })
}

/// The operator's decision on a held import: apply the valid rows.
pub async fn apply_valid(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    id: Uuid,
) -> Result<ImportStatus> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let run_id = run_id.0;
    access_for(app, caller, run_id, Action::ManageRoles).await?;
    let j = load(app, tenant, run_id, id).await?;
    if !matches!(j.status(), Ok(JobStatus::Held)) {
        return Err(Error::Conflict(codes::IMPORT_NOT_HELD));
    }
    let now = app.now();
    if !jobs::release(app.db.writer(), id, now).await? {
        return Err(Error::Conflict(codes::IMPORT_NOT_HELD));
    }
    audit::Event::new("enrolment.import_applied_valid", tenant)
        .actor(user.id)
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "job": id }))
        .record(app.db.writer(), now)
        .await?;
    status(app, caller, RunId(run_id), id).await
}

/// The job: applies the valid rows a chunk at a time (accounts, then enrolments, each chunk one
/// transaction of multi-row statements), recording progress after each chunk.
async fn run_job(app: &App, job_id: Uuid, tenant: TenantId, p: ApplyImport) -> Result<()> {
    let (_, rows) = parse(p.csv.as_bytes());
    let total = rows.len() as i64;
    jobs::progress(app.db.writer(), job_id, 0, Some(total)).await?;
    let mut outcome = Outcome::default();
    let mut done = 0i64;
    for chunk in rows.chunks(CHUNK) {
        let now = app.now();
        let txn = app.db.begin().await?;
        let emails: Vec<String> = chunk.iter().map(|r| r.email.as_str().to_owned()).collect();
        let existing = repo_u::ids_by_email(&txn, tenant, emails.clone()).await?;
        let new_users: Vec<NewUser> = chunk
            .iter()
            .filter(|r| !existing.contains_key(r.email.as_str()))
            .map(|r| NewUser {
                email: r.email.as_str().to_owned(),
                name: if r.name.is_empty() {
                    r.email.as_str().split('@').next().unwrap_or("").to_owned()
                } else {
                    r.name.clone()
                },
                password_hash: None,
                email_verified_at: None,
                locale: None,
                time_zone: "UTC".into(),
                is_platform_admin: false,
                is_tenant_admin: false,
            })
            .collect();
        outcome.accounts_created += new_users.len() as u64;
        repo_u::insert_many_new(&txn, tenant, new_users, now).await?;
        // Read the ids back: an account created meanwhile by someone else wins over ours.
        let existing = repo_u::ids_by_email(&txn, tenant, emails).await?;
        let ids: Vec<Uuid> = existing.values().copied().collect();
        let already = repo_e::of_users(&txn, tenant, p.run, ids).await?;
        let mut fresh = Vec::new();
        let mut learners_added = 0i64;
        for r in chunk {
            let Some(uid) = existing.get(r.email.as_str()).copied() else {
                continue;
            };
            match already.get(&uid) {
                Some(e) if e.status()? == EnrolmentStatus::Active && e.role == r.role.as_str() => {
                    outcome.unchanged += 1
                }
                Some(e) => {
                    let was_learner = e.status()? == EnrolmentStatus::Active
                        && e.role == CourseRole::Learner.as_str();
                    repo_e::set_status(
                        &txn,
                        tenant,
                        e.id,
                        EnrolmentStatus::Active,
                        Some(r.role),
                        now,
                    )
                    .await?;
                    learners_added +=
                        i64::from(r.role == CourseRole::Learner) - i64::from(was_learner);
                    outcome.enrolled += 1;
                }
                None => {
                    fresh.push(super::enrol::new_enrolment(
                        tenant,
                        p.run,
                        uid,
                        r.role,
                        EnrolmentStatus::Active,
                        now,
                    ));
                    if r.role == CourseRole::Learner {
                        learners_added += 1;
                    }
                    outcome.enrolled += 1;
                }
            }
        }
        repo_e::insert_many(&txn, tenant, fresh).await?;
        repo_c::bump_counts(&txn, tenant, p.run, learners_added, 0).await?;
        done += chunk.len() as i64;
        jobs::progress(&txn, job_id, done, None).await?;
        txn.commit().await.map_err(Error::internal)?;
    }
    let prev = jobs::by_id(app.db.reader(), job_id)
        .await?
        .and_then(|j| j.result)
        .and_then(|r| serde_json::from_str::<serde_json::Value>(&r).ok())
        .unwrap_or_default();
    let mut result = prev;
    result["outcome"] = serde_json::to_value(&outcome).map_err(Error::internal)?;
    jobs::set_result(app.db.writer(), job_id, &result).await?;
    audit::Event::new("enrolment.import_done", tenant)
        .actor(UserId(p.actor))
        .detail(serde_json::json!({ "run": p.run, "job": job_id, "outcome": outcome }))
        .record(app.db.writer(), app.now())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_names_each_bad_row() {
        let csv = "email,name,role\nada@example.test,Ada,learner\nnot-an-email,Bob,\nada@example.test,Ada again,\ncy@example.test,Cy,emperor\n,,\ndee@example.test,,observer\n";
        let (r, rows) = parse(csv.as_bytes());
        assert_eq!(r.rows, 5);
        assert_eq!(r.valid, 2);
        assert_eq!(r.error_count, 3);
        let codes: Vec<(u64, &str)> = r.errors.iter().map(|e| (e.line, e.code.as_str())).collect();
        assert_eq!(
            codes,
            vec![
                (3, "email_invalid"),
                (4, "duplicate_row"),
                (5, "role_invalid")
            ]
        );
        assert_eq!(rows[1].role, CourseRole::Observer);
    }

    #[test]
    fn file_level_errors() {
        assert_eq!(
            parse(b"mail,who\nx@y.test,X\n").0.file_error.as_deref(),
            Some("csv_header_invalid")
        );
        assert_eq!(
            parse(b"email,name\n").0.file_error.as_deref(),
            Some("csv_empty")
        );
        assert_eq!(
            parse(b"email,name,role,extra\n").0.file_error.as_deref(),
            Some("csv_header_invalid")
        );
        let (r, _) = parse("\u{feff}Email,Name\nA@B.test,A\n".as_bytes());
        assert_eq!(
            (r.valid, r.file_error),
            (1, None),
            "BOM and header case are tolerated"
        );
    }
}
