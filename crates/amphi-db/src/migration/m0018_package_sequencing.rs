//! The revision of an attempt's SCORM 2004 sequencing state (`package_attempts.sequencing_state`,
//! the player's activity tree as scorm-again serialises it): each save names the revision it
//! read, so that a second tab cannot overwrite the state silently, as with SCO commits.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PackageAttempts {
    Table,
    SequencingRevision,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PackageAttempts::Table)
                    .add_column(
                        ColumnDef::new(PackageAttempts::SequencingRevision)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PackageAttempts::Table)
                    .drop_column(PackageAttempts::SequencingRevision)
                    .to_owned(),
            )
            .await
    }
}
