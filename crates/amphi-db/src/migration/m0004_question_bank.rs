//! Question banks: the questions of a course, by category, stored as the core question model
//! (JSON), for quizzes to draw from.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Questions {
    Table,
    Id,
    TenantId,
    CourseId,
    Category,
    Title,
    Kind,
    Data,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Questions::Table)
                .col(
                    ColumnDef::new(Questions::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Questions::TenantId).uuid().not_null())
                .col(ColumnDef::new(Questions::CourseId).uuid().not_null())
                .col(
                    ColumnDef::new(Questions::Category)
                        .string_len(500)
                        .not_null(),
                )
                .col(ColumnDef::new(Questions::Title).string_len(300).not_null())
                .col(ColumnDef::new(Questions::Kind).string_len(24).not_null())
                .col(ColumnDef::new(Questions::Data).text().not_null())
                .col(
                    ColumnDef::new(Questions::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Questions::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Questions::Table, Questions::CourseId)
                        .to(Courses::Table, Courses::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("questions_course_category")
                .table(Questions::Table)
                .col(Questions::CourseId)
                .col(Questions::Category)
                .col(Questions::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Questions::Table).to_owned())
            .await
    }
}
