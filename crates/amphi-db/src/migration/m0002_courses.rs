//! Courses, runs (editions), enrolments, invitations, vouchers, shop orders, modules, items,
//! per-learner item progress, announcements and stored files; catalog full-text search
//! (PostgreSQL tsvector index, SQLite FTS5 table kept by triggers).
//!
//! Longer than the house's ~800 lines on purpose: a migration is one step of the schema's
//! history, applied once under its name and never edited after it landed, so it stays whole.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Jobs {
    Table,
    ProgressDone,
    ProgressTotal,
    Result,
}

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
enum Courses {
    Table,
    Id,
    TenantId,
    Code,
    Title,
    Summary,
    Language,
    CoverUrl,
    Format,
    Visibility,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CourseRuns {
    Table,
    Id,
    TenantId,
    CourseId,
    Name,
    EnrolOpensAt,
    EnrolClosesAt,
    StartsAt,
    EndsAt,
    Policy,
    EnrolmentCode,
    Capacity,
    WaitingList,
    RestrictDomains,
    RestrictProvider,
    RestrictGroup,
    Published,
    Sequential,
    EnrolledCount,
    WaitingCount,
    ItemCount,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Enrolments {
    Table,
    Id,
    TenantId,
    RunId,
    UserId,
    Role,
    Status,
    CompletedCount,
    LastItemId,
    CompletedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    TenantId,
    RunId,
    Email,
    Role,
    CreatedBy,
    AcceptedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Vouchers {
    Table,
    CodeHash,
    TenantId,
    RunId,
    BatchId,
    UsedBy,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ShopOrders {
    Table,
    TenantId,
    OrderId,
    RunId,
    Email,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CourseModules {
    Table,
    Id,
    TenantId,
    RunId,
    Position,
    Title,
    AvailableFrom,
    Published,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CourseItems {
    Table,
    Id,
    TenantId,
    RunId,
    ModuleId,
    Position,
    Kind,
    Title,
    Body,
    Settings,
    Published,
    AvailableFrom,
    RequiresItemId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ItemProgress {
    Table,
    ItemId,
    UserId,
    TenantId,
    RunId,
    State,
    WatchedSeconds,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Announcements {
    Table,
    Id,
    TenantId,
    RunId,
    AuthorId,
    Title,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StoredFiles {
    Table,
    Id,
    TenantId,
    RunId,
    StorageKey,
    Filename,
    ContentType,
    Size,
    Sha256,
    CreatedBy,
    CreatedAt,
}

fn ts<T: IntoIden>(c: T) -> ColumnDef {
    let mut d = ColumnDef::new(c);
    d.timestamp_with_time_zone().not_null();
    d
}

fn ts_null<T: IntoIden>(c: T) -> ColumnDef {
    let mut d = ColumnDef::new(c);
    d.timestamp_with_time_zone().null();
    d
}

fn uuid<T: IntoIden>(c: T) -> ColumnDef {
    let mut d = ColumnDef::new(c);
    d.uuid().not_null();
    d
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

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(c);
    }
    if unique {
        i.unique();
    }
    m.create_index(i.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Courses::Table)
                .col(uuid(Courses::Id).primary_key())
                .col(uuid(Courses::TenantId))
                .col(ColumnDef::new(Courses::Code).string_len(40).not_null())
                .col(ColumnDef::new(Courses::Title).string_len(200).not_null())
                .col(ColumnDef::new(Courses::Summary).text().not_null())
                .col(ColumnDef::new(Courses::Language).string_len(8).not_null())
                .col(ColumnDef::new(Courses::CoverUrl).text().null())
                .col(ColumnDef::new(Courses::Format).string_len(8).not_null())
                .col(
                    ColumnDef::new(Courses::Visibility)
                        .string_len(10)
                        .not_null(),
                )
                .col(ts(Courses::CreatedAt))
                .col(ts(Courses::UpdatedAt))
                .foreign_key(&mut fk(
                    (Courses::Table, Courses::TenantId),
                    (Tenants::Table, Tenants::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "courses_tenant_code",
            Courses::Table,
            vec![Courses::TenantId.into_iden(), Courses::Code.into_iden()],
            true,
        )
        .await?;
        index(
            m,
            "courses_tenant_id",
            Courses::Table,
            vec![Courses::TenantId.into_iden(), Courses::Id.into_iden()],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CourseRuns::Table)
                .col(uuid(CourseRuns::Id).primary_key())
                .col(uuid(CourseRuns::TenantId))
                .col(uuid(CourseRuns::CourseId))
                .col(ColumnDef::new(CourseRuns::Name).string_len(200).not_null())
                .col(ts_null(CourseRuns::EnrolOpensAt))
                .col(ts_null(CourseRuns::EnrolClosesAt))
                .col(ts_null(CourseRuns::StartsAt))
                .col(ts_null(CourseRuns::EndsAt))
                .col(ColumnDef::new(CourseRuns::Policy).string_len(16).not_null())
                .col(
                    ColumnDef::new(CourseRuns::EnrolmentCode)
                        .string_len(64)
                        .null(),
                )
                .col(ColumnDef::new(CourseRuns::Capacity).big_integer().null())
                .col(ColumnDef::new(CourseRuns::WaitingList).boolean().not_null())
                .col(
                    ColumnDef::new(CourseRuns::RestrictDomains)
                        .text()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(CourseRuns::RestrictProvider)
                        .string_len(100)
                        .null(),
                )
                .col(
                    ColumnDef::new(CourseRuns::RestrictGroup)
                        .string_len(200)
                        .null(),
                )
                .col(ColumnDef::new(CourseRuns::Published).boolean().not_null())
                .col(ColumnDef::new(CourseRuns::Sequential).boolean().not_null())
                .col(
                    ColumnDef::new(CourseRuns::EnrolledCount)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(CourseRuns::WaitingCount)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(CourseRuns::ItemCount)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(CourseRuns::Version)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .col(ts(CourseRuns::CreatedAt))
                .col(ts(CourseRuns::UpdatedAt))
                .foreign_key(&mut fk(
                    (CourseRuns::Table, CourseRuns::CourseId),
                    (Courses::Table, Courses::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "course_runs_course",
            CourseRuns::Table,
            vec![
                CourseRuns::CourseId.into_iden(),
                CourseRuns::StartsAt.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            m,
            "course_runs_tenant",
            CourseRuns::Table,
            vec![CourseRuns::TenantId.into_iden(), CourseRuns::Id.into_iden()],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Enrolments::Table)
                .col(uuid(Enrolments::Id).primary_key())
                .col(uuid(Enrolments::TenantId))
                .col(uuid(Enrolments::RunId))
                .col(uuid(Enrolments::UserId))
                .col(ColumnDef::new(Enrolments::Role).string_len(24).not_null())
                .col(ColumnDef::new(Enrolments::Status).string_len(16).not_null())
                .col(
                    ColumnDef::new(Enrolments::CompletedCount)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Enrolments::LastItemId).uuid().null())
                .col(ts_null(Enrolments::CompletedAt))
                .col(ts(Enrolments::CreatedAt))
                .col(ts(Enrolments::UpdatedAt))
                .foreign_key(&mut fk(
                    (Enrolments::Table, Enrolments::RunId),
                    (CourseRuns::Table, CourseRuns::Id),
                ))
                .foreign_key(&mut fk(
                    (Enrolments::Table, Enrolments::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "enrolments_run_user",
            Enrolments::Table,
            vec![
                Enrolments::RunId.into_iden(),
                Enrolments::UserId.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            m,
            "enrolments_user",
            Enrolments::Table,
            vec![
                Enrolments::UserId.into_iden(),
                Enrolments::Status.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            m,
            "enrolments_run_role_id",
            Enrolments::Table,
            vec![
                Enrolments::RunId.into_iden(),
                Enrolments::Role.into_iden(),
                Enrolments::Id.into_iden(),
            ],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Invitations::Table)
                .col(uuid(Invitations::Id).primary_key())
                .col(uuid(Invitations::TenantId))
                .col(uuid(Invitations::RunId))
                .col(
                    ColumnDef::new(Invitations::Email)
                        .string_len(254)
                        .not_null(),
                )
                .col(ColumnDef::new(Invitations::Role).string_len(24).not_null())
                .col(ColumnDef::new(Invitations::CreatedBy).uuid().null())
                .col(ts_null(Invitations::AcceptedAt))
                .col(ts(Invitations::CreatedAt))
                .foreign_key(&mut fk(
                    (Invitations::Table, Invitations::RunId),
                    (CourseRuns::Table, CourseRuns::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "invitations_run_email",
            Invitations::Table,
            vec![
                Invitations::RunId.into_iden(),
                Invitations::Email.into_iden(),
            ],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Vouchers::Table)
                .col(
                    ColumnDef::new(Vouchers::CodeHash)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(uuid(Vouchers::TenantId))
                .col(uuid(Vouchers::RunId))
                .col(uuid(Vouchers::BatchId))
                .col(ColumnDef::new(Vouchers::UsedBy).uuid().null())
                .col(ts_null(Vouchers::UsedAt))
                .col(ts(Vouchers::CreatedAt))
                .foreign_key(&mut fk(
                    (Vouchers::Table, Vouchers::RunId),
                    (CourseRuns::Table, CourseRuns::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "vouchers_run_batch",
            Vouchers::Table,
            vec![Vouchers::RunId.into_iden(), Vouchers::BatchId.into_iden()],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ShopOrders::Table)
                .col(uuid(ShopOrders::TenantId))
                .col(
                    ColumnDef::new(ShopOrders::OrderId)
                        .string_len(100)
                        .not_null(),
                )
                .col(uuid(ShopOrders::RunId))
                .col(ColumnDef::new(ShopOrders::Email).string_len(254).not_null())
                .col(ColumnDef::new(ShopOrders::UserId).uuid().null())
                .col(ts(ShopOrders::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(ShopOrders::TenantId)
                        .col(ShopOrders::OrderId),
                )
                .foreign_key(&mut fk(
                    (ShopOrders::Table, ShopOrders::RunId),
                    (CourseRuns::Table, CourseRuns::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "shop_orders_run_email",
            ShopOrders::Table,
            vec![ShopOrders::RunId.into_iden(), ShopOrders::Email.into_iden()],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CourseModules::Table)
                .col(uuid(CourseModules::Id).primary_key())
                .col(uuid(CourseModules::TenantId))
                .col(uuid(CourseModules::RunId))
                .col(ColumnDef::new(CourseModules::Position).integer().not_null())
                .col(
                    ColumnDef::new(CourseModules::Title)
                        .string_len(200)
                        .not_null(),
                )
                .col(ts_null(CourseModules::AvailableFrom))
                .col(
                    ColumnDef::new(CourseModules::Published)
                        .boolean()
                        .not_null(),
                )
                .col(ts(CourseModules::CreatedAt))
                .col(ts(CourseModules::UpdatedAt))
                .foreign_key(&mut fk(
                    (CourseModules::Table, CourseModules::RunId),
                    (CourseRuns::Table, CourseRuns::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "course_modules_run",
            CourseModules::Table,
            vec![
                CourseModules::RunId.into_iden(),
                CourseModules::Position.into_iden(),
            ],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CourseItems::Table)
                .col(uuid(CourseItems::Id).primary_key())
                .col(uuid(CourseItems::TenantId))
                .col(uuid(CourseItems::RunId))
                .col(uuid(CourseItems::ModuleId))
                .col(ColumnDef::new(CourseItems::Position).integer().not_null())
                .col(ColumnDef::new(CourseItems::Kind).string_len(16).not_null())
                .col(
                    ColumnDef::new(CourseItems::Title)
                        .string_len(200)
                        .not_null(),
                )
                .col(ColumnDef::new(CourseItems::Body).text().not_null())
                .col(ColumnDef::new(CourseItems::Settings).text().not_null())
                .col(ColumnDef::new(CourseItems::Published).boolean().not_null())
                .col(ts_null(CourseItems::AvailableFrom))
                .col(ColumnDef::new(CourseItems::RequiresItemId).uuid().null())
                .col(ts(CourseItems::CreatedAt))
                .col(ts(CourseItems::UpdatedAt))
                .foreign_key(&mut fk(
                    (CourseItems::Table, CourseItems::ModuleId),
                    (CourseModules::Table, CourseModules::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "course_items_run",
            CourseItems::Table,
            vec![
                CourseItems::RunId.into_iden(),
                CourseItems::ModuleId.into_iden(),
                CourseItems::Position.into_iden(),
            ],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ItemProgress::Table)
                .col(uuid(ItemProgress::ItemId))
                .col(uuid(ItemProgress::UserId))
                .col(uuid(ItemProgress::TenantId))
                .col(uuid(ItemProgress::RunId))
                .col(
                    ColumnDef::new(ItemProgress::State)
                        .string_len(12)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ItemProgress::WatchedSeconds)
                        .big_integer()
                        .not_null(),
                )
                .col(ts(ItemProgress::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(ItemProgress::ItemId)
                        .col(ItemProgress::UserId),
                )
                .foreign_key(&mut fk(
                    (ItemProgress::Table, ItemProgress::ItemId),
                    (CourseItems::Table, CourseItems::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "item_progress_user_run",
            ItemProgress::Table,
            vec![
                ItemProgress::UserId.into_iden(),
                ItemProgress::RunId.into_iden(),
            ],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Announcements::Table)
                .col(uuid(Announcements::Id).primary_key())
                .col(uuid(Announcements::TenantId))
                .col(uuid(Announcements::RunId))
                .col(ColumnDef::new(Announcements::AuthorId).uuid().null())
                .col(
                    ColumnDef::new(Announcements::Title)
                        .string_len(200)
                        .not_null(),
                )
                .col(ColumnDef::new(Announcements::Body).text().not_null())
                .col(ts(Announcements::CreatedAt))
                .foreign_key(&mut fk(
                    (Announcements::Table, Announcements::RunId),
                    (CourseRuns::Table, CourseRuns::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "announcements_run",
            Announcements::Table,
            vec![
                Announcements::RunId.into_iden(),
                Announcements::Id.into_iden(),
            ],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(StoredFiles::Table)
                .col(uuid(StoredFiles::Id).primary_key())
                .col(uuid(StoredFiles::TenantId))
                .col(ColumnDef::new(StoredFiles::RunId).uuid().null())
                .col(
                    ColumnDef::new(StoredFiles::StorageKey)
                        .string_len(300)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(StoredFiles::Filename)
                        .string_len(255)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(StoredFiles::ContentType)
                        .string_len(100)
                        .not_null(),
                )
                .col(ColumnDef::new(StoredFiles::Size).big_integer().not_null())
                .col(
                    ColumnDef::new(StoredFiles::Sha256)
                        .string_len(64)
                        .not_null(),
                )
                .col(ColumnDef::new(StoredFiles::CreatedBy).uuid().null())
                .col(ts(StoredFiles::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "stored_files_run",
            StoredFiles::Table,
            vec![StoredFiles::RunId.into_iden()],
            false,
        )
        .await?;

        // Long jobs (imports, exports) report progress and a result the operator can read.
        for col in [
            ColumnDef::new(Jobs::ProgressDone)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(Jobs::ProgressTotal)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(Jobs::Result).text().null().to_owned(),
        ] {
            m.alter_table(Table::alter().table(Jobs::Table).add_column(col).to_owned())
                .await?;
        }

        // Catalog search: the one backend-specific piece of this migration.
        let db = m.get_connection();
        let stmts: &[&str] = match m.get_database_backend() {
            DbBackend::Postgres => &[
                "CREATE INDEX courses_search ON courses USING GIN (to_tsvector('simple', title || ' ' || summary))",
            ],
            _ => &[
                "CREATE VIRTUAL TABLE courses_fts USING fts5(course_id UNINDEXED, title, summary, tokenize = 'unicode61 remove_diacritics 2')",
                "CREATE TRIGGER courses_fts_insert AFTER INSERT ON courses BEGIN INSERT INTO courses_fts (course_id, title, summary) VALUES (new.id, new.title, new.summary); END",
                "CREATE TRIGGER courses_fts_update AFTER UPDATE OF title, summary ON courses BEGIN DELETE FROM courses_fts WHERE course_id = old.id; INSERT INTO courses_fts (course_id, title, summary) VALUES (new.id, new.title, new.summary); END",
                "CREATE TRIGGER courses_fts_delete AFTER DELETE ON courses BEGIN DELETE FROM courses_fts WHERE course_id = old.id; END",
            ],
        };
        for s in stmts {
            db.execute(Statement::from_string(
                m.get_database_backend(),
                (*s).to_owned(),
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DbBackend::Sqlite {
            for s in [
                "DROP TRIGGER IF EXISTS courses_fts_insert",
                "DROP TRIGGER IF EXISTS courses_fts_update",
                "DROP TRIGGER IF EXISTS courses_fts_delete",
                "DROP TABLE IF EXISTS courses_fts",
            ] {
                db.execute(Statement::from_string(DbBackend::Sqlite, s.to_owned()))
                    .await?;
            }
        }
        for col in [
            Jobs::ProgressDone.into_iden(),
            Jobs::ProgressTotal.into_iden(),
            Jobs::Result.into_iden(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        for t in [
            StoredFiles::Table.into_iden(),
            Announcements::Table.into_iden(),
            ItemProgress::Table.into_iden(),
            CourseItems::Table.into_iden(),
            CourseModules::Table.into_iden(),
            ShopOrders::Table.into_iden(),
            Vouchers::Table.into_iden(),
            Invitations::Table.into_iden(),
            Enrolments::Table.into_iden(),
            CourseRuns::Table.into_iden(),
            Courses::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
