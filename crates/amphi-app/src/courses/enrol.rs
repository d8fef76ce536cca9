//! Getting into a run: self-enrolment under the run's policy (open with capacity and waiting
//! list, invitation, code, paid through a shop webhook or a voucher, restricted to a client's
//! people), leaving it, and the waiting list moving up.

use super::{dates_of, restriction_of};
use crate::i18n::t_args;
use crate::mail::{self, OutgoingMail};
use crate::{App, Caller, RequestMeta};
use amphi_auth::{signed, token};
use amphi_core::codes;
use amphi_core::course::EnrolmentStatus;
use amphi_core::course::{
    decide_enrolment, Applicant, CourseRole, EnrolDecision, EnrolRequest, EnrolmentPolicy,
};
use amphi_core::error::Fields;
use amphi_core::policy::Action;
use amphi_core::validate::{Email, Locale};
use amphi_core::RunId;
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{audit, courses as repo_c, enrolments as repo_e, settings, users as repo_u};
use amphi_db::{rows, Conn};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a person stands after asking to enrol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnrolStatus {
    /// In the course.
    Enrolled,
    /// On the waiting list.
    Waiting,
}

/// Self-enrolment. `code` is the run's enrolment code or a voucher code when the policy asks.
pub async fn enrol(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    code: Option<&str>,
) -> Result<EnrolStatus> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let run_id = run_id.0;
    let (run, existing) =
        repo_e::run_with_enrolment(app.db.reader(), tenant, run_id, Some(user.id.0))
            .await?
            .ok_or(Error::NotFound)?;
    if !run.published {
        return Err(Error::NotFound);
    }
    if let Some(e) = &existing {
        match e.status()? {
            EnrolmentStatus::Active => return Ok(EnrolStatus::Enrolled),
            EnrolmentStatus::Waiting => return Ok(EnrolStatus::Waiting),
            _ => {}
        }
    }
    let now = app.now();
    let policy = EnrolmentPolicy::parse("policy", &run.policy)
        .map_err(|_| Error::Internal("bad stored policy".into()))?;
    let email = Email::parse("email", &user.email)?;
    let invitation =
        repo_e::invitation_for(app.db.reader(), tenant, run.id, email.as_str()).await?;
    let voucher_hash = code.map(|c| voucher_hash(tenant, c));
    let paid = policy == EnrolmentPolicy::Paid
        && repo_e::has_order(app.db.reader(), tenant, run.id, email.as_str()).await?;
    let entitled = match policy {
        EnrolmentPolicy::Invitation => invitation.is_some(),
        EnrolmentPolicy::Paid => paid || voucher_hash.is_some(),
        _ => invitation.is_some(),
    };
    let restriction = restriction_of(&run);
    // Restricted runs may admit people by the provider they signed in through or a group it
    // gave them.
    let (providers, groups) = crate::sso::memberships::of_user(app, tenant, user.id).await?;
    let decision = decide_enrolment(
        &EnrolRequest {
            policy,
            dates: dates_of(&run),
            capacity: run.capacity,
            waiting_list: run.waiting_list,
            enrolled: run.enrolled_count,
            run_code: run.enrolment_code.as_deref(),
            given_code: code,
            restriction: &restriction,
            applicant: Applicant {
                email: &email,
                email_verified: user.email_verified,
                providers: &providers,
                groups: &groups,
            },
            entitled,
        },
        now,
    )?;
    let txn = app.db.begin().await?;
    // A paid run without an order needs a valid, unused voucher, spent in this transaction.
    if policy == EnrolmentPolicy::Paid && !paid {
        let Some(h) = &voucher_hash else {
            return Err(Error::Forbidden);
        };
        if !repo_e::redeem_voucher(&txn, tenant, run.id, h, user.id.0, now).await? {
            return Err(Error::field("code", codes::VOUCHER_INVALID));
        }
    }
    // The seat is taken by a guarded increment, so two people cannot get the last seat.
    let status =
        if decision == EnrolDecision::Enrol && repo_c::take_seat(&txn, tenant, run.id).await? {
            EnrolStatus::Enrolled
        } else if run.waiting_list {
            repo_c::bump_counts(&txn, tenant, run.id, 0, 1).await?;
            EnrolStatus::Waiting
        } else {
            return Err(Error::Conflict(codes::RUN_FULL));
        };
    let db_status = if status == EnrolStatus::Enrolled {
        EnrolmentStatus::Active
    } else {
        EnrolmentStatus::Waiting
    };
    let who = (run.id, user.id.0);
    learner_in(&txn, tenant, who, existing.as_ref(), db_status, now).await?;
    if let Some(inv) = invitation {
        repo_e::accept_invitation(&txn, tenant, inv.id, now).await?;
    }
    audit::Event::new("enrolment.created", tenant)
        .actor(user.id)
        .target(user.email.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "run": run.id, "status": db_status }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(status)
}

/// Makes the person a learner of the run in `status` (`(run, user)`): their enrolment
/// `existing` changed, or a new one.
async fn learner_in(
    c: &impl Conn,
    tenant: TenantId,
    (run, user): (Uuid, Uuid),
    existing: Option<&rows::Enrolment>,
    status: EnrolmentStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    let learner = Some(CourseRole::Learner);
    match existing {
        Some(e) => repo_e::set_status(c, tenant, e.id, status, learner, now).await?,
        None => {
            let e = new_enrolment(tenant, run, user, CourseRole::Learner, status, now);
            repo_e::insert(c, tenant, e).await?;
        }
    }
    Ok(())
}

/// A new enrolment row.
pub fn new_enrolment(
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
    role: CourseRole,
    status: EnrolmentStatus,
    now: DateTime<Utc>,
) -> rows::Enrolment {
    rows::Enrolment {
        id: Uuid::now_v7(),
        tenant_id: tenant.0,
        run_id: run,
        user_id: user,
        role: role.as_str().into(),
        status: status.as_str().into(),
        completed_count: 0,
        last_item_id: None,
        completed_at: None,
        grade_percent: None,
        grade_passed: false,
        grade_override: None,
        created_at: now,
        updated_at: now,
    }
}

/// Leaves a run (or its waiting list). A freed seat goes to the first person waiting.
pub async fn unenrol(app: &App, caller: &Caller, run_id: RunId) -> Result<()> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let run_id = run_id.0;
    let now = app.now();
    let txn = app.db.begin().await?;
    let e = repo_e::of(&txn, tenant, run_id, user.id.0)
        .await?
        .ok_or(Error::NotFound)?;
    if !remove_enrolment(&txn, tenant, e, now).await? {
        return Ok(());
    }
    audit::Event::new("enrolment.removed", tenant)
        .actor(user.id)
        .target(user.email.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "run": run_id }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// Takes a place in a run (or on its waiting list) away: the enrolment becomes "removed", its
/// progress and grades kept; a freed learner seat goes to the first person waiting. Returns
/// false when it was already removed.
pub(crate) async fn remove_enrolment(
    c: &impl Conn,
    tenant: TenantId,
    e: rows::Enrolment,
    now: DateTime<Utc>,
) -> Result<bool> {
    if e.status()? == EnrolmentStatus::Removed {
        return Ok(false);
    }
    let run_id = e.run_id;
    let was_active_learner =
        e.status()? == EnrolmentStatus::Active && e.role == CourseRole::Learner.as_str();
    let was_waiting = e.status()? == EnrolmentStatus::Waiting;
    repo_e::set_status(c, tenant, e.id, EnrolmentStatus::Removed, None, now).await?;
    repo_c::bump_counts(
        c,
        tenant,
        run_id,
        if was_active_learner { -1 } else { 0 },
        if was_waiting { -1 } else { 0 },
    )
    .await?;
    if was_active_learner {
        promote_waiting(c, tenant, run_id, now).await?;
    }
    Ok(true)
}

/// Gives free seats to people on the waiting list, oldest first, and tells them by mail.
async fn promote_waiting(
    c: &impl Conn,
    tenant: TenantId,
    run: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    while let Some(w) = repo_e::first_waiting(c, tenant, run).await? {
        if !repo_c::take_seat(c, tenant, run).await? {
            break;
        }
        let user_id = w.user_id;
        repo_e::set_status(c, tenant, w.id, EnrolmentStatus::Active, None, now).await?;
        repo_c::bump_counts(c, tenant, run, 0, -1).await?;
        if let Some(u) = repo_u::by_id(c, tenant, amphi_core::UserId(user_id)).await? {
            let run_m = repo_c::run(c, tenant, run).await?.ok_or(Error::NotFound)?;
            let locale = u
                .locale
                .as_deref()
                .and_then(Locale::from_tag)
                .unwrap_or_default();
            let args = [("name", u.name.clone()), ("run", run_m.name.clone())];
            mail::enqueue(
                c,
                tenant,
                OutgoingMail {
                    to: u.email.clone(),
                    subject: t_args(locale, "mail-seat-subject", &args),
                    text: t_args(locale, "mail-seat-body", &args),
                },
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// Invites addresses to a run (instructors). Each gets a mail with the course link; the
/// invitation lets them enrol even when the policy is invitation-only.
pub async fn invite(app: &App, caller: &Caller, run_id: RunId, emails: &str) -> Result<usize> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let run_id = run_id.0;
    let a = super::access_for(app, caller, run_id, Action::ManageRoles).await?;
    let mut fields = Fields::new();
    let mut list = Vec::new();
    for raw in emails
        .split([',', '\n', ';', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match Email::parse("emails", raw) {
            Ok(e) if !list.contains(&e) => list.push(e),
            Ok(_) => {}
            Err(_) => fields.push("emails", codes::EMAIL_INVALID),
        }
    }
    if list.is_empty() {
        fields.push("emails", codes::REQUIRED);
    }
    if list.len() > 1000 {
        fields.push("emails", codes::TOO_MANY_ADDRESSES);
    }
    fields.finish()?;
    let course = super::course_of(app, tenant, &a.run).await?;
    let now = app.now();
    let txn = app.db.begin().await?;
    for e in &list {
        repo_e::invite(
            &txn,
            tenant,
            rows::Invitation {
                id: Uuid::now_v7(),
                tenant_id: tenant.0,
                run_id,
                email: e.as_str().into(),
                role: CourseRole::Learner.as_str().into(),
                created_by: Some(user.id.0),
                accepted_at: None,
                created_at: now,
            },
        )
        .await?;
        let args = [
            ("course", course.title.clone()),
            ("run", a.run.name.clone()),
            ("link", format!("{}/courses/{}", meta.base_url, course.code)),
        ];
        let locale = Locale::from_tag(&course.language).unwrap_or_default();
        mail::enqueue(
            &txn,
            tenant,
            OutgoingMail {
                to: e.as_str().into(),
                subject: t_args(locale, "mail-invite-subject", &args),
                text: t_args(locale, "mail-invite-body", &args),
            },
            now,
        )
        .await?;
    }
    audit::Event::new("enrolment.invited", tenant)
        .actor(user.id)
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "run": run_id, "count": list.len() }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(list.len())
}

fn voucher_hash(tenant: TenantId, code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    token::hash(&format!("voucher:{tenant}:{norm}"))
}

/// Makes `count` single-use voucher codes for a paid run; the codes are returned once (only
/// their hashes are kept).
pub async fn generate_vouchers(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    count: usize,
) -> Result<Vec<String>> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let run_id = run_id.0;
    super::access_for(app, caller, run_id, Action::ManageRoles).await?;
    if !(1..=10_000).contains(&count) {
        return Err(Error::field("count", codes::OUT_OF_RANGE));
    }
    let now = app.now();
    let batch = Uuid::now_v7();
    let mut codes = Vec::with_capacity(count);
    let mut rows = Vec::with_capacity(count);
    for _ in 0..count {
        // 16 characters from an alphabet without look-alikes, grouped by four: ~80 bits.
        let code = readable_code(16);
        rows.push(rows::Voucher {
            code_hash: voucher_hash(tenant, &code),
            tenant_id: tenant.0,
            run_id,
            batch_id: batch,
            used_by: None,
            used_at: None,
            created_at: now,
        });
        codes.push(code);
    }
    let txn = app.db.begin().await?;
    repo_e::insert_vouchers(&txn, tenant, rows).await?;
    audit::Event::new("voucher.batch_created", tenant)
        .actor(user.id)
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "run": run_id, "count": count, "batch": batch }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(codes)
}

fn readable_code(n: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let raw: Vec<char> = (0..n)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    raw.chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The tenant's shop secret for signing webhooks (made on first use; shown to administrators).
pub async fn shop_secret(app: &App, caller: &Caller) -> Result<String> {
    let (user, tenant) = (&caller.user, caller.tenant);
    amphi_core::policy::require(
        &user.actor(),
        Action::Update,
        amphi_core::policy::Resource::Tenant(tenant),
    )?;
    shop_secret_of(app, tenant).await
}

async fn shop_secret_of(app: &App, tenant: TenantId) -> Result<String> {
    settings::get_or_init(
        app.db.writer(),
        &format!("shop_secret:{tenant}"),
        &token::random_hex(32),
    )
    .await
}

/// What the shop sends when someone buys a run.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShopOrder {
    /// The shop's order id (idempotency key).
    pub order_id: String,
    /// The run bought.
    pub run_id: Uuid,
    /// The buyer's email address.
    pub email: String,
    /// The buyer's name, used if an account is created later.
    pub name: Option<String>,
}

/// How a webhook call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookOutcome {
    /// The buyer has an account and is now enrolled.
    Enrolled,
    /// The order is recorded; the buyer is enrolled when they sign up or enrol.
    Recorded,
    /// This order id was already processed; nothing changed.
    Duplicate,
}

/// Accepted clock difference between the shop and us.
pub const WEBHOOK_WINDOW_SECS: i64 = 300;

/// A signed purchase notification: `signature` is hex HMAC-SHA256 of `timestamp + "." + body`
/// with the tenant's shop secret; the timestamp (unix seconds) must be within five minutes.
pub async fn shop_webhook(
    app: &App,
    tenant: TenantId,
    body: &[u8],
    timestamp: &str,
    signature: &str,
    meta: &RequestMeta,
) -> Result<WebhookOutcome> {
    let now = app.now();
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| Error::BadRequest(codes::WEBHOOK_TIMESTAMP_INVALID))?;
    if (now.timestamp() - ts).abs() > WEBHOOK_WINDOW_SECS {
        return Err(Error::BadRequest(codes::WEBHOOK_TIMESTAMP_STALE));
    }
    let secret = shop_secret_of(app, tenant).await?;
    let mut signed_payload = timestamp.trim().as_bytes().to_vec();
    signed_payload.push(b'.');
    signed_payload.extend_from_slice(body);
    if !signed::verify_hex(secret.as_bytes(), &signed_payload, signature) {
        audit::Event::new("shop.webhook_refused", tenant)
            .ip(meta.ip.clone())
            .detail(serde_json::json!({ "reason": "bad_signature" }))
            .record(app.db.writer(), now)
            .await?;
        return Err(Error::Unauthenticated);
    }
    let order: ShopOrder =
        serde_json::from_slice(body).map_err(|_| Error::BadRequest(codes::JSON_MALFORMED))?;
    let email = Email::parse("email", &order.email)?;
    if order.order_id.trim().is_empty() || order.order_id.len() > 100 {
        return Err(Error::field("order_id", codes::REQUIRED));
    }
    let run = repo_c::run(app.db.reader(), tenant, order.run_id)
        .await?
        .ok_or(Error::field("run_id", "not_found"))?;
    if run.policy != EnrolmentPolicy::Paid.as_str() {
        return Err(Error::field("run_id", codes::RUN_NOT_PAID));
    }
    let buyer = repo_u::by_email(app.db.reader(), tenant, email.as_str()).await?;
    let txn = app.db.begin().await?;
    let fresh = repo_e::record_order(
        &txn,
        tenant,
        rows::ShopOrder {
            tenant_id: tenant.0,
            order_id: order.order_id.trim().into(),
            run_id: run.id,
            email: email.as_str().into(),
            user_id: buyer.as_ref().map(|u| u.id),
            created_at: now,
        },
    )
    .await?;
    if !fresh {
        return Ok(WebhookOutcome::Duplicate);
    }
    let outcome = match &buyer {
        Some(u) => {
            match repo_e::of(&txn, tenant, run.id, u.id).await? {
                Some(e) if e.status()? == EnrolmentStatus::Active => {}
                e => {
                    // A buyer on the waiting list leaves it: a paid seat does not wait.
                    let was_waiting = match &e {
                        Some(e) => e.status()? == EnrolmentStatus::Waiting,
                        None => false,
                    };
                    let active = EnrolmentStatus::Active;
                    learner_in(&txn, tenant, (run.id, u.id), e.as_ref(), active, now).await?;
                    repo_c::bump_counts(&txn, tenant, run.id, 1, if was_waiting { -1 } else { 0 })
                        .await?;
                }
            }
            WebhookOutcome::Enrolled
        }
        None => WebhookOutcome::Recorded,
    };
    audit::Event::new("shop.order", tenant)
        .target(email.as_str())
        .ip(meta.ip.clone())
        .detail(
            serde_json::json!({ "order_id": order.order_id, "run": run.id, "outcome": outcome }),
        )
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(outcome)
}
