//! `amphi seed bench`: the benchmark data set is complete, its bulk-inserted history agrees
//! with what the gradebook computes, its learners can sign in on the benchmark host, and it
//! refuses to run twice.

use crate::support::*;
use amphi::seed_bench::{self, learner_email, BenchOptions};
use amphi_db::entities::{enrolment, grade, item_progress, quiz_attempt, user};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn enrolment_of(t: &TestApp, run: uuid::Uuid, email: &str) -> enrolment::Model {
    let u = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(t.app.db.reader())
        .await
        .unwrap()
        .unwrap();
    enrolment::Entity::find()
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::UserId.eq(u.id))
        .one(t.app.db.reader())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn bench_seed_builds_a_consistent_run() {
    let t = TestApp::new().await;
    let o = BenchOptions {
        learners: 40,
        ..Default::default()
    };
    let s = seed_bench::bench(&t.app, &o).await.unwrap();
    assert_eq!(s.pages.len(), 50);
    assert_eq!(s.quizzes.len(), 10);
    assert_eq!(s.learners, 40);
    // Templates 1..=3 plus one learner in five from 5 on (5, 10, …, 40).
    assert_eq!(s.learners_with_history, 3 + 8);
    let db = t.app.db.reader();
    let learners = enrolment::Entity::find()
        .filter(enrolment::Column::RunId.eq(s.run_id))
        .filter(enrolment::Column::Role.eq("learner"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(learners, 40);
    let run = amphi_db::entities::course_run::Entity::find_by_id(s.run_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.enrolled_count, 40);
    // Learner 10 copies template learner 3 (10 / 5 = 2): 18 items, quizzes 1 to 3 submitted.
    let copy = enrolment_of(&t, s.run_id, &learner_email(10)).await;
    let model = enrolment_of(&t, s.run_id, &learner_email(3)).await;
    assert_eq!(copy.completed_count, 18);
    assert_eq!(copy.completed_count, model.completed_count);
    assert_eq!(copy.grade_percent, model.grade_percent);
    assert!(copy.grade_percent.is_some());
    let attempts = quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::UserId.eq(copy.user_id))
        .filter(quiz_attempt::Column::Status.eq("submitted"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(attempts, 3);
    let grades = grade::Entity::find()
        .filter(grade::Column::UserId.eq(copy.user_id))
        .count(db)
        .await
        .unwrap();
    assert_eq!(grades, 3);
    let progress = item_progress::Entity::find()
        .filter(item_progress::Column::UserId.eq(copy.user_id))
        .filter(item_progress::Column::State.eq("completed"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(progress, 18);
    // Each bulk-inserted active learner holds a live session (learner 9 has no history).
    let sessions = |u: uuid::Uuid| {
        amphi_db::entities::session::Entity::find()
            .filter(amphi_db::entities::session::Column::UserId.eq(u))
            .count(db)
    };
    assert_eq!(sessions(copy.user_id).await.unwrap(), 1);
    let idle = enrolment_of(&t, s.run_id, &learner_email(9)).await;
    assert_eq!(sessions(idle.user_id).await.unwrap(), 0);
    assert_eq!(
        amphi_db::entities::session::Entity::find()
            .count(db)
            .await
            .unwrap(),
        8
    );
    // A learner without history: nothing.
    let plain = enrolment_of(&t, s.run_id, &learner_email(11)).await;
    assert_eq!(plain.completed_count, 0);
    assert_eq!(
        plain.grade_percent,
        enrolment_of(&t, s.run_id, &learner_email(4))
            .await
            .grade_percent
    );
    // The gradebook's own recompute agrees with the copied grades: nothing changes.
    let before: Vec<_> = enrolment::Entity::find()
        .filter(enrolment::Column::RunId.eq(s.run_id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.user_id, e.grade_percent, e.grade_passed))
        .collect();
    amphi_app::assessment::gradebook::updates::recompute_run(
        &t.app,
        amphi_core::TenantId(s.tenant_id),
        s.run_id,
    )
    .await
    .unwrap();
    let after: Vec<_> = enrolment::Entity::find()
        .filter(enrolment::Column::RunId.eq(s.run_id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.user_id, e.grade_percent, e.grade_passed))
        .collect();
    assert_eq!(before, after);
    // The LTI tool: registered with the public key of the private key in the seed file (a
    // client assertion signed with it gets a token), its item in the run.
    let lti = s.lti.as_ref().unwrap();
    let tenant = amphi_core::TenantId(s.tenant_id);
    let tool = amphi_db::repo::lti::tool(db, tenant, lti.tool_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tool.client_id, lti.client_id);
    assert!(tool.enabled && tool.ags && tool.nrps);
    let item = amphi_db::entities::course_item::Entity::find_by_id(lti.item_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(item.kind, "tool");
    assert!(item.settings.contains(&lti.tool_id.to_string()));
    let base = "http://bench.localhost";
    let now = chrono::Utc::now().timestamp();
    let assertion = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &serde_json::json!({"iss": lti.client_id, "sub": lti.client_id,
            "aud": format!("{base}/lti/token"), "iat": now, "exp": now + 60, "jti": "bench-1"}),
        &jsonwebtoken::EncodingKey::from_rsa_pem(lti.private_key_pem.as_bytes()).unwrap(),
    )
    .unwrap();
    let grant = amphi_app::lti::services::token(
        &t.app,
        tenant,
        base,
        None,
        amphi_app::lti::services::TokenRequest {
            grant_type: Some("client_credentials".into()),
            client_assertion_type: Some(
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
            ),
            client_assertion: Some(assertion),
            scope: None,
        },
    )
    .await
    .unwrap();
    assert!(grant.is_ok(), "{grant:?}");
    // A bulk-inserted learner signs in on the benchmark host with the shared password.
    let mut c = t.client_on("bench.localhost");
    let r = c.sign_in(&learner_email(40), &s.password).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let home = c.get(&format!("/learn/{}", s.run_id)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text.contains("Learning at scale"));
    let mut c = t.client_on("bench.localhost");
    let r = c.sign_in(&learner_email(40), "wrong password").await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    // Twice on one database: refused, nothing added.
    let err = seed_bench::bench(&t.app, &o).await.unwrap_err();
    assert!(err.to_string().contains("fresh database"), "{err}");
    assert_eq!(
        user::Entity::find()
            .filter(user::Column::TenantId.eq(s.tenant_id))
            .count(db)
            .await
            .unwrap(),
        42
    );
}

#[tokio::test]
async fn bench_seed_refuses_fewer_learners_than_templates() {
    let t = TestApp::new().await;
    let err = seed_bench::bench(
        &t.app,
        &BenchOptions {
            learners: 3,
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("at least 4"), "{err}");
}
