//! Assignments and peer assessment: learners' submissions to `assignment` and `peer` items
//! (text, files, versions, late days, the final grade and how it was made), peer-review
//! assignments, reviews with their rubric choices, flags on unfair reviews, and the course
//! team's grade overrides (kept as a trail; the newest wins).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CourseItems {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StoredFiles {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    Id,
    TenantId,
    RunId,
    ItemId,
    UserId,
    Body,
    Draft,
    Status,
    Version,
    SubmittedAt,
    LateDays,
    ExtraReviews,
    NeedsStaff,
    RubricChoices,
    RawPoints,
    Penalty,
    Points,
    MaxPoints,
    Feedback,
    GradeSource,
    GradedBy,
    GradedAt,
    OverridePoints,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SubmissionFiles {
    Table,
    SubmissionId,
    FileId,
    TenantId,
    Position,
}

#[derive(DeriveIden)]
enum PeerAssignments {
    Table,
    Id,
    TenantId,
    ItemId,
    SubmissionId,
    ReviewerId,
    AssignedAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum PeerReviews {
    Table,
    Id,
    TenantId,
    ItemId,
    SubmissionId,
    ReviewerId,
    Choices,
    Score,
    Comment,
    IsSelf,
    Excluded,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReviewFlags {
    Table,
    Id,
    TenantId,
    ItemId,
    ReviewId,
    FlaggedBy,
    Reason,
    Status,
    Resolution,
    ResolvedBy,
    ResolvedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GradeOverrides {
    Table,
    Id,
    TenantId,
    SubmissionId,
    Points,
    Reason,
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
        use Submissions as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(uuid(S::Id).primary_key())
                .col(uuid(S::TenantId))
                .col(uuid(S::RunId))
                .col(uuid(S::ItemId))
                .col(uuid(S::UserId))
                .col(ColumnDef::new(S::Body).text().not_null())
                .col(ColumnDef::new(S::Draft).text().null())
                .col(ColumnDef::new(S::Status).string_len(16).not_null())
                .col(ColumnDef::new(S::Version).integer().not_null())
                .col(ts_null(S::SubmittedAt))
                .col(ColumnDef::new(S::LateDays).integer().not_null())
                .col(ColumnDef::new(S::ExtraReviews).integer().not_null())
                .col(ColumnDef::new(S::NeedsStaff).boolean().not_null())
                .col(ColumnDef::new(S::RubricChoices).text().null())
                .col(ColumnDef::new(S::RawPoints).double().null())
                .col(ColumnDef::new(S::Penalty).double().not_null())
                .col(ColumnDef::new(S::Points).double().null())
                .col(ColumnDef::new(S::MaxPoints).double().not_null())
                .col(ColumnDef::new(S::Feedback).text().null())
                .col(ColumnDef::new(S::GradeSource).string_len(16).null())
                .col(ColumnDef::new(S::GradedBy).uuid().null())
                .col(ts_null(S::GradedAt))
                .col(ColumnDef::new(S::OverridePoints).double().null())
                .col(ts(S::CreatedAt))
                .col(ts(S::UpdatedAt))
                .foreign_key(&mut fk(
                    (S::Table, S::ItemId),
                    (CourseItems::Table, CourseItems::Id),
                ))
                .foreign_key(&mut fk((S::Table, S::UserId), (Users::Table, Users::Id)))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "submissions_item_user",
            S::Table,
            vec![S::ItemId.into_iden(), S::UserId.into_iden()],
            true,
        )
        .await?;
        // The grading queue: one item's submissions by status in id (keyset) order.
        index(
            m,
            "submissions_item_queue",
            S::Table,
            vec![
                S::ItemId.into_iden(),
                S::Status.into_iden(),
                S::Id.into_iden(),
            ],
            false,
        )
        .await?;

        use SubmissionFiles as F;
        m.create_table(
            Table::create()
                .table(F::Table)
                .col(uuid(F::SubmissionId))
                .col(uuid(F::FileId))
                .col(uuid(F::TenantId))
                .col(ColumnDef::new(F::Position).integer().not_null())
                .primary_key(Index::create().col(F::SubmissionId).col(F::FileId))
                .foreign_key(&mut fk((F::Table, F::SubmissionId), (S::Table, S::Id)))
                .foreign_key(&mut fk(
                    (F::Table, F::FileId),
                    (StoredFiles::Table, StoredFiles::Id),
                ))
                .to_owned(),
        )
        .await?;

        use PeerAssignments as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(uuid(A::Id).primary_key())
                .col(uuid(A::TenantId))
                .col(uuid(A::ItemId))
                .col(uuid(A::SubmissionId))
                .col(uuid(A::ReviewerId))
                .col(ts(A::AssignedAt))
                .col(ts_null(A::CompletedAt))
                .foreign_key(&mut fk((A::Table, A::SubmissionId), (S::Table, S::Id)))
                .foreign_key(&mut fk(
                    (A::Table, A::ReviewerId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "peer_assignments_reviewer_submission",
            A::Table,
            vec![A::ReviewerId.into_iden(), A::SubmissionId.into_iden()],
            true,
        )
        .await?;
        // "My reviews to do": a reviewer's assignments in one item, open ones first.
        index(
            m,
            "peer_assignments_reviewer_item",
            A::Table,
            vec![
                A::ReviewerId.into_iden(),
                A::ItemId.into_iden(),
                A::CompletedAt.into_iden(),
            ],
            false,
        )
        .await?;
        // Allocation and results read a whole item; a submission's reviewers.
        index(
            m,
            "peer_assignments_item_submission",
            A::Table,
            vec![A::ItemId.into_iden(), A::SubmissionId.into_iden()],
            false,
        )
        .await?;

        use PeerReviews as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(uuid(R::Id).primary_key())
                .col(uuid(R::TenantId))
                .col(uuid(R::ItemId))
                .col(uuid(R::SubmissionId))
                .col(uuid(R::ReviewerId))
                .col(ColumnDef::new(R::Choices).text().not_null())
                .col(ColumnDef::new(R::Score).double().not_null())
                .col(ColumnDef::new(R::Comment).text().not_null())
                .col(ColumnDef::new(R::IsSelf).boolean().not_null())
                .col(ColumnDef::new(R::Excluded).boolean().not_null())
                .col(ts(R::CreatedAt))
                .foreign_key(&mut fk((R::Table, R::SubmissionId), (S::Table, S::Id)))
                .foreign_key(&mut fk(
                    (R::Table, R::ReviewerId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "peer_reviews_submission_reviewer",
            R::Table,
            vec![R::SubmissionId.into_iden(), R::ReviewerId.into_iden()],
            true,
        )
        .await?;
        index(
            m,
            "peer_reviews_item",
            R::Table,
            vec![R::ItemId.into_iden(), R::SubmissionId.into_iden()],
            false,
        )
        .await?;

        use ReviewFlags as G;
        m.create_table(
            Table::create()
                .table(G::Table)
                .col(uuid(G::Id).primary_key())
                .col(uuid(G::TenantId))
                .col(uuid(G::ItemId))
                .col(uuid(G::ReviewId))
                .col(uuid(G::FlaggedBy))
                .col(ColumnDef::new(G::Reason).text().not_null())
                .col(ColumnDef::new(G::Status).string_len(12).not_null())
                .col(ColumnDef::new(G::Resolution).text().null())
                .col(ColumnDef::new(G::ResolvedBy).uuid().null())
                .col(ts_null(G::ResolvedAt))
                .col(ts(G::CreatedAt))
                .foreign_key(&mut fk((G::Table, G::ReviewId), (R::Table, R::Id)))
                .foreign_key(&mut fk((G::Table, G::FlaggedBy), (Users::Table, Users::Id)))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "review_flags_review_by",
            G::Table,
            vec![G::ReviewId.into_iden(), G::FlaggedBy.into_iden()],
            true,
        )
        .await?;
        index(
            m,
            "review_flags_item_status",
            G::Table,
            vec![
                G::ItemId.into_iden(),
                G::Status.into_iden(),
                G::Id.into_iden(),
            ],
            false,
        )
        .await?;

        use GradeOverrides as O;
        m.create_table(
            Table::create()
                .table(O::Table)
                .col(uuid(O::Id).primary_key())
                .col(uuid(O::TenantId))
                .col(uuid(O::SubmissionId))
                .col(ColumnDef::new(O::Points).double().not_null())
                .col(ColumnDef::new(O::Reason).text().not_null())
                .col(uuid(O::CreatedBy))
                .col(ts(O::CreatedAt))
                .foreign_key(&mut fk((O::Table, O::SubmissionId), (S::Table, S::Id)))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "grade_overrides_submission",
            O::Table,
            vec![O::SubmissionId.into_iden(), O::Id.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            GradeOverrides::Table.into_iden(),
            ReviewFlags::Table.into_iden(),
            PeerReviews::Table.into_iden(),
            PeerAssignments::Table.into_iden(),
            SubmissionFiles::Table.into_iden(),
            Submissions::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
