//! A run read together with the viewer's enrolment (and their progress or one attempt) in one
//! query: the per-request reads of the course pages.

use crate::entities::{course_run, enrolment, item_progress, quiz_attempt};
use crate::shape::Shape;
use crate::DbResultExt;
use amphi_core::course::ProgressState;
use amphi_core::{Result, TenantId};
use sea_orm::sea_query::{Alias, Expr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, JoinType, QueryFilter, QuerySelect,
    SelectThreeModel, SelectTwoModel, SelectorTrait,
};
use uuid::Uuid;

/// A run and, in the same query, the person's enrolment in it.
pub async fn run_with_enrolment(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    user: Option<Uuid>,
) -> Result<Option<(course_run::Model, Option<enrolment::Model>)>> {
    let Some(user) = user else {
        return Ok(course_run::Entity::find_by_id(run)
            .filter(course_run::Column::TenantId.eq(tenant.0))
            .one(c)
            .await
            .db()?
            .map(|r| (r, None)));
    };
    // Every access check runs this: its SQL is rendered once.
    static SHAPE: Shape = Shape::new();
    SHAPE
        .one_two(c, &[run.into(), tenant.0.into(), user.into()], |p| {
            run_and_enrolment(p).limit(1)
        })
        .await
        .db()
}

/// A run, the person's enrolment in it and the person's progress in it as (item, state) pairs,
/// in one query: the course home's and the item page's reads. The progress rows come packed in
/// one text column by a correlated aggregate (`string_agg` on PostgreSQL, `group_concat` on
/// SQLite), which saves a second query and its connection's round trips.
pub async fn run_with_enrolment_and_progress(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
) -> Result<Option<RunEnrolmentProgress>> {
    static SHAPE: Shape = Shape::new();
    let backend = c.get_database_backend();
    let st = SHAPE.statement(backend, &[run.into(), tenant.0.into(), user.into()], |p| {
        run_and_enrolment(p)
            .column_as(packed_progress(backend, p[2].clone()), PROGRESS)
            .limit(1)
    });
    let Some(row) = c.query_one(st).await.db()? else {
        return Ok(None);
    };
    let packed: Option<String> = row.try_get("", PROGRESS).db()?;
    let (run, enrolment) =
        SelectTwoModel::<course_run::Model, enrolment::Model>::from_raw_query_result(row).db()?;
    let progress = unpack_progress(packed.as_deref().unwrap_or(""))?;
    Ok(Some((run, enrolment, progress)))
}

/// A run, the person's enrolment in it and one of the person's quiz attempts in it, in one
/// query (LEFT JOINs on (run, user) and on (attempt id, run, user)): what every request on an
/// attempt reads first. The attempt is `None` when there is none by that id, or it is another
/// run's or another person's.
pub async fn run_with_enrolment_and_attempt(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
    attempt: Uuid,
) -> Result<Option<RunEnrolmentAttempt>> {
    static SHAPE: Shape = Shape::new();
    let params = [run.into(), tenant.0.into(), user.into(), attempt.into()];
    let st = SHAPE.statement(c.get_database_backend(), &params, |p| {
        let (user, attempt) = (p[2].clone(), p[3].clone());
        run_and_enrolment(p)
            .select_also(quiz_attempt::Entity)
            .join(
                JoinType::LeftJoin,
                course_run::Entity::belongs_to(quiz_attempt::Entity)
                    .from(course_run::Column::Id)
                    .to(quiz_attempt::Column::RunId)
                    .on_condition(move |_l, r| {
                        sea_orm::sea_query::IntoCondition::into_condition(
                            Expr::col((r.clone(), quiz_attempt::Column::Id))
                                .eq(attempt.clone())
                                .and(Expr::col((r, quiz_attempt::Column::UserId)).eq(user.clone())),
                        )
                    })
                    .into(),
            )
            .limit(1)
    });
    let Some(row) = c.query_one(st).await.db()? else {
        return Ok(None);
    };
    SelectThreeModel::<course_run::Model, enrolment::Model, quiz_attempt::Model>::from_raw_query_result(row)
        .db()
        .map(Some)
}

/// What [`run_with_enrolment_and_attempt`] reads.
pub type RunEnrolmentAttempt = (
    course_run::Model,
    Option<enrolment::Model>,
    Option<quiz_attempt::Model>,
);

/// What [`run_with_enrolment_and_progress`] reads.
pub type RunEnrolmentProgress = (
    course_run::Model,
    Option<enrolment::Model>,
    Vec<(Uuid, ProgressState)>,
);

const PROGRESS: &str = "amphi_progress";

/// `(SELECT agg(item || ':' || state, ',') FROM item_progress p WHERE p.user_id = ? AND p.run_id
/// = course_runs.id AND p.tenant_id = course_runs.tenant_id)`. Item ids are UUID text on
/// PostgreSQL and 16-byte blobs (hex) on SQLite; states are plain words.
fn packed_progress(backend: DbBackend, user: sea_orm::Value) -> SimpleExpr {
    let p = Alias::new("p");
    let item = match backend {
        DbBackend::Postgres => r#"CAST("p"."item_id" AS TEXT)"#,
        _ => {
            r#"CASE typeof("p"."item_id") WHEN 'blob' THEN hex("p"."item_id") ELSE "p"."item_id" END"#
        }
    };
    let agg = match backend {
        DbBackend::Postgres => "string_agg",
        _ => "group_concat",
    };
    let sub = Query::select()
        .expr(Expr::cust(format!(
            r#"{agg}({item} || ':' || "p"."state", ',')"#
        )))
        .from_as(item_progress::Entity, p.clone())
        .and_where(Expr::col((p.clone(), item_progress::Column::UserId)).eq(user))
        .and_where(
            Expr::col((p.clone(), item_progress::Column::RunId))
                .equals((course_run::Entity, course_run::Column::Id)),
        )
        .and_where(
            Expr::col((p, item_progress::Column::TenantId))
                .equals((course_run::Entity, course_run::Column::TenantId)),
        )
        .to_owned();
    SimpleExpr::SubQuery(None, Box::new(sub.into_sub_query_statement()))
}

fn unpack_progress(packed: &str) -> Result<Vec<(Uuid, ProgressState)>> {
    packed
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (item, state) = pair
                .split_once(':')
                .ok_or_else(|| amphi_core::Error::Internal(format!("progress row {pair:?}")))?;
            let item = Uuid::parse_str(item)
                .map_err(|e| amphi_core::Error::Internal(format!("progress item {item:?}: {e}")))?;
            Ok((item, crate::stored::stored("item_progress.state", state)?))
        })
        .collect()
}

/// The run `p[0]` of tenant `p[1]` with the enrolment of user `p[2]` (the two reads above).
fn run_and_enrolment(
    p: &[sea_orm::Value],
) -> sea_orm::SelectTwo<course_run::Entity, enrolment::Entity> {
    course_run::Entity::find()
        .filter(course_run::Column::Id.eq(p[0].clone()))
        .filter(course_run::Column::TenantId.eq(p[1].clone()))
        .find_also_related_via(p[2].clone())
}

/// Extension: a run with the enrolment of one user, by a LEFT JOIN on (run, user).
trait AlsoEnrolment {
    fn find_also_related_via(
        self,
        user: sea_orm::Value,
    ) -> sea_orm::SelectTwo<course_run::Entity, enrolment::Entity>;
}

impl AlsoEnrolment for sea_orm::Select<course_run::Entity> {
    fn find_also_related_via(
        self,
        user: sea_orm::Value,
    ) -> sea_orm::SelectTwo<course_run::Entity, enrolment::Entity> {
        self.select_also(enrolment::Entity).join(
            JoinType::LeftJoin,
            course_run::Entity::belongs_to(enrolment::Entity)
                .from(course_run::Column::Id)
                .to(enrolment::Column::RunId)
                .on_condition(move |_l, r| {
                    sea_orm::sea_query::IntoCondition::into_condition(
                        Expr::col((r, enrolment::Column::UserId)).eq(user.clone()),
                    )
                })
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::unpack_progress;
    use amphi_core::course::ProgressState;
    use uuid::Uuid;

    #[test]
    fn packed_progress_reads_both_backends_forms() {
        let a = Uuid::parse_str("0b6f3f3e-8a0c-4c8e-9f51-2d7e1c9a4b10").unwrap();
        let b = Uuid::parse_str("f00dfeed-0000-4000-8000-000000000001").unwrap();
        // No progress: the aggregate is NULL, read as "".
        assert!(unpack_progress("").unwrap().is_empty());
        // PostgreSQL: hyphenated text; SQLite: hex of the 16-byte blob, upper case.
        let packed = format!(
            "{a}:completed,{}:viewed",
            b.simple().to_string().to_uppercase()
        );
        assert_eq!(
            unpack_progress(&packed).unwrap(),
            vec![(a, ProgressState::Completed), (b, ProgressState::Viewed)]
        );
    }

    #[test]
    fn packed_progress_refuses_what_it_cannot_read() {
        assert!(unpack_progress("not-a-uuid:viewed").is_err());
        assert!(unpack_progress("0b6f3f3e8a0c4c8e9f512d7e1c9a4b10").is_err());
        // A state this build does not know is an internal error, not a guess.
        assert!(unpack_progress("0b6f3f3e8a0c4c8e9f512d7e1c9a4b10:skipped").is_err());
    }
}
