//! Single sign-on, second part: which identity-provider login a session came from (the SAML
//! NameID and SessionIndex a single logout names, both ways), and what group rules granted
//! (tenant administration, places in runs), so that losing the group at the provider takes
//! back exactly what the rule gave and never what an administrator gave by hand.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
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
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    SsoProviderId,
    SsoNameId,
    SsoNameIdFormat,
    SsoSessionIndex,
}

#[derive(DeriveIden)]
enum SsoGrants {
    Table,
    ProviderId,
    UserId,
    Kind,
    Target,
    TenantId,
    RuleGroup,
    CreatedAt,
    RevokedAt,
}

fn ts<T: IntoIden>(c: T) -> ColumnDef {
    let mut d = ColumnDef::new(c);
    d.timestamp_with_time_zone().not_null();
    d
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for col in [
            ColumnDef::new(Sessions::SsoProviderId)
                .uuid()
                .null()
                .to_owned(),
            ColumnDef::new(Sessions::SsoNameId)
                .string_len(512)
                .null()
                .to_owned(),
            ColumnDef::new(Sessions::SsoNameIdFormat)
                .string_len(256)
                .null()
                .to_owned(),
            ColumnDef::new(Sessions::SsoSessionIndex)
                .string_len(256)
                .null()
                .to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("sessions_sso_name_id")
                .table(Sessions::Table)
                .col(Sessions::SsoProviderId)
                .col(Sessions::SsoNameId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SsoGrants::Table)
                .col(ColumnDef::new(SsoGrants::ProviderId).uuid().not_null())
                .col(ColumnDef::new(SsoGrants::UserId).uuid().not_null())
                // "tenant_admin" or "enrolment".
                .col(ColumnDef::new(SsoGrants::Kind).string_len(16).not_null())
                // The run id for an enrolment, empty for tenant administration.
                .col(ColumnDef::new(SsoGrants::Target).string_len(64).not_null())
                .col(ColumnDef::new(SsoGrants::TenantId).uuid().not_null())
                .col(
                    ColumnDef::new(SsoGrants::RuleGroup)
                        .string_len(256)
                        .not_null(),
                )
                .col(ts(SsoGrants::CreatedAt))
                .col(
                    ColumnDef::new(SsoGrants::RevokedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .primary_key(
                    Index::create()
                        .col(SsoGrants::ProviderId)
                        .col(SsoGrants::UserId)
                        .col(SsoGrants::Kind)
                        .col(SsoGrants::Target),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SsoGrants::Table, SsoGrants::TenantId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SsoGrants::Table, SsoGrants::ProviderId)
                        .to(IdentityProviders::Table, IdentityProviders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SsoGrants::Table, SsoGrants::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sso_grants_user")
                .table(SsoGrants::Table)
                .col(SsoGrants::UserId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SsoGrants::Table).to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("sessions_sso_name_id")
                .table(Sessions::Table)
                .to_owned(),
        )
        .await?;
        for col in [
            Sessions::SsoSessionIndex,
            Sessions::SsoNameIdFormat,
            Sessions::SsoNameId,
            Sessions::SsoProviderId,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
