//! Tenants, users, sessions, tokens, rate limits, the job queue, settings and the audit log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    Slug,
    Name,
    DefaultLocale,
    SignupPolicy,
    SignupDomains,
    LogoUrl,
    PrimaryColour,
    FooterText,
    IsDefault,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TenantHosts {
    Table,
    Host,
    TenantId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    TenantId,
    Email,
    Name,
    PasswordHash,
    EmailVerifiedAt,
    Locale,
    TimeZone,
    IsPlatformAdmin,
    IsTenantAdmin,
    Active,
    LastSignInAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    TenantId,
    UserId,
    Ip,
    UserAgent,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum EmailTokens {
    Table,
    TokenHash,
    TenantId,
    UserId,
    Purpose,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    TenantId,
    UserId,
    Name,
    TokenHash,
    Scopes,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    Bucket,
    WindowStart,
    Hits,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    TenantId,
    Kind,
    Payload,
    Status,
    Attempts,
    MaxAttempts,
    RunAt,
    LockedUntil,
    LastError,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    Value,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    TenantId,
    ActorUserId,
    Action,
    Target,
    Ip,
    Detail,
    CreatedAt,
}

fn ts<T: IntoIden>(c: T) -> ColumnDef {
    let mut d = ColumnDef::new(c);
    d.timestamp_with_time_zone().not_null();
    d
}

fn ts_null<T: IntoIden>(c: T) -> ColumnDef {
    let mut d = ColumnDef::new(c);
    d.timestamp_with_time_zone().null();
    d
}

fn uuid_pk<T: IntoIden>(c: T) -> ColumnDef {
    let mut d = ColumnDef::new(c);
    d.uuid().not_null().primary_key();
    d
}

fn fk(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Tenants::Table)
                .col(uuid_pk(Tenants::Id))
                .col(
                    ColumnDef::new(Tenants::Slug)
                        .string_len(63)
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Tenants::Name).string_len(200).not_null())
                .col(
                    ColumnDef::new(Tenants::DefaultLocale)
                        .string_len(8)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Tenants::SignupPolicy)
                        .string_len(16)
                        .not_null(),
                )
                .col(ColumnDef::new(Tenants::SignupDomains).text().not_null())
                .col(ColumnDef::new(Tenants::LogoUrl).text().null())
                .col(
                    ColumnDef::new(Tenants::PrimaryColour)
                        .string_len(7)
                        .not_null(),
                )
                .col(ColumnDef::new(Tenants::FooterText).text().null())
                .col(ColumnDef::new(Tenants::IsDefault).boolean().not_null())
                .col(ColumnDef::new(Tenants::Active).boolean().not_null())
                .col(ts(Tenants::CreatedAt))
                .col(ts(Tenants::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TenantHosts::Table)
                .col(
                    ColumnDef::new(TenantHosts::Host)
                        .string_len(253)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(TenantHosts::TenantId).uuid().not_null())
                .col(ts(TenantHosts::CreatedAt))
                .foreign_key(&mut fk(
                    (TenantHosts::Table, TenantHosts::TenantId),
                    (Tenants::Table, Tenants::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("tenant_hosts_tenant")
                .table(TenantHosts::Table)
                .col(TenantHosts::TenantId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(uuid_pk(Users::Id))
                .col(ColumnDef::new(Users::TenantId).uuid().not_null())
                .col(ColumnDef::new(Users::Email).string_len(254).not_null())
                .col(ColumnDef::new(Users::Name).string_len(120).not_null())
                .col(ColumnDef::new(Users::PasswordHash).text().null())
                .col(ts_null(Users::EmailVerifiedAt))
                .col(ColumnDef::new(Users::Locale).string_len(8).null())
                .col(ColumnDef::new(Users::TimeZone).string_len(64).not_null())
                .col(ColumnDef::new(Users::IsPlatformAdmin).boolean().not_null())
                .col(ColumnDef::new(Users::IsTenantAdmin).boolean().not_null())
                .col(ColumnDef::new(Users::Active).boolean().not_null())
                .col(ts_null(Users::LastSignInAt))
                .col(ts(Users::CreatedAt))
                .col(ts(Users::UpdatedAt))
                .foreign_key(&mut fk(
                    (Users::Table, Users::TenantId),
                    (Tenants::Table, Tenants::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("users_tenant_email")
                .table(Users::Table)
                .col(Users::TenantId)
                .col(Users::Email)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("users_tenant_id")
                .table(Users::Table)
                .col(Users::TenantId)
                .col(Users::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(
                    ColumnDef::new(Sessions::Id)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Sessions::TenantId).uuid().not_null())
                .col(ColumnDef::new(Sessions::UserId).uuid().not_null())
                .col(ColumnDef::new(Sessions::Ip).string_len(64).null())
                .col(ColumnDef::new(Sessions::UserAgent).string_len(400).null())
                .col(ts(Sessions::CreatedAt))
                .col(ts(Sessions::LastSeenAt))
                .col(ts(Sessions::ExpiresAt))
                .foreign_key(&mut fk(
                    (Sessions::Table, Sessions::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sessions_user")
                .table(Sessions::Table)
                .col(Sessions::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EmailTokens::Table)
                .col(
                    ColumnDef::new(EmailTokens::TokenHash)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(EmailTokens::TenantId).uuid().not_null())
                .col(ColumnDef::new(EmailTokens::UserId).uuid().null())
                .col(
                    ColumnDef::new(EmailTokens::Purpose)
                        .string_len(32)
                        .not_null(),
                )
                .col(ts(EmailTokens::ExpiresAt))
                .col(ts_null(EmailTokens::UsedAt))
                .col(ts(EmailTokens::CreatedAt))
                .foreign_key(&mut fk(
                    (EmailTokens::Table, EmailTokens::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("email_tokens_user")
                .table(EmailTokens::Table)
                .col(EmailTokens::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(uuid_pk(ApiTokens::Id))
                .col(ColumnDef::new(ApiTokens::TenantId).uuid().not_null())
                .col(ColumnDef::new(ApiTokens::UserId).uuid().not_null())
                .col(ColumnDef::new(ApiTokens::Name).string_len(100).not_null())
                .col(
                    ColumnDef::new(ApiTokens::TokenHash)
                        .string_len(64)
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(ApiTokens::Scopes).string_len(200).not_null())
                .col(ts_null(ApiTokens::ExpiresAt))
                .col(ts_null(ApiTokens::LastUsedAt))
                .col(ts_null(ApiTokens::RevokedAt))
                .col(ts(ApiTokens::CreatedAt))
                .foreign_key(&mut fk(
                    (ApiTokens::Table, ApiTokens::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("api_tokens_user")
                .table(ApiTokens::Table)
                .col(ApiTokens::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RateLimits::Table)
                .col(
                    ColumnDef::new(RateLimits::Bucket)
                        .string_len(200)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(RateLimits::WindowStart)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(RateLimits::Hits).integer().not_null())
                .primary_key(
                    Index::create()
                        .col(RateLimits::Bucket)
                        .col(RateLimits::WindowStart),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Jobs::Table)
                .col(uuid_pk(Jobs::Id))
                .col(ColumnDef::new(Jobs::TenantId).uuid().null())
                .col(ColumnDef::new(Jobs::Kind).string_len(64).not_null())
                .col(ColumnDef::new(Jobs::Payload).text().not_null())
                .col(ColumnDef::new(Jobs::Status).string_len(16).not_null())
                .col(ColumnDef::new(Jobs::Attempts).integer().not_null())
                .col(ColumnDef::new(Jobs::MaxAttempts).integer().not_null())
                .col(ts(Jobs::RunAt))
                .col(ts_null(Jobs::LockedUntil))
                .col(ColumnDef::new(Jobs::LastError).text().null())
                .col(ts(Jobs::CreatedAt))
                .col(ts(Jobs::UpdatedAt))
                .col(ts_null(Jobs::FinishedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("jobs_status_run_at")
                .table(Jobs::Table)
                .col(Jobs::Status)
                .col(Jobs::RunAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Settings::Table)
                .col(
                    ColumnDef::new(Settings::Key)
                        .string_len(100)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Settings::Value).text().not_null())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditEvents::Table)
                .col(uuid_pk(AuditEvents::Id))
                .col(ColumnDef::new(AuditEvents::TenantId).uuid().null())
                .col(ColumnDef::new(AuditEvents::ActorUserId).uuid().null())
                .col(
                    ColumnDef::new(AuditEvents::Action)
                        .string_len(64)
                        .not_null(),
                )
                .col(ColumnDef::new(AuditEvents::Target).text().null())
                .col(ColumnDef::new(AuditEvents::Ip).string_len(64).null())
                .col(ColumnDef::new(AuditEvents::Detail).text().not_null())
                .col(ts(AuditEvents::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_events_tenant_time")
                .table(AuditEvents::Table)
                .col(AuditEvents::TenantId)
                .col(AuditEvents::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditEvents::Table.into_iden(),
            Settings::Table.into_iden(),
            Jobs::Table.into_iden(),
            RateLimits::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            EmailTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
            TenantHosts::Table.into_iden(),
            Tenants::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
