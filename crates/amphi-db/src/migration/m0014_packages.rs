//! Packaged content (SCORM 1.2, SCORM 2004, cmi5): the packages uploaded for a course item
//! (each upload a new version; the files live in the object store under the package's id),
//! each learner's attempts at one, and the run-time data of every SCO of an attempt with the
//! revision that keeps two tabs from overwriting each other.

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
enum Packages {
    Table,
    Id,
    TenantId,
    RunId,
    ItemId,
    Version,
    Standard,
    Title,
    Filename,
    Structure,
    FileCount,
    TotalBytes,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PackageAttempts {
    Table,
    Id,
    TenantId,
    RunId,
    ItemId,
    UserId,
    PackageId,
    Number,
    Completion,
    Success,
    ScoreScaled,
    Seconds,
    SequencingState,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PackageScos {
    Table,
    AttemptId,
    Sco,
    TenantId,
    Revision,
    Cmi,
    Completion,
    Success,
    ScoreScaled,
    ScoreRaw,
    ScoreMin,
    ScoreMax,
    BaseSeconds,
    SessionSeconds,
    UpdatedAt,
}

fn ts(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}
fn uuid(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c).uuid().not_null().to_owned()
}
fn status(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c).string_len(16).not_null().to_owned()
}
fn score(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c).double().null().to_owned()
}
fn big(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .big_integer()
        .not_null()
        .default(0)
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Packages::Table)
                .col(ColumnDef::new(Packages::Id).uuid().not_null().primary_key())
                .col(uuid(Packages::TenantId))
                .col(uuid(Packages::RunId))
                .col(uuid(Packages::ItemId))
                .col(ColumnDef::new(Packages::Version).integer().not_null())
                .col(ColumnDef::new(Packages::Standard).string_len(16).not_null())
                .col(ColumnDef::new(Packages::Title).string_len(500).not_null())
                .col(
                    ColumnDef::new(Packages::Filename)
                        .string_len(300)
                        .not_null(),
                )
                .col(ColumnDef::new(Packages::Structure).text().not_null())
                .col(ColumnDef::new(Packages::FileCount).integer().not_null())
                .col(big(Packages::TotalBytes))
                .col(uuid(Packages::CreatedBy))
                .col(ts(Packages::CreatedAt))
                .foreign_key(&mut tenant_fk(Packages::Table, Packages::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(Packages::Table, Packages::ItemId)
                        .to(CourseItems::Table, CourseItems::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("packages_item_version")
                .table(Packages::Table)
                .col(Packages::ItemId)
                .col(Packages::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PackageAttempts::Table)
                .col(
                    ColumnDef::new(PackageAttempts::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(uuid(PackageAttempts::TenantId))
                .col(uuid(PackageAttempts::RunId))
                .col(uuid(PackageAttempts::ItemId))
                .col(uuid(PackageAttempts::UserId))
                .col(uuid(PackageAttempts::PackageId))
                .col(ColumnDef::new(PackageAttempts::Number).integer().not_null())
                .col(status(PackageAttempts::Completion))
                .col(status(PackageAttempts::Success))
                .col(score(PackageAttempts::ScoreScaled))
                .col(big(PackageAttempts::Seconds))
                .col(
                    ColumnDef::new(PackageAttempts::SequencingState)
                        .text()
                        .null(),
                )
                .col(ts(PackageAttempts::CreatedAt))
                .col(ts(PackageAttempts::UpdatedAt))
                .foreign_key(&mut tenant_fk(
                    PackageAttempts::Table,
                    PackageAttempts::TenantId,
                ))
                .foreign_key(
                    ForeignKey::create()
                        .from(PackageAttempts::Table, PackageAttempts::PackageId)
                        .to(Packages::Table, Packages::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("package_attempts_learner")
                .table(PackageAttempts::Table)
                .col(PackageAttempts::ItemId)
                .col(PackageAttempts::UserId)
                .col(PackageAttempts::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("package_attempts_item")
                .table(PackageAttempts::Table)
                .col(PackageAttempts::ItemId)
                .col(PackageAttempts::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PackageScos::Table)
                .col(uuid(PackageScos::AttemptId))
                .col(ColumnDef::new(PackageScos::Sco).string_len(255).not_null())
                .col(uuid(PackageScos::TenantId))
                .col(big(PackageScos::Revision))
                .col(ColumnDef::new(PackageScos::Cmi).text().not_null())
                .col(status(PackageScos::Completion))
                .col(status(PackageScos::Success))
                .col(score(PackageScos::ScoreScaled))
                .col(score(PackageScos::ScoreRaw))
                .col(score(PackageScos::ScoreMin))
                .col(score(PackageScos::ScoreMax))
                .col(big(PackageScos::BaseSeconds))
                .col(big(PackageScos::SessionSeconds))
                .col(ts(PackageScos::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(PackageScos::AttemptId)
                        .col(PackageScos::Sco),
                )
                .foreign_key(&mut tenant_fk(PackageScos::Table, PackageScos::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(PackageScos::Table, PackageScos::AttemptId)
                        .to(PackageAttempts::Table, PackageAttempts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["package_scos", "package_attempts", "packages"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
