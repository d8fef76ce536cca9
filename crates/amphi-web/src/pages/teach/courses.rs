//! Courses: the course team's list, a new course, a course's page with its runs, a new run.

use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::CsrfForm;
use crate::pages::PageResultExt;
use crate::path::Ids;
use crate::templates::no_values;
use amphi_app::courses::authoring::{self, CourseForm, RunForm};
use amphi_app::courses::{rights, teaching};
use amphi_app::Caller;
use amphi_core::{CourseId, Error};
use axum::http::StatusCode;
use minijinja::{context, Value};
use serde::Deserialize;

/// GET /teach — courses the person builds or teaches.
pub async fn index(Authed(ctx, su): Authed) -> PageResult {
    let home = teaching::home(&ctx.state.app, &su).await.or_page(&ctx)?;
    Ok(ctx.page(
        "teach/index.html",
        context! {
            teaching => Value::from_serialize(&home.runs),
            courses => Value::from_serialize(&home.courses),
            is_admin => home.may_create,
        },
    ))
}

/// GET /teach/courses/new
pub async fn course_new_form(Authed(ctx, su): Authed) -> PageResult {
    rights::require_create_courses(&su).or_page(&ctx)?;
    Ok(ctx.page("teach/course_form.html", context! { mode => "new", values => context! { format => "mooc", visibility => "listed", language => ctx.locale.tag() }, errors => no_values() }))
}

/// The course form as posted.
#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct CourseBody {
    code: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    language: Option<String>,
    cover_url: Option<String>,
    format: Option<String>,
    visibility: Option<String>,
}

impl From<CourseBody> for CourseForm {
    fn from(b: CourseBody) -> Self {
        CourseForm {
            code: b.code,
            title: b.title,
            summary: b.summary,
            language: b.language,
            cover_url: b.cover_url,
            format: b.format,
            visibility: b.visibility,
        }
    }
}

/// POST /teach/courses/new
pub async fn course_create(
    Authed(ctx, su): Authed,
    CsrfForm(f): CsrfForm<CourseBody>,
) -> PageResult {
    match authoring::create_course(&ctx.state.app, &su, f.clone().into()).await {
        Ok(c) => Ok(ctx.redirect_with(&format!("/teach/courses/{}", c.id), "flash-course-created")),
        Err(e @ Error::Validation(_)) => Ok(ctx.render(StatusCode::UNPROCESSABLE_ENTITY, "teach/course_form.html", context! { mode => "new", values => Value::from_serialize(&f), errors => ctx.field_errors(&e) })),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /teach/courses/{id}
pub async fn course_page(Authed(ctx, su): Authed, Ids(cid): Ids<CourseId>) -> PageResult {
    course_page_with(
        &ctx,
        &su,
        cid,
        StatusCode::OK,
        no_values(),
        None,
        no_values(),
        None,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn course_page_with(
    ctx: &Ctx,
    su: &Caller,
    cid: CourseId,
    status: StatusCode,
    course_errors: Value,
    course_values: Option<Value>,
    run_errors: Value,
    run_values: Option<Value>,
) -> PageResult {
    let (course, runs) = amphi_app::courses::catalog::course_for_team(&ctx.state.app, su, cid)
        .await
        .or_page(ctx)?;
    let values = course_values.unwrap_or_else(|| Value::from_serialize(&course));
    Ok(ctx.render(
        status,
        "teach/course.html",
        context! {
            course => Value::from_serialize(&course),
            runs => Value::from_serialize(&runs),
            values,
            errors => course_errors,
            run_values => run_values.unwrap_or_else(|| context! { policy => course.format.default_policy().as_str() }),
            run_errors,
            policies => ["open", "invitation", "code", "paid", "restricted"],
        },
    ))
}

/// POST /teach/courses/{id}
pub async fn course_update(
    Authed(ctx, su): Authed,
    Ids(cid): Ids<CourseId>,
    CsrfForm(f): CsrfForm<CourseBody>,
) -> PageResult {
    let mut form: CourseForm = f.clone().into();
    form.code = None;
    match authoring::update_course(&ctx.state.app, &su, cid, form).await {
        Ok(_) => Ok(ctx.redirect_with(&format!("/teach/courses/{cid}"), "flash-course-saved")),
        Err(e @ Error::Validation(_)) => {
            course_page_with(
                &ctx,
                &su,
                cid,
                StatusCode::UNPROCESSABLE_ENTITY,
                ctx.field_errors(&e),
                Some(Value::from_serialize(&f)),
                no_values(),
                None,
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// The run settings form as posted.
#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct RunBody {
    name: Option<String>,
    enrol_opens_at: Option<String>,
    enrol_closes_at: Option<String>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    policy: Option<String>,
    enrolment_code: Option<String>,
    capacity: Option<String>,
    waiting_list: Option<String>,
    restrict_domains: Option<String>,
    restrict_provider: Option<String>,
    restrict_group: Option<String>,
    published: Option<String>,
    sequential: Option<String>,
}

impl RunBody {
    /// Checkboxes arrive only when ticked: a settings form always sends its booleans.
    pub(super) fn into_form(self) -> RunForm {
        RunForm {
            name: self.name,
            enrol_opens_at: Some(self.enrol_opens_at.unwrap_or_default()),
            enrol_closes_at: Some(self.enrol_closes_at.unwrap_or_default()),
            starts_at: Some(self.starts_at.unwrap_or_default()),
            ends_at: Some(self.ends_at.unwrap_or_default()),
            policy: self.policy,
            enrolment_code: self.enrolment_code,
            capacity: Some(self.capacity.unwrap_or_default()),
            waiting_list: Some(self.waiting_list.as_deref() == Some("true")),
            restrict_domains: Some(self.restrict_domains.unwrap_or_default()),
            // The pages do not show the provider (set through the API): absent, it is kept.
            restrict_provider: self.restrict_provider,
            restrict_group: Some(self.restrict_group.unwrap_or_default()),
            published: Some(self.published.as_deref() == Some("true")),
            sequential: Some(self.sequential.as_deref() == Some("true")),
        }
    }
}

/// POST /teach/courses/{id}/runs
pub async fn run_create(
    Authed(ctx, su): Authed,
    Ids(cid): Ids<CourseId>,
    CsrfForm(f): CsrfForm<RunBody>,
) -> PageResult {
    match authoring::create_run(&ctx.state.app, &su, cid, f.clone().into_form()).await {
        Ok(r) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{}/outline", r.id),
            "flash-run-created",
        )),
        Err(e @ Error::Validation(_)) => {
            course_page_with(
                &ctx,
                &su,
                cid,
                StatusCode::UNPROCESSABLE_ENTITY,
                no_values(),
                None,
                ctx.field_errors(&e),
                Some(Value::from_serialize(&f)),
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}
