//! One index fewer on `peer_assignments`. A peer allocation of 100,000 submissions inserts
//! 300,000 rows, and every secondary index costs each of them a B-tree insert at a random
//! place; `peer_assignments_reviewer_item` (reviewer, item, completed_at) duplicated the lead
//! column of the unique `peer_assignments_reviewer_submission` (reviewer, submission). A
//! reviewer's assignments in one item ("my reviews to do") are now found through the unique
//! index's reviewer prefix: a learner has a handful of assignments in all, so the item is
//! filtered among those few rows.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX peer_assignments_reviewer_item")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX peer_assignments_reviewer_item \
                 ON peer_assignments (reviewer_id, item_id, completed_at)",
            )
            .await?;
        Ok(())
    }
}
