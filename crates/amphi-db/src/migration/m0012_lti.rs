//! LTI 1.3 Advantage: the platform's signing keys per tenant (kept published for a day after a
//! rotation, so launches in flight still verify), the tools registered by a tenant and their
//! deployments, the line items tools keep in a run's gradebook (each one a gradebook column)
//! with the last score each learner got, the access tokens of the services, and the
//! single-use `jti` of the tools' client assertions.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum GradeItems {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum LtiKeys {
    Table,
    Id,
    TenantId,
    Kid,
    PrivateKey,
    PublicJwk,
    CreatedAt,
    RetiredAt,
}

#[derive(DeriveIden)]
enum LtiTools {
    Table,
    Id,
    TenantId,
    ClientId,
    Name,
    LoginUrl,
    RedirectUris,
    TargetLinkUri,
    DeepLinkUrl,
    JwksUrl,
    PublicKeyPem,
    Custom,
    Ags,
    Nrps,
    DeepLinking,
    SendName,
    SendEmail,
    SendPicture,
    Enabled,
    RegistrationHash,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LtiDeployments {
    Table,
    Id,
    TenantId,
    ToolId,
    DeploymentId,
    CourseId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LtiLineItems {
    Table,
    Id,
    TenantId,
    RunId,
    ToolId,
    GradeItemId,
    ItemId,
    ResourceId,
    Tag,
    StartAt,
    EndAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LtiScores {
    Table,
    LineItemId,
    UserId,
    TenantId,
    RunId,
    ScoreGiven,
    ScoreMaximum,
    ActivityProgress,
    GradingProgress,
    Comment,
    ScoredAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LtiTokens {
    Table,
    TokenHash,
    TenantId,
    ToolId,
    Scopes,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LtiReplay {
    Table,
    ToolId,
    Value,
    ExpiresAt,
}

fn ts(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn ts_null(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn id(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c).uuid().not_null().primary_key().to_owned()
}

fn uuid(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c).uuid().not_null().to_owned()
}

fn flag(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}

fn tenant_fk(
    table: impl IntoIden + 'static,
    col: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Tenants::Table, Tenants::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn tool_fk(
    table: impl IntoIden + 'static,
    col: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(LtiTools::Table, LtiTools::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LtiKeys::Table)
                .col(id(LtiKeys::Id))
                .col(uuid(LtiKeys::TenantId))
                .col(ColumnDef::new(LtiKeys::Kid).string_len(64).not_null())
                .col(ColumnDef::new(LtiKeys::PrivateKey).text().not_null())
                .col(ColumnDef::new(LtiKeys::PublicJwk).text().not_null())
                .col(ts(LtiKeys::CreatedAt))
                .col(ts_null(LtiKeys::RetiredAt))
                .foreign_key(&mut tenant_fk(LtiKeys::Table, LtiKeys::TenantId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lti_keys_kid")
                .table(LtiKeys::Table)
                .col(LtiKeys::Kid)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lti_keys_tenant")
                .table(LtiKeys::Table)
                .col(LtiKeys::TenantId)
                .col(LtiKeys::CreatedAt)
                .to_owned(),
        )
        .await?;

        let url = |c: LtiTools| ColumnDef::new(c).string_len(2000).not_null().to_owned();
        let url_null = |c: LtiTools| ColumnDef::new(c).string_len(2000).null().to_owned();
        m.create_table(
            Table::create()
                .table(LtiTools::Table)
                .col(id(LtiTools::Id))
                .col(uuid(LtiTools::TenantId))
                .col(ColumnDef::new(LtiTools::ClientId).string_len(64).not_null())
                .col(ColumnDef::new(LtiTools::Name).string_len(200).not_null())
                .col(url(LtiTools::LoginUrl))
                .col(ColumnDef::new(LtiTools::RedirectUris).text().not_null())
                .col(url(LtiTools::TargetLinkUri))
                .col(url_null(LtiTools::DeepLinkUrl))
                .col(url_null(LtiTools::JwksUrl))
                .col(ColumnDef::new(LtiTools::PublicKeyPem).text().null())
                .col(ColumnDef::new(LtiTools::Custom).text().not_null())
                .col(flag(LtiTools::Ags))
                .col(flag(LtiTools::Nrps))
                .col(flag(LtiTools::DeepLinking))
                .col(flag(LtiTools::SendName))
                .col(flag(LtiTools::SendEmail))
                .col(flag(LtiTools::SendPicture))
                .col(flag(LtiTools::Enabled))
                .col(
                    ColumnDef::new(LtiTools::RegistrationHash)
                        .string_len(64)
                        .null(),
                )
                .col(ts(LtiTools::CreatedAt))
                .col(ts(LtiTools::UpdatedAt))
                .foreign_key(&mut tenant_fk(LtiTools::Table, LtiTools::TenantId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lti_tools_client")
                .table(LtiTools::Table)
                .col(LtiTools::ClientId)
                .unique()
                .to_owned(),
        )
        .await?;
        // A dynamic registration token registers one tool.
        m.create_index(
            Index::create()
                .name("lti_tools_registration")
                .table(LtiTools::Table)
                .col(LtiTools::RegistrationHash)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lti_tools_tenant")
                .table(LtiTools::Table)
                .col(LtiTools::TenantId)
                .col(LtiTools::Name)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LtiDeployments::Table)
                .col(id(LtiDeployments::Id))
                .col(uuid(LtiDeployments::TenantId))
                .col(uuid(LtiDeployments::ToolId))
                .col(
                    ColumnDef::new(LtiDeployments::DeploymentId)
                        .string_len(64)
                        .not_null(),
                )
                .col(ColumnDef::new(LtiDeployments::CourseId).uuid().null())
                .col(ts(LtiDeployments::CreatedAt))
                .foreign_key(&mut tool_fk(LtiDeployments::Table, LtiDeployments::ToolId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lti_deployments_tool")
                .table(LtiDeployments::Table)
                .col(LtiDeployments::ToolId)
                .col(LtiDeployments::DeploymentId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LtiLineItems::Table)
                .col(id(LtiLineItems::Id))
                .col(uuid(LtiLineItems::TenantId))
                .col(uuid(LtiLineItems::RunId))
                .col(uuid(LtiLineItems::ToolId))
                .col(uuid(LtiLineItems::GradeItemId))
                .col(ColumnDef::new(LtiLineItems::ItemId).uuid().null())
                .col(
                    ColumnDef::new(LtiLineItems::ResourceId)
                        .string_len(256)
                        .null(),
                )
                .col(ColumnDef::new(LtiLineItems::Tag).string_len(256).null())
                .col(ts_null(LtiLineItems::StartAt))
                .col(ts_null(LtiLineItems::EndAt))
                .col(ts(LtiLineItems::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(LtiLineItems::Table, LtiLineItems::GradeItemId)
                        .to(GradeItems::Table, GradeItems::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                // A tool is disabled, never deleted while its grades exist.
                .foreign_key(
                    ForeignKey::create()
                        .from(LtiLineItems::Table, LtiLineItems::ToolId)
                        .to(LtiTools::Table, LtiTools::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lti_line_items_grade_item")
                .table(LtiLineItems::Table)
                .col(LtiLineItems::GradeItemId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lti_line_items_run_tool")
                .table(LtiLineItems::Table)
                .col(LtiLineItems::RunId)
                .col(LtiLineItems::ToolId)
                .col(LtiLineItems::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LtiScores::Table)
                .col(uuid(LtiScores::LineItemId))
                .col(uuid(LtiScores::UserId))
                .col(uuid(LtiScores::TenantId))
                .col(uuid(LtiScores::RunId))
                .col(ColumnDef::new(LtiScores::ScoreGiven).double().null())
                .col(ColumnDef::new(LtiScores::ScoreMaximum).double().null())
                .col(
                    ColumnDef::new(LtiScores::ActivityProgress)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(LtiScores::GradingProgress)
                        .string_len(16)
                        .not_null(),
                )
                .col(ColumnDef::new(LtiScores::Comment).text().null())
                .col(ts(LtiScores::ScoredAt))
                .col(ts(LtiScores::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(LtiScores::LineItemId)
                        .col(LtiScores::UserId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(LtiScores::Table, LtiScores::LineItemId)
                        .to(LtiLineItems::Table, LtiLineItems::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LtiTokens::Table)
                .col(
                    ColumnDef::new(LtiTokens::TokenHash)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(uuid(LtiTokens::TenantId))
                .col(uuid(LtiTokens::ToolId))
                .col(ColumnDef::new(LtiTokens::Scopes).text().not_null())
                .col(ts(LtiTokens::ExpiresAt))
                .foreign_key(&mut tool_fk(LtiTokens::Table, LtiTokens::ToolId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lti_tokens_expires")
                .table(LtiTokens::Table)
                .col(LtiTokens::ExpiresAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LtiReplay::Table)
                .col(uuid(LtiReplay::ToolId))
                .col(ColumnDef::new(LtiReplay::Value).string_len(64).not_null())
                .col(ts(LtiReplay::ExpiresAt))
                .primary_key(Index::create().col(LtiReplay::ToolId).col(LtiReplay::Value))
                .foreign_key(&mut tool_fk(LtiReplay::Table, LtiReplay::ToolId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lti_replay_expires")
                .table(LtiReplay::Table)
                .col(LtiReplay::ExpiresAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "lti_replay",
            "lti_tokens",
            "lti_scores",
            "lti_line_items",
            "lti_deployments",
            "lti_tools",
            "lti_keys",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
