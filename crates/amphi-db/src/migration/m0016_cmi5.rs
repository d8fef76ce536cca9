//! cmi5 launches: one row per AU session (the launch of one assignable unit for one
//! registration), with the state the LMS keeps to apply cmi5's rules to what the AU sends
//! (initialized first, terminated last, nothing after an abandon) and the one-time fetch of its
//! authorization token; and the session an LRS token was handed out for.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CourseItems {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Cmi5Sessions {
    Table,
    Id,
    TenantId,
    Registration,
    AttemptId,
    ItemId,
    UserId,
    PackageId,
    Au,
    LaunchMode,
    State,
    Revision,
    Fetched,
    LaunchedAt,
    LastAt,
    EndedAt,
}

#[derive(DeriveIden)]
enum XapiTokens {
    Table,
    SessionId,
}

fn uuid(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c).uuid().not_null().to_owned()
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
        m.create_table(
            Table::create()
                .table(Cmi5Sessions::Table)
                .col(
                    ColumnDef::new(Cmi5Sessions::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(uuid(Cmi5Sessions::TenantId))
                .col(uuid(Cmi5Sessions::Registration))
                .col(ColumnDef::new(Cmi5Sessions::AttemptId).uuid().null())
                .col(uuid(Cmi5Sessions::ItemId))
                .col(uuid(Cmi5Sessions::UserId))
                .col(uuid(Cmi5Sessions::PackageId))
                .col(ColumnDef::new(Cmi5Sessions::Au).text().not_null())
                .col(
                    ColumnDef::new(Cmi5Sessions::LaunchMode)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Cmi5Sessions::State)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Cmi5Sessions::Revision)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .col(
                    ColumnDef::new(Cmi5Sessions::Fetched)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(ts(Cmi5Sessions::LaunchedAt))
                .col(ts(Cmi5Sessions::LastAt))
                .col(
                    ColumnDef::new(Cmi5Sessions::EndedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Cmi5Sessions::Table, Cmi5Sessions::TenantId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Cmi5Sessions::Table, Cmi5Sessions::ItemId)
                        .to(CourseItems::Table, CourseItems::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("cmi5_sessions_registration")
                .table(Cmi5Sessions::Table)
                .col(Cmi5Sessions::TenantId)
                .col(Cmi5Sessions::Registration)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(XapiTokens::Table)
                .add_column(ColumnDef::new(XapiTokens::SessionId).uuid().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(XapiTokens::Table)
                .drop_column(XapiTokens::SessionId)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Cmi5Sessions::Table).to_owned())
            .await
    }
}
