//! A quiz as its learner takes it through the pages: what the attempt asks (no unit box for a
//! number without units, points said with plurals), the warning before submitting with
//! questions left unanswered (a confirmation step that keeps the answers), and the result:
//! percentage, pass or fail against the quiz's pass mark, unanswered questions marked, true or
//! false said in the learner's language.

use crate::fixtures::*;
use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::json;

const GIFT: &str = "$CATEGORY: Basics

::Capital::The capital of France? {=Paris ~London ~Berlin}

::Sky::The sky is blue. {T}

::Half::One half as a decimal? {#0.5:0.01}
";

/// A published run with a quiz of the three questions above, in that order, the capital worth
/// 2 points, a pass mark of 60 %, feedback and correct answers shown at once. Returns (run,
/// quiz item, question ids in order).
async fn quiz(a: &mut Caller) -> (String, String, Vec<String>) {
    let c = api_course(
        a,
        json!({ "code": "QL1", "title": "Quiz Land", "summary": "A course." }),
        json!({}),
        &[json!({ "kind": "quiz", "title": "Check-up", "body": "Go.", "published": true })],
    )
    .await;
    a.c.headers
        .push(("authorization".into(), format!("Bearer {}", a.tok)));
    let r =
        a.c.request(
            Method::POST,
            &format!("/api/v1/courses/{}/questions/gift", c.course),
            Some("text/plain"),
            GIFT.as_bytes().to_vec(),
        )
        .await;
    a.c.headers.pop();
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let list = a
        .ok(&format!("/api/v1/courses/{}/questions", c.course))
        .await;
    let q = |title: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["title"] == title)
            .map(id)
            .unwrap()
    };
    let ids = vec![q("Capital"), q("Sky"), q("Half")];
    let r = a
        .put(
            &format!("/api/v1/runs/{}/items/{}/quiz", c.run, c.items[0]),
            json!({
                "slots": [
                    { "type": "question", "question_id": ids[0], "points": 2 },
                    { "type": "question", "question_id": ids[1] },
                    { "type": "question", "question_id": ids[2] },
                ],
                "shuffle_answers": false, "pass_percent": 60,
                "feedback": "immediately", "answers": "immediately",
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    (c.run, c.items[0].clone(), ids)
}

/// The value of the option labelled `label` of the radio buttons `name` on an attempt page.
fn option_of(page: &str, name: &str, label: &str) -> String {
    page.split(&format!("name=\"{name}\" value=\""))
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .find(|v| page.contains(&format!("for=\"{name}-{v}\"><p>{label}")))
        .unwrap_or_else(|| panic!("no option {label} of {name} in {page}"))
}

#[tokio::test]
async fn a_quiz_warns_about_unanswered_questions_and_explains_its_result() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (run, item, q) = quiz(&mut a).await;
    // A pass mark outside 0–100 is refused.
    let r = a
        .put(
            &format!("/api/v1/runs/{run}/items/{item}/quiz"),
            json!({ "slots": [], "pass_percent": 120 }),
        )
        .await;
    assert_eq!(field_code(&r, "pass_percent"), "out_of_range");

    let mut l = learner(&t, "pat@example.test", "Pat").await;
    assert!(l.enrol(&run, None).await.status.is_success());
    let pat = &mut l.c;
    let item_page = format!("/learn/{run}/items/{item}");
    let r = pat
        .submit(&item_page, &format!("{item_page}/attempts"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let attempt = r.location();
    let page = pat.get(&attempt).await;
    // Points with plurals; a number without units asks no unit.
    assert!(
        page.text.contains("(2 points)") && page.text.contains("(1 point)"),
        "{}",
        page.text
    );
    assert!(
        page.text
            .contains(&format!("name=\"q.{}\" inputmode=\"decimal\"", q[2])),
        "{}",
        page.text
    );
    assert!(
        !page.text.contains(".unit") && !page.text.contains(">Unit<"),
        "{}",
        page.text
    );

    // Submitting with two questions left: the answers are kept, the attempt stays open, and
    // the page names the questions left, with a way to submit anyway.
    let capital = format!("q.{}", q[0]);
    let paris = option_of(&page.text, &capital, "Paris");
    let r = pat
        .submit(
            &attempt,
            &format!("{attempt}/submit"),
            &[(&capital, &paris)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        r.text.contains("2 questions are not answered"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("href=\"#question-2\">Question 2</a>"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("href=\"#question-3\">Question 3</a>"),
        "{}",
        r.text
    );
    assert!(!r.text.contains("href=\"#question-1\""), "{}", r.text);
    assert!(
        r.text.contains("name=\"confirmed\" value=\"1\""),
        "{}",
        r.text
    );
    assert!(
        r.text.contains(&format!("value=\"{paris}\" checked")),
        "the answer is lost: {}",
        r.text
    );
    let page = pat.get(&attempt).await;
    assert!(
        page.text.contains("Submit the attempt"),
        "the attempt was submitted"
    );
    // Once everything is answered, no question is asked (checked here with one left, then
    // confirmed).
    let sky = format!("q.{}", q[1]);
    let r = pat
        .submit(&attempt, &format!("{attempt}/submit"), &[(&sky, "false")])
        .await;
    assert!(
        r.text.contains("One question is not answered"),
        "{}",
        r.text
    );
    let r = pat
        .submit(
            &attempt,
            &format!("{attempt}/submit"),
            &[("confirmed", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

    // The result: 2 of 4 points, 50 %, below the pass mark; the unanswered question marked;
    // the sky's correct answer said as a word; points with plurals.
    let page = pat.get(&attempt).await;
    let result = between(&page.text, "id=\"result-h\"", "</section>");
    assert!(
        result.contains("2 / 4 points") && result.contains("50 %"),
        "{result}"
    );
    assert!(
        result.contains("Not passed") && result.contains("Pass mark: 60 %"),
        "{result}"
    );
    let half = between(&page.text, "id=\"question-3\"", "</fieldset>");
    assert!(half.contains("Not answered"), "{half}");
    let first = between(&page.text, "id=\"question-1\"", "</fieldset>");
    assert!(
        first.contains("2 of 2 points") && !first.contains("Not answered"),
        "{first}"
    );
    let sky_q = between(&page.text, "id=\"question-2\"", "</fieldset>");
    assert!(
        sky_q.contains("0 of 1 point<") || sky_q.contains("0 of 1 point\n"),
        "{sky_q}"
    );
    assert!(
        sky_q.contains("Correct answer:</strong> True</p>"),
        "{sky_q}"
    );
    assert!(
        !page.text.contains("Correct answer:</strong> true"),
        "{}",
        page.text
    );

    // In French.
    let r = pat
        .submit(&attempt, "/lang", &[("locale", "fr"), ("next", &attempt)])
        .await;
    assert!(r.status.is_redirection());
    let page = pat.get(&attempt).await;
    assert!(
        page.text.contains("Non réussi") && page.text.contains("Sans réponse"),
        "{}",
        page.text
    );
    assert!(page.text.contains("</strong> Vrai</p>"), "{}", page.text);
}

#[tokio::test]
async fn a_quiz_that_passes_says_so() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (run, item, q) = quiz(&mut a).await;
    let mut l = learner(&t, "sam@example.test", "Sam").await;
    assert!(l.enrol(&run, None).await.status.is_success());
    let sam = &mut l.c;
    let item_page = format!("/learn/{run}/items/{item}");
    let r = sam
        .submit(&item_page, &format!("{item_page}/attempts"), &[])
        .await;
    let attempt = r.location();
    let page = sam.get(&attempt).await;
    let paris = option_of(&page.text, &format!("q.{}", q[0]), "Paris");
    let fields = [
        (format!("q.{}", q[0]), paris.as_str()),
        (format!("q.{}", q[1]), "true"),
        (format!("q.{}", q[2]), "0.5"),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    // Everything answered: submitted at once, no confirmation step.
    let r = sam
        .submit(&attempt, &format!("{attempt}/submit"), &fields)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = sam.get(&attempt).await;
    let result = between(&page.text, "id=\"result-h\"", "</section>");
    assert!(
        result.contains("4 / 4 points") && result.contains("100 %"),
        "{result}"
    );
    assert!(result.contains(">Passed<"), "{result}");
    assert!(!page.text.contains("Not answered"), "{}", page.text);
}
