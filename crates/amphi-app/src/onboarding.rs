//! Accounts an administrator brings in: one added with a name and a role, or people invited
//! by email. Each gets a mail (through the mail queue) with a link to choose a password; the
//! link is the password-reset link of `accounts`, valid for a week, and using it also proves
//! the address.

use crate::accounts::{insert_account, issue_token, mail_person, RESET};
use crate::tenants::Tenant;
use crate::users::User;
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::error::Fields;
use amphi_core::policy::{require, Action, Resource};
use amphi_core::validate::{DisplayName, Email};
use amphi_core::{Error, Result};
use amphi_db::repo::{audit, tenants as repo_t, users as repo_u};
use amphi_db::Conn;
use chrono::Duration;

/// How long the link of an added or invited account stays valid.
const LINK_DAYS: i64 = 7;
/// How many addresses one invitation form takes.
pub const MAX_INVITES: usize = 1000;

/// The role an administrator gives a new account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// A learner or teacher: everyone starts here.
    #[default]
    Member,
    /// Administers this site.
    TenantAdmin,
}

impl Role {
    /// Reads the form value (`member`, `tenant_admin`).
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        match raw.trim() {
            "" | "member" => Ok(Role::Member),
            "tenant_admin" => Ok(Role::TenantAdmin),
            _ => Err(Error::field(field, codes::CHOICE_INVALID)),
        }
    }
}

/// The "Add user" form as typed.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// `member` or `tenant_admin`.
    pub role: String,
}

async fn tenant_of(app: &App, caller: &Caller) -> Result<Tenant> {
    repo_t::by_id(app.db.reader(), caller.tenant)
        .await?
        .map(Tenant::from)
        .ok_or(Error::NotFound)
}

/// Creates the account (no password yet, address not proven) and mails it the link to choose a
/// password. `kind` picks the mail: `added` or `invited`.
#[allow(clippy::too_many_arguments)]
async fn create_and_mail(
    c: &impl Conn,
    app: &App,
    caller: &Caller,
    tenant: &Tenant,
    email: &Email,
    name: &str,
    role: Role,
    kind: &str,
) -> Result<User> {
    let now = app.now();
    let u = insert_account(
        c,
        tenant.id,
        repo_u::NewUser {
            email: email.as_str().to_owned(),
            name: name.to_owned(),
            password_hash: None,
            email_verified_at: None,
            locale: None,
            time_zone: "UTC".into(),
            is_platform_admin: false,
            is_tenant_admin: role == Role::TenantAdmin,
        },
        now,
    )
    .await?;
    let tok = issue_token(
        c,
        tenant.id,
        Some(u.id),
        RESET,
        now,
        Duration::days(LINK_DAYS),
    )
    .await?;
    // The mail goes out in the site's language: the person has not chosen one yet.
    let locale = tenant.default_locale;
    let link = format!("{}/password/reset?token={}", caller.meta.base_url, tok);
    let args = [
        ("name", u.name.clone()),
        ("site", tenant.name.clone()),
        ("by", caller.user.name.clone()),
        ("link", link),
        ("days", LINK_DAYS.to_string()),
    ];
    mail_person(c, tenant.id, (&u, locale), kind, &args, now).await?;
    let action = if kind == "invited" {
        "user.invited"
    } else {
        "user.created"
    };
    audit::Event::new(action, tenant.id)
        .actor(caller.user.id)
        .target(u.email.clone())
        .ip(caller.meta.ip.clone())
        .detail(serde_json::json!({ "via": "admin", "tenant_admin": u.is_tenant_admin }))
        .record(c, now)
        .await?;
    Ok(u.into())
}

/// "Add user": an account with a name, an address and a role; the person gets a mail to
/// choose a password.
pub async fn add(app: &App, caller: &Caller, form: NewAccount) -> Result<User> {
    require(
        &caller.actor(),
        Action::Create,
        Resource::TenantUsers(caller.tenant),
    )?;
    let mut f = Fields::new();
    let name = f.check(DisplayName::parse("name", &form.name));
    let email = f.check(Email::parse("email", &form.email));
    let role = f.check(Role::parse("role", &form.role));
    f.finish()?;
    let (Some(name), Some(email), Some(role)) = (name, email, role) else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let tenant = tenant_of(app, caller).await?;
    if repo_u::by_email(app.db.reader(), tenant.id, email.as_str())
        .await?
        .is_some()
    {
        return Err(Error::field("email", codes::EMAIL_TAKEN));
    }
    let txn = app.db.begin().await?;
    let u = create_and_mail(
        &txn,
        app,
        caller,
        &tenant,
        &email,
        name.as_str(),
        role,
        "added",
    )
    .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(u)
}

/// What an invitation did: who was invited, and the addresses that already had an account
/// (left as they are).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invited {
    /// Addresses invited now.
    pub invited: Vec<String>,
    /// Addresses that already have an account here.
    pub existing: Vec<String>,
}

/// "Invite": accounts for a list of addresses (one per line, or separated by commas or
/// spaces), named after their address until the person chooses a name; each gets a mail to
/// choose a password. Every address is checked before anything is stored.
pub async fn invite(app: &App, caller: &Caller, emails: &str, role: &str) -> Result<Invited> {
    require(
        &caller.actor(),
        Action::Create,
        Resource::TenantUsers(caller.tenant),
    )?;
    let mut f = Fields::new();
    let role = f.check(Role::parse("role", role));
    let mut list: Vec<Email> = Vec::new();
    let mut bad = false;
    for raw in emails
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.trim().is_empty())
    {
        match Email::parse("emails", raw) {
            Ok(e) if !list.contains(&e) => list.push(e),
            Ok(_) => {}
            Err(_) => bad = true,
        }
    }
    if bad {
        f.push("emails", codes::EMAIL_INVALID);
    } else if list.is_empty() {
        f.push("emails", codes::REQUIRED);
    } else if list.len() > MAX_INVITES {
        f.push("emails", codes::TOO_MANY_ADDRESSES);
    }
    f.finish()?;
    let role = role.unwrap_or_default();
    let tenant = tenant_of(app, caller).await?;
    let mut out = Invited::default();
    let txn = app.db.begin().await?;
    for e in &list {
        if repo_u::by_email(&txn, tenant.id, e.as_str())
            .await?
            .is_some()
        {
            out.existing.push(e.as_str().to_owned());
            continue;
        }
        let name = e
            .as_str()
            .split('@')
            .next()
            .unwrap_or(e.as_str())
            .to_owned();
        create_and_mail(&txn, app, caller, &tenant, e, &name, role, "invited").await?;
        out.invited.push(e.as_str().to_owned());
    }
    txn.commit().await.map_err(Error::internal)?;
    Ok(out)
}
