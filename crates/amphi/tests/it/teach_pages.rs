//! The course team's pages as a teacher meets them on the first day: forms that keep what was
//! typed and show each error next to its own field, imports that are not repeated by a reload,
//! no internal names, confirmations before deleting, fields that apply, and the quiz's
//! question picker.

use crate::fixtures::*;
use crate::support::*;
use axum::http::{Method, StatusCode};

/// A published MOOC with one module "Week 1" holding one page; returns (course id, run id,
/// module id).
async fn course(root: &mut Client) -> (String, String, String) {
    let built = page_course(
        root,
        &PageCourse {
            code: "fd101",
            title: "First Day",
            summary: None,
            run: "Spring 2027",
            items: &[PageItem {
                kind: "page",
                title: "Welcome",
                body: Some("Hello."),
                published: true,
            }],
        },
    )
    .await;
    let outline = root
        .get(&format!("/teach/runs/{}/outline", built.run))
        .await;
    let module = between(&outline.text, "id=\"module-", "\"").to_owned();
    let teach = root.get("/teach").await;
    let cid = format!(
        "0{}",
        between(&teach.text, "<a href=\"/teach/courses/0", "\"")
    );
    (cid, built.run, module)
}

/// Every `id="…"` of a page appears once.
fn assert_unique_ids(html: &str) {
    let mut seen = std::collections::BTreeSet::new();
    for part in html.split(" id=\"").skip(1) {
        let id = &part[..part.find('"').unwrap()];
        assert!(seen.insert(id.to_owned()), "id {id} repeated");
    }
}

#[tokio::test]
async fn outline_forms_keep_what_was_typed_and_show_errors_at_their_own_fields() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let (_, run, module) = course(&mut root).await;
    let outline = format!("/teach/runs/{run}/outline");
    assert_unique_ids(&root.get(&outline).await.text);

    // A link with a bad address: the row shows its kind, title and address again, and the
    // error sits at the address field of that row, not at the "new module" field.
    let r = root
        .submit(
            &outline,
            &format!("/teach/runs/{run}/modules/{module}/items"),
            &[
                ("kind", "link"),
                ("title", "Read the guide"),
                ("url", "not a web address"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_unique_ids(&r.text);
    let row = between(&r.text, &format!("id=\"add-item-{module}\""), "</form>");
    assert!(
        row.contains("<option value=\"link\" selected>"),
        "kind kept: {row}"
    );
    assert!(
        row.contains("value=\"Read the guide\""),
        "title kept: {row}"
    );
    assert!(
        row.contains("value=\"not a web address\""),
        "address kept: {row}"
    );
    assert!(
        row.contains(&format!("id=\"i{module}-url-error\"")),
        "error at the address: {row}"
    );
    assert!(
        row.contains(&format!("href=\"#i{module}-url\"")),
        "summary links to it"
    );
    let new_module = between(&r.text, "id=\"new-module-h\"", "</section>");
    assert!(!new_module.contains("class=\"error\""), "{new_module}");

    // An empty module title: the error is at the "new module" form, the item row is clean.
    let r = root
        .submit(
            &outline,
            &format!("/teach/runs/{run}/modules"),
            &[("title", " "), ("published", "true")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let new_module = between(&r.text, "id=\"new-module-h\"", "</section>");
    assert!(new_module.contains("id=\"nm-title-error\""), "{new_module}");
    assert!(new_module.contains("checked"), "published kept");
    let row = between(&r.text, &format!("id=\"add-item-{module}\""), "</form>");
    assert!(!row.contains("class=\"error\""), "{row}");

    // A module's settings refused: its own panel opens with the typed title and the error.
    let r = root
        .submit(
            &outline,
            &format!("/teach/runs/{run}/modules/{module}"),
            &[("title", ""), ("available_from", "soon")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text
        .contains(&format!("id=\"m{module}-available_from-error\"")));
    assert!(r.text.contains("value=\"soon\""), "typed date kept");

    // A new edition without a start: the panel opens with the name kept, no error page.
    let r = root
        .submit(
            &outline,
            &format!("/teach/runs/{run}/editions"),
            &[("name", "Autumn 2027"), ("starts_at", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let panel = between(&r.text, "id=\"new-edition\"", "</details>");
    assert!(panel.starts_with(" open"), "{panel}");
    assert!(panel.contains("value=\"Autumn 2027\""));
    assert!(panel.contains("id=\"ed-starts_at-error\""));
    assert_unique_ids(&r.text);

    // The page shows no address field for a page until a link or a video is chosen.
    let page = root.get(&outline).await;
    let row = between(&page.text, &format!("id=\"add-item-{module}\""), "</form>");
    assert!(
        row.contains("data-show-if=\"kind: video link\" hidden"),
        "{row}"
    );
}

/// The GIFT import form's body: the CSRF token and the pasted text.
fn gift(csrf: &str, text: &str) -> (String, Vec<u8>) {
    multipart(&[("csrf", csrf), ("text", text)], None)
}

#[tokio::test]
async fn a_refused_gift_import_keeps_the_text_and_a_reload_imports_nothing_twice() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let (cid, _, _) = course(&mut root).await;
    let bank = format!("/teach/courses/{cid}/questions");
    let csrf = root.get(&bank).await.csrf();

    let bad = "::Q1::What is 2+2? {=4 ~3}\n\n::Q2::Broken {=a ~b\n";
    let (ct, body) = gift(&csrf, bad);
    let r = root
        .request(Method::POST, &format!("{bank}/import"), Some(&ct), body)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // The text is still in the box, the bad line is named and quoted.
    assert!(
        r.text.contains("::Q2::Broken {=a ~b\n</textarea>") || r.text.contains("::Q2::Broken"),
        "{}",
        r.text
    );
    let box_ = between(&r.text, "id=\"gift-text\"", "</textarea>");
    assert!(box_.contains("::Q1::What is 2+2?"), "{box_}");
    assert!(r.text.contains("<strong>Line 3</strong>"), "{}", r.text);
    assert!(r
        .text
        .contains("<code class=\"gift-line\">::Q2::Broken {=a ~b</code>"));
    assert!(r.text.contains("One line has a problem"));

    // A good import redirects; the bank page says how many; reloading it adds nothing.
    let good = "$CATEGORY: Week 1\n\n::Capital::The capital of France? {=Paris ~Lyon}\n\n::Flat::The Earth is flat. {F}\n";
    let (ct, body) = gift(&csrf, good);
    let r = root
        .request(Method::POST, &format!("{bank}/import"), Some(&ct), body)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let to = r.location();
    assert_eq!(to, format!("{bank}?imported=2"));
    let page = root.get(&to).await;
    assert!(page.text.contains("2 questions imported."));
    let page = root.get(&to).await;
    assert!(page.text.contains("Week 1 (2)"), "still two: {}", page.text);
}

const BANK: &str = "$CATEGORY: Basics

::Capital::The capital of France? {=Paris ~London ~Berlin}

::Sky::The sky is blue. {T}

$CATEGORY: Writing

::Essay::Explain photosynthesis. {}
";

/// A run with a module "Week 1" holding a published quiz, the bank above imported through
/// its page; returns (course, run, module, quiz item, question ids by title).
async fn quiz_course(
    a: &mut Caller,
) -> (
    String,
    String,
    String,
    String,
    std::collections::HashMap<String, String>,
) {
    let c = api_course(
        a,
        serde_json::json!({ "code": "QP1", "title": "Quiz course", "summary": "Quizzes." }),
        serde_json::json!({}),
        &[serde_json::json!({ "kind": "quiz", "title": "Quiz 1", "published": true })],
    )
    .await;
    let bank = format!("/teach/courses/{}/questions", c.course);
    let csrf = a.c.get(&bank).await.csrf();
    let (ct, body) = gift(&csrf, BANK);
    let r =
        a.c.request(Method::POST, &format!("{bank}/import"), Some(&ct), body)
            .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let list = a
        .ok(&format!("/api/v1/courses/{}/questions", c.course))
        .await;
    let q = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["title"].as_str().unwrap().to_owned(), id(q)))
        .collect();
    let outline = a.c.get(&format!("/teach/runs/{}/outline", c.run)).await;
    let module = between(&outline.text, "id=\"module-", "\"").to_owned();
    (c.course, c.run, module, c.items[0].clone(), q)
}

/// The text of the question list of a quiz page (its rows, in order).
fn question_list(html: &str) -> &str {
    between(html, "<table class=\"quiz-slots\">", "</table>")
}

#[tokio::test]
async fn the_quiz_question_picker_ticks_orders_and_draws_with_clear_refusals() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (_, run, _, item, q) = quiz_course(&mut a).await;
    let page = format!("/teach/runs/{run}/items/{item}/quiz");
    let p = a.c.get(&page).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.text.contains("This quiz has no question yet."));
    // Types by their names, never their codes; categories with their counts.
    assert!(p.text.contains("Single choice") && p.text.contains("True&#x2f;false"));
    assert!(!p.text.contains(">single_choice<") && !p.text.contains(">true_false<"));
    assert!(p.text.contains("Basics (2 questions)"), "{}", p.text);
    assert_unique_ids(&p.text);

    // The search filters by type.
    let f = a.c.get(&format!("{page}?kind=true_false")).await;
    let picker = between(&f.text, "<table class=\"picker\">", "</table>");
    assert!(
        picker.contains("Sky") && !picker.contains("Capital"),
        "{picker}"
    );
    let f = a.c.get(&format!("{page}?q=capital")).await;
    let picker = between(&f.text, "<table class=\"picker\">", "</table>");
    assert!(
        picker.contains("Capital") && !picker.contains("Sky"),
        "{picker}"
    );

    // Ticked with bad points: refused at that question's points, the ticks kept.
    let add = format!("{page}/questions");
    let (cap, sky) = (q["Capital"].clone(), q["Sky"].clone());
    let (cap_pts, sky_pts) = (format!("points.{cap}"), format!("points.{sky}"));
    let r =
        a.c.submit(
            &page,
            &add,
            &[
                ("question", &cap),
                (&cap_pts, "3"),
                ("question", &sky),
                (&sky_pts, "lots"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text.contains(&format!("id=\"pk-points-{sky}-error\"")),
        "{}",
        r.text
    );
    assert!(r
        .text
        .contains(&format!("value=\"{cap}\" id=\"pk-question-{cap}\" checked")));
    assert!(r.text.contains("value=\"lots\""));
    // Nothing ticked: said so.
    let r = a.c.submit(&page, &add, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Ticked well: added in order, Capital worth 3.
    let r =
        a.c.submit(
            &page,
            &add,
            &[
                ("question", &cap),
                (&cap_pts, "3"),
                ("question", &sky),
                (&sky_pts, "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let p = a.c.get(&page).await;
    let list = question_list(&p.text);
    assert!(
        list.find("Capital").unwrap() < list.find("Sky").unwrap(),
        "{list}"
    );
    assert!(list.contains("id=\"slot-0-points\"") && list.contains("value=\"3\""));
    // Already in the quiz: not offered again.
    let picker = between(&p.text, "<table class=\"picker\">", "</table>");
    assert!(!picker.contains(&format!("id=\"pk-question-{cap}\"")));

    // Moved down with the keyboard's button: the order changes and is saved.
    let (cs, ss) = (format!("q:{cap}"), format!("q:{sky}"));
    let r =
        a.c.submit(
            &page,
            &page,
            &[
                ("slot", &cs),
                ("points", "3"),
                ("slot", &ss),
                ("points", ""),
                ("attempts", "0"),
                ("pass_percent", "60"),
                ("op", "down:0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let p = a.c.get(&page).await;
    let list = question_list(&p.text);
    assert!(
        list.find("Sky").unwrap() < list.find("Capital").unwrap(),
        "{list}"
    );
    // The pass mark typed with it is kept.
    let pass = between(&p.text, "id=\"f-pass_percent\"", ">");
    assert!(pass.contains("value=\"60\""), "{pass}");

    // Bad points on a row: the error names the row by number and title, never `slots[0]`.
    let r =
        a.c.submit(
            &page,
            &page,
            &[
                ("slot", &ss),
                ("points", "0"),
                ("slot", &cs),
                ("points", "3"),
                ("attempts", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Question 1 (Sky):"), "{}", r.text);
    assert!(r.text.contains("href=\"#slot-0-points\""));
    assert!(!r.text.contains("slots["), "{}", r.text);

    // Random questions: an unknown category and too many are refused at their fields.
    let draw = format!("{page}/draws");
    let r =
        a.c.submit(
            &page,
            &draw,
            &[
                ("draw_category", "Nope"),
                ("draw_count", "9"),
                ("draw_points", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("The question bank has no such category."));
    assert!(r.text.contains("id=\"f-draw_category-error\""));
    let r =
        a.c.submit(
            &page,
            &draw,
            &[
                ("draw_category", "Basics"),
                ("draw_count", "9"),
                ("draw_points", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("id=\"f-draw_count-error\""), "{}", r.text);
    assert!(r.text.contains("value=\"9\""), "count kept");
    let r =
        a.c.submit(
            &page,
            &draw,
            &[
                ("draw_category", "Writing"),
                ("draw_count", "1"),
                ("draw_points", "4"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let p = a.c.get(&page).await;
    assert!(
        question_list(&p.text).contains("One random question from “Writing”"),
        "{}",
        p.text
    );

    // The API refuses `draw:9:1:Nope` too, by the draw's category.
    let r = a
        .put(
            &format!("/api/v1/runs/{run}/items/{item}/quiz"),
            serde_json::json!({ "slots": [{ "type": "draw", "category": "Nope", "count": 9, "points": 1 }] }),
        )
        .await;
    assert_eq!(field_code(&r, "slots[0].category"), "category_unknown");
}

#[tokio::test]
async fn deleting_asks_first_says_what_goes_and_keeps_learners_work() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (course, run, module, item, q) = quiz_course(&mut a).await;
    let r = a
        .put(
            &format!("/api/v1/runs/{run}/items/{item}/quiz"),
            serde_json::json!({ "slots": [{ "type": "question", "question_id": q["Sky"] }] }),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);

    // Before any attempt: the confirmation names the module's items; deleting needs its POST.
    let confirm = format!("/teach/runs/{run}/modules/{module}/delete");
    let p = a.c.get(&confirm).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.text.contains("Delete the module “Week 1”?"), "{}", p.text);
    assert!(p.text.contains("Its only item is deleted with it:"));
    assert!(p.text.contains("Quiz 1"));
    assert!(p.text.contains("Yes, delete the module and its items"));

    // A question a quiz uses cannot be deleted.
    let qconfirm = format!("/teach/courses/{course}/questions/{}/delete", q["Sky"]);
    let p = a.c.get(&qconfirm).await;
    assert!(p.text.contains("A quiz uses this question."), "{}", p.text);
    assert!(!p.text.contains("Yes, delete the question"));
    let r = a.c.submit(&qconfirm, &qconfirm, &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    // One no quiz uses can, after its confirmation.
    let qconfirm = format!("/teach/courses/{course}/questions/{}/delete", q["Essay"]);
    let p = a.c.get(&qconfirm).await;
    assert!(p.text.contains("Yes, delete the question"), "{}", p.text);
    let r = a.c.submit(&qconfirm, &qconfirm, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

    // A learner attempts the quiz: the module and the quiz can no longer be deleted.
    let mut l = learner(&t, "lea@example.test", "Lea").await;
    assert!(l.enrol(&run, None).await.status.is_success());
    let r = l
        .post_empty(&format!("/api/v1/runs/{run}/items/{item}/attempts"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let p = a.c.get(&confirm).await;
    assert!(p.text.contains("This cannot be deleted"), "{}", p.text);
    assert!(
        p.text.contains("one learner&#x27;s quiz attempt")
            || p.text.contains("one learner's quiz attempt"),
        "{}",
        p.text
    );
    assert!(!p.text.contains("Yes, delete"));
    let r = a.c.submit(&confirm, &confirm, &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let item_confirm = format!("/teach/runs/{run}/items/{item}/delete");
    let r = a.c.submit(&item_confirm, &item_confirm, &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = a.delete(&format!("/api/v1/runs/{run}/items/{item}")).await;
    assert_eq!(error_code(&r), "item_has_work");
    assert!(a
        .c
        .get(&format!("/teach/runs/{run}/outline"))
        .await
        .text
        .contains("Quiz 1"));

    // The outline and the item editor keep Delete apart from Save: a link to the confirmation.
    let o = a.c.get(&format!("/teach/runs/{run}/outline")).await;
    assert!(!o.text.contains(&format!("action=\"{confirm}\"")));
    assert!(o.text.contains(&format!("href=\"{confirm}\"")));
}

#[tokio::test]
async fn items_move_between_modules_and_forms_show_what_applies() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let (cid, run, module) = course(&mut root).await;
    let outline = format!("/teach/runs/{run}/outline");
    let r = root
        .submit(
            &outline,
            &format!("/teach/runs/{run}/modules"),
            &[("title", "Week 2"), ("published", "true")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let week2 = r.location().rsplit("#module-").next().unwrap().to_owned();
    let page = root.get(&outline).await;
    let item = between(&page.text, "id=\"item-", "\"").to_owned();
    let editor = format!("/teach/runs/{run}/items/{item}");
    let e = root.get(&editor).await;
    assert!(e.text.contains("Move to another module"), "{}", e.text);
    let r = root
        .submit(
            &editor,
            &format!("{editor}/module"),
            &[("module_id", &week2)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = root.get(&outline).await;
    let w2 = between(&page.text, &format!("id=\"module-{week2}\""), "</section>");
    assert!(w2.contains("Welcome"), "{w2}");
    let w1 = between(&page.text, &format!("id=\"module-{module}\""), "</section>");
    assert!(!w1.contains(">Welcome<"), "{w1}");
    let r = root
        .submit(
            &editor,
            &format!("{editor}/module"),
            &[("module_id", "nope")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("id=\"mv-module_id-error\""));

    // The run settings show the code only for the code policy, the restrictions only for a
    // restricted run.
    let code = between(&page.text, "data-show-if=\"policy: code\"", ">");
    assert!(code.contains("hidden"), "open run: {code}");
    let r = root
        .submit(
            &outline,
            &format!("/teach/runs/{run}"),
            &[
                ("name", "Spring 2027"),
                ("policy", "code"),
                ("enrolment_code", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = between(&r.text, "data-show-if=\"policy: code\"", "</div>");
    assert!(!code.starts_with(" hidden"), "{code}");
    let restricted = between(&r.text, "data-show-if=\"policy: restricted\"", ">");
    assert!(restricted.contains("hidden"));

    // A course with an edition keeps its "new edition" panel closed; a new course (below)
    // opens it: adding an edition is the next step.
    let c = root.get(&format!("/teach/courses/{cid}")).await;
    assert!(c.text.contains("id=\"new-run\">"), "{}", c.text);
    let r = root
        .submit(
            "/teach/courses/new",
            "/teach/courses/new",
            &[
                ("code", "nx1"),
                ("title", "Next"),
                ("language", "en"),
                ("format", "mooc"),
                ("visibility", "listed"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let c = root.get(&r.location()).await;
    assert!(c.text.contains("id=\"new-run\" open"), "{}", c.text);
}

#[tokio::test]
async fn the_empty_teaching_page_guides_the_first_course() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let p = root.get("/teach").await;
    assert!(p.text.contains("Build your first course"), "{}", p.text);
    assert!(p.text.contains("Create the first course"));
    let c = page_course(
        &mut root,
        &PageCourse {
            code: "e1",
            title: "E",
            summary: None,
            run: "R",
            items: &[],
        },
    )
    .await;
    assert!(!c.run.is_empty());
    assert!(!root
        .get("/teach")
        .await
        .text
        .contains("Build your first course"));
}
