//! Quizzes and the gradebook: quiz attempts (questions snapshotted at the start, answers saved
//! as the learner goes), grade items and categories per run, one grade per learner and item,
//! the course grade kept on the enrolment, and an append-only log of grade changes that later
//! integrations (webhooks, LTI grade passback) read.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CourseRuns {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CourseItems {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Enrolments {
    Table,
    RunId,
    GradePercent,
    GradePassed,
    GradeOverride,
}

#[derive(DeriveIden)]
enum QuizAttempts {
    Table,
    Id,
    TenantId,
    RunId,
    ItemId,
    UserId,
    Number,
    Seed,
    Status,
    StartedAt,
    DeadlineAt,
    SubmittedAt,
    Questions,
    Responses,
    SavedAt,
    Score,
    MaxScore,
    Pending,
    Results,
}

#[derive(DeriveIden)]
enum GradebookSettings {
    Table,
    RunId,
    TenantId,
    Categories,
    PassPercent,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GradeItems {
    Table,
    Id,
    TenantId,
    RunId,
    ItemId,
    Title,
    Category,
    MaxPoints,
    Weight,
    ExtraCredit,
    Position,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Grades {
    Table,
    GradeItemId,
    UserId,
    TenantId,
    RunId,
    Points,
    Excused,
    OverridePoints,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GradeEvents {
    Table,
    Id,
    TenantId,
    RunId,
    UserId,
    GradeItemId,
    Kind,
    Before,
    After,
    Passed,
    ActorId,
    At,
}

fn ts<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn ts_null<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(QuizAttempts::Table)
                .col(
                    ColumnDef::new(QuizAttempts::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(QuizAttempts::TenantId).uuid().not_null())
                .col(ColumnDef::new(QuizAttempts::RunId).uuid().not_null())
                .col(ColumnDef::new(QuizAttempts::ItemId).uuid().not_null())
                .col(ColumnDef::new(QuizAttempts::UserId).uuid().not_null())
                .col(ColumnDef::new(QuizAttempts::Number).integer().not_null())
                .col(ColumnDef::new(QuizAttempts::Seed).big_integer().not_null())
                .col(
                    ColumnDef::new(QuizAttempts::Status)
                        .string_len(16)
                        .not_null(),
                )
                .col(ts(QuizAttempts::StartedAt))
                .col(ts_null(QuizAttempts::DeadlineAt))
                .col(ts_null(QuizAttempts::SubmittedAt))
                .col(ColumnDef::new(QuizAttempts::Questions).text().not_null())
                .col(ColumnDef::new(QuizAttempts::Responses).text().not_null())
                .col(ts_null(QuizAttempts::SavedAt))
                .col(ColumnDef::new(QuizAttempts::Score).double().null())
                .col(ColumnDef::new(QuizAttempts::MaxScore).double().not_null())
                .col(
                    ColumnDef::new(QuizAttempts::Pending)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(ColumnDef::new(QuizAttempts::Results).text().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(QuizAttempts::Table, QuizAttempts::ItemId)
                        .to(CourseItems::Table, CourseItems::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("quiz_attempts_learner")
                .table(QuizAttempts::Table)
                .col(QuizAttempts::ItemId)
                .col(QuizAttempts::UserId)
                .col(QuizAttempts::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("quiz_attempts_open_deadline")
                .table(QuizAttempts::Table)
                .col(QuizAttempts::Status)
                .col(QuizAttempts::DeadlineAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("quiz_attempts_pending")
                .table(QuizAttempts::Table)
                .col(QuizAttempts::ItemId)
                .col(QuizAttempts::Pending)
                .col(QuizAttempts::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(GradebookSettings::Table)
                .col(
                    ColumnDef::new(GradebookSettings::RunId)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(GradebookSettings::TenantId)
                        .uuid()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(GradebookSettings::Categories)
                        .text()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(GradebookSettings::PassPercent)
                        .double()
                        .not_null(),
                )
                .col(ts(GradebookSettings::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(GradebookSettings::Table, GradebookSettings::RunId)
                        .to(CourseRuns::Table, CourseRuns::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(GradeItems::Table)
                .col(
                    ColumnDef::new(GradeItems::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(GradeItems::TenantId).uuid().not_null())
                .col(ColumnDef::new(GradeItems::RunId).uuid().not_null())
                .col(ColumnDef::new(GradeItems::ItemId).uuid().null())
                .col(ColumnDef::new(GradeItems::Title).string_len(300).not_null())
                .col(
                    ColumnDef::new(GradeItems::Category)
                        .string_len(64)
                        .not_null(),
                )
                .col(ColumnDef::new(GradeItems::MaxPoints).double().not_null())
                .col(ColumnDef::new(GradeItems::Weight).double().not_null())
                .col(
                    ColumnDef::new(GradeItems::ExtraCredit)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(ColumnDef::new(GradeItems::Position).integer().not_null())
                .col(ts(GradeItems::CreatedAt))
                .col(ts(GradeItems::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(GradeItems::Table, GradeItems::RunId)
                        .to(CourseRuns::Table, CourseRuns::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("grade_items_run")
                .table(GradeItems::Table)
                .col(GradeItems::RunId)
                .col(GradeItems::Position)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("grade_items_item")
                .table(GradeItems::Table)
                .col(GradeItems::ItemId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Grades::Table)
                .col(ColumnDef::new(Grades::GradeItemId).uuid().not_null())
                .col(ColumnDef::new(Grades::UserId).uuid().not_null())
                .col(ColumnDef::new(Grades::TenantId).uuid().not_null())
                .col(ColumnDef::new(Grades::RunId).uuid().not_null())
                .col(ColumnDef::new(Grades::Points).double().null())
                .col(
                    ColumnDef::new(Grades::Excused)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(ColumnDef::new(Grades::OverridePoints).double().null())
                .col(ts(Grades::UpdatedAt))
                .primary_key(Index::create().col(Grades::GradeItemId).col(Grades::UserId))
                .foreign_key(
                    ForeignKey::create()
                        .from(Grades::Table, Grades::GradeItemId)
                        .to(GradeItems::Table, GradeItems::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("grades_learner")
                .table(Grades::Table)
                .col(Grades::RunId)
                .col(Grades::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(GradeEvents::Table)
                .col(
                    ColumnDef::new(GradeEvents::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(GradeEvents::TenantId).uuid().not_null())
                .col(ColumnDef::new(GradeEvents::RunId).uuid().not_null())
                .col(ColumnDef::new(GradeEvents::UserId).uuid().not_null())
                .col(ColumnDef::new(GradeEvents::GradeItemId).uuid().null())
                .col(ColumnDef::new(GradeEvents::Kind).string_len(32).not_null())
                .col(ColumnDef::new(GradeEvents::Before).double().null())
                .col(ColumnDef::new(GradeEvents::After).double().null())
                .col(ColumnDef::new(GradeEvents::Passed).boolean().null())
                .col(ColumnDef::new(GradeEvents::ActorId).uuid().null())
                .col(ts(GradeEvents::At))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("grade_events_tenant")
                .table(GradeEvents::Table)
                .col(GradeEvents::TenantId)
                .col(GradeEvents::Id)
                .to_owned(),
        )
        .await?;

        // The course grade lives on the enrolment: the gradebook pages through enrolments
        // like the learners view does, with no join, and filters on pass/fail.
        for col in [
            ColumnDef::new(Enrolments::GradePercent)
                .double()
                .null()
                .to_owned(),
            ColumnDef::new(Enrolments::GradePassed)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
            ColumnDef::new(Enrolments::GradeOverride)
                .double()
                .null()
                .to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Enrolments::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("enrolments_run_grade")
                .table(Enrolments::Table)
                .col(Enrolments::RunId)
                .col(Enrolments::GradePercent)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("enrolments_run_grade")
                .table(Enrolments::Table)
                .to_owned(),
        )
        .await?;
        for col in [
            Enrolments::GradeOverride,
            Enrolments::GradePassed,
            Enrolments::GradePercent,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Enrolments::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        for t in [
            GradeEvents::Table.into_iden(),
            Grades::Table.into_iden(),
            GradeItems::Table.into_iden(),
            GradebookSettings::Table.into_iden(),
            QuizAttempts::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
