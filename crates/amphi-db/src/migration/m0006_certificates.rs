//! Certificates: the tenant's certificate template (colour, logo, signatures, whether grades
//! are printed), per-run settings (issued or not, minimum completion, grade shown), and the
//! certificates themselves with their public verification code.
//!
//! At most one valid (pending or issued) certificate per learner and run: a partial unique
//! index, the same SQL on SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CourseRuns {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CertificateTemplates {
    Table,
    TenantId,
    Colour,
    ShowGrade,
    LogoKey,
    LogoFormat,
    Signatures,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CertificateRunSettings {
    Table,
    RunId,
    TenantId,
    Enabled,
    MinCompletionPercent,
    ShowGrade,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    Id,
    TenantId,
    RunId,
    UserId,
    Code,
    Status,
    GradePercent,
    ShowGrade,
    Language,
    LearnerName,
    CourseTitle,
    RunName,
    PdfKey,
    IssuedAt,
    RevokedAt,
    RevokedBy,
    RevokeReason,
    ReplacedBy,
    CreatedAt,
    UpdatedAt,
}

fn fk(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn ts(c: impl IntoIden) -> ColumnDef {
    let mut d = ColumnDef::new(c);
    d.timestamp_with_time_zone().not_null();
    d
}

fn ts_null(c: impl IntoIden) -> ColumnDef {
    let mut d = ColumnDef::new(c);
    d.timestamp_with_time_zone().null();
    d
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CertificateTemplates::Table)
                .col(
                    ColumnDef::new(CertificateTemplates::TenantId)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(CertificateTemplates::Colour)
                        .string_len(7)
                        .null(),
                )
                .col(
                    ColumnDef::new(CertificateTemplates::ShowGrade)
                        .boolean()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(CertificateTemplates::LogoKey)
                        .string_len(300)
                        .null(),
                )
                .col(
                    ColumnDef::new(CertificateTemplates::LogoFormat)
                        .string_len(8)
                        .null(),
                )
                // JSON: [{name, title, image_key, image_format}], at most two.
                .col(
                    ColumnDef::new(CertificateTemplates::Signatures)
                        .text()
                        .not_null(),
                )
                .col(ts(CertificateTemplates::UpdatedAt))
                .foreign_key(&mut fk(
                    (CertificateTemplates::Table, CertificateTemplates::TenantId),
                    (Tenants::Table, Tenants::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CertificateRunSettings::Table)
                .col(
                    ColumnDef::new(CertificateRunSettings::RunId)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(CertificateRunSettings::TenantId)
                        .uuid()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(CertificateRunSettings::Enabled)
                        .boolean()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(CertificateRunSettings::MinCompletionPercent)
                        .integer()
                        .not_null(),
                )
                // NULL: the tenant template decides.
                .col(
                    ColumnDef::new(CertificateRunSettings::ShowGrade)
                        .boolean()
                        .null(),
                )
                .col(ts(CertificateRunSettings::UpdatedAt))
                .foreign_key(&mut fk(
                    (CertificateRunSettings::Table, CertificateRunSettings::RunId),
                    (CourseRuns::Table, CourseRuns::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Certificates::Table)
                .col(
                    ColumnDef::new(Certificates::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Certificates::TenantId).uuid().not_null())
                .col(ColumnDef::new(Certificates::RunId).uuid().not_null())
                .col(ColumnDef::new(Certificates::UserId).uuid().not_null())
                .col(ColumnDef::new(Certificates::Code).string_len(16).not_null())
                .col(
                    ColumnDef::new(Certificates::Status)
                        .string_len(10)
                        .not_null(),
                )
                .col(ColumnDef::new(Certificates::GradePercent).double().null())
                .col(ColumnDef::new(Certificates::ShowGrade).boolean().not_null())
                .col(
                    ColumnDef::new(Certificates::Language)
                        .string_len(5)
                        .not_null(),
                )
                // What the certificate says, as it was when it was issued.
                .col(
                    ColumnDef::new(Certificates::LearnerName)
                        .string_len(200)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Certificates::CourseTitle)
                        .string_len(300)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Certificates::RunName)
                        .string_len(300)
                        .not_null(),
                )
                .col(ColumnDef::new(Certificates::PdfKey).string_len(300).null())
                .col(ts_null(Certificates::IssuedAt))
                .col(ts_null(Certificates::RevokedAt))
                .col(ColumnDef::new(Certificates::RevokedBy).uuid().null())
                .col(
                    ColumnDef::new(Certificates::RevokeReason)
                        .string_len(500)
                        .null(),
                )
                .col(ColumnDef::new(Certificates::ReplacedBy).uuid().null())
                .col(ts(Certificates::CreatedAt))
                .col(ts(Certificates::UpdatedAt))
                .foreign_key(&mut fk(
                    (Certificates::Table, Certificates::RunId),
                    (CourseRuns::Table, CourseRuns::Id),
                ))
                .foreign_key(&mut fk(
                    (Certificates::Table, Certificates::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("certificates_code")
                .table(Certificates::Table)
                .col(Certificates::Code)
                .unique()
                .to_owned(),
        )
        .await?;
        // The instructor's list (keyset on id within a run) and a learner's lookup in a run.
        m.create_index(
            Index::create()
                .name("certificates_run_user")
                .table(Certificates::Table)
                .col(Certificates::RunId)
                .col(Certificates::UserId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("certificates_run_id")
                .table(Certificates::Table)
                .col(Certificates::RunId)
                .col(Certificates::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("certificates_user")
                .table(Certificates::Table)
                .col(Certificates::UserId)
                .col(Certificates::Id)
                .to_owned(),
        )
        .await?;
        // One valid certificate per learner and run; revoked ones stay beside it.
        m.get_connection()
            .execute(Statement::from_string(
                m.get_database_backend(),
                "CREATE UNIQUE INDEX certificates_one_valid ON certificates (run_id, user_id) \
                 WHERE status IN ('pending', 'issued')"
                    .to_owned(),
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Certificates::Table).to_owned())
            .await?;
        m.drop_table(
            Table::drop()
                .table(CertificateRunSettings::Table)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(CertificateTemplates::Table).to_owned())
            .await
    }
}
