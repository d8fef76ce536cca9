//! An index (run_id, id) on `enrolments`, for the pages of a run's people in enrolment order
//! without a role filter (the course team's learners list, LTI memberships). Without it,
//! SQLite's planner took `enrolments_run_grade (run_id=?)` and then sorted the whole run in a
//! temporary B-tree for every page (381 ms for the first NRPS page of a 100,000-learner run in
//! the LTI benchmark); with it, a page walks the index in order from the keyset cursor.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Enrolments {
    Table,
    RunId,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("enrolments_run_id")
                .table(Enrolments::Table)
                .col(Enrolments::RunId)
                .col(Enrolments::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("enrolments_run_id")
                .table(Enrolments::Table)
                .to_owned(),
        )
        .await
    }
}
