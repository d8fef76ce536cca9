//! Jobs other than mail have their own lane: an index of the due ones without mail, so that a
//! backlog of 200,000 announcement mails never holds back an import, a peer allocation or a
//! gradebook recompute (the worker claims those first).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A partial index: the same SQL on SQLite and PostgreSQL.
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX jobs_other_due ON jobs (status, run_at) WHERE kind <> 'mail.send'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX jobs_other_due")
            .await?;
        Ok(())
    }
}
