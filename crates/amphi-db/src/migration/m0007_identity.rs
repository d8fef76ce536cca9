//! Single sign-on: identity providers per tenant (LDAP, SAML, OIDC, partner hand-off), the
//! external identities linked to accounts by (provider, subject), one-time values remembered
//! until they expire (partner `jti`, SAML assertion ids), short-lived login states (OIDC state,
//! nonce and PKCE verifier; SAML request ids; pending account links), and the tenant rule that
//! hides local passwords.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    HideLocalPasswords,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum IdentityProviders {
    Table,
    Id,
    TenantId,
    Kind,
    Slug,
    DisplayName,
    Enabled,
    Position,
    Config,
    AttributeMapping,
    Jit,
    GroupRules,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ExternalIdentities {
    Table,
    Id,
    TenantId,
    ProviderId,
    Subject,
    UserId,
    Email,
    Groups,
    CreatedAt,
    LastSignInAt,
}

#[derive(DeriveIden)]
enum SsoReplay {
    Table,
    ProviderId,
    Kind,
    Value,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum SsoLoginStates {
    Table,
    IdHash,
    TenantId,
    ProviderId,
    Kind,
    Data,
    ExpiresAt,
    CreatedAt,
}

fn ts(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Tenants::Table)
                .add_column(
                    ColumnDef::new(Tenants::HideLocalPasswords)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IdentityProviders::Table)
                .col(
                    ColumnDef::new(IdentityProviders::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(IdentityProviders::TenantId)
                        .uuid()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(IdentityProviders::Kind)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(IdentityProviders::Slug)
                        .string_len(64)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(IdentityProviders::DisplayName)
                        .string_len(200)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(IdentityProviders::Enabled)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(
                    ColumnDef::new(IdentityProviders::Position)
                        .integer()
                        .not_null()
                        .default(0),
                )
                // JSON; secrets inside are sealed with the platform secret.
                .col(ColumnDef::new(IdentityProviders::Config).text().not_null())
                .col(
                    ColumnDef::new(IdentityProviders::AttributeMapping)
                        .text()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(IdentityProviders::Jit)
                        .boolean()
                        .not_null()
                        .default(true),
                )
                .col(
                    ColumnDef::new(IdentityProviders::GroupRules)
                        .text()
                        .not_null(),
                )
                .col(ts(IdentityProviders::CreatedAt))
                .col(ts(IdentityProviders::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(IdentityProviders::Table, IdentityProviders::TenantId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("identity_providers_tenant_slug")
                .table(IdentityProviders::Table)
                .col(IdentityProviders::TenantId)
                .col(IdentityProviders::Slug)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ExternalIdentities::Table)
                .col(
                    ColumnDef::new(ExternalIdentities::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ExternalIdentities::TenantId)
                        .uuid()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ExternalIdentities::ProviderId)
                        .uuid()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ExternalIdentities::Subject)
                        .string_len(512)
                        .not_null(),
                )
                .col(ColumnDef::new(ExternalIdentities::UserId).uuid().not_null())
                .col(
                    ColumnDef::new(ExternalIdentities::Email)
                        .string_len(254)
                        .null(),
                )
                // JSON array: the groups the person brought at their last sign-in.
                .col(ColumnDef::new(ExternalIdentities::Groups).text().not_null())
                .col(ts(ExternalIdentities::CreatedAt))
                .col(ts(ExternalIdentities::LastSignInAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ExternalIdentities::Table, ExternalIdentities::ProviderId)
                        .to(IdentityProviders::Table, IdentityProviders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ExternalIdentities::Table, ExternalIdentities::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("external_identities_provider_subject")
                .table(ExternalIdentities::Table)
                .col(ExternalIdentities::ProviderId)
                .col(ExternalIdentities::Subject)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("external_identities_user")
                .table(ExternalIdentities::Table)
                .col(ExternalIdentities::UserId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SsoReplay::Table)
                .col(ColumnDef::new(SsoReplay::ProviderId).uuid().not_null())
                .col(ColumnDef::new(SsoReplay::Kind).string_len(16).not_null())
                .col(ColumnDef::new(SsoReplay::Value).string_len(64).not_null())
                .col(ts(SsoReplay::ExpiresAt))
                .primary_key(
                    Index::create()
                        .col(SsoReplay::ProviderId)
                        .col(SsoReplay::Kind)
                        .col(SsoReplay::Value),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SsoReplay::Table, SsoReplay::ProviderId)
                        .to(IdentityProviders::Table, IdentityProviders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sso_replay_expires")
                .table(SsoReplay::Table)
                .col(SsoReplay::ExpiresAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SsoLoginStates::Table)
                .col(
                    ColumnDef::new(SsoLoginStates::IdHash)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(SsoLoginStates::TenantId).uuid().not_null())
                .col(ColumnDef::new(SsoLoginStates::ProviderId).uuid().not_null())
                .col(
                    ColumnDef::new(SsoLoginStates::Kind)
                        .string_len(16)
                        .not_null(),
                )
                // JSON, secrets in it sealed (nonce, PKCE verifier).
                .col(ColumnDef::new(SsoLoginStates::Data).text().not_null())
                .col(ts(SsoLoginStates::ExpiresAt))
                .col(ts(SsoLoginStates::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(SsoLoginStates::Table, SsoLoginStates::ProviderId)
                        .to(IdentityProviders::Table, IdentityProviders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sso_login_states_expires")
                .table(SsoLoginStates::Table)
                .col(SsoLoginStates::ExpiresAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            SsoLoginStates::Table.into_iden(),
            SsoReplay::Table.into_iden(),
            ExternalIdentities::Table.into_iden(),
            IdentityProviders::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Tenants::Table)
                .drop_column(Tenants::HideLocalPasswords)
                .to_owned(),
        )
        .await
    }
}
