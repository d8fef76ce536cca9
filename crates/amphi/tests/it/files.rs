//! Course files end to end: the course team uploads files, videos and subtitles through the
//! item editor (multipart, CSRF first), learners download them (ranges, ETag), uploads that
//! lie about their type, are too large or lack the token are refused with nothing stored, and
//! watching 90 % of a video completes it.

use crate::fixtures::*;
use crate::support::*;
use axum::http::{header, Method, StatusCode};
use sea_orm::{EntityTrait, PaginatorTrait};

const PDF: &[u8] = b"%PDF-1.4\n% Amphi test handout\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const VTT: &[u8] = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nBonjour à tous\n".as_bytes();
const MP4: &[u8] = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08free";

struct Course {
    run: String,
    file_item: String,
    video_item: String,
    draft_item: String,
}

/// A published course with one module: a file item and a video item (published) and a file
/// item left as a draft.
async fn build_course(t: &TestApp, root: &mut Client) -> Course {
    let item = |kind, title, published| PageItem {
        kind,
        title,
        body: None,
        published,
    };
    let course = page_course(
        root,
        &PageCourse {
            code: "fil101",
            title: "Files and videos",
            summary: None,
            run: "Autumn",
            items: &[
                item("file", "Handout", true),
                item("video", "Lecture", true),
                item("file", "Draft notes", false),
            ],
        },
    )
    .await;
    let (run, ids) = (course.run, course.items);
    // Structure caches key on the run's change time; the test clock stands still otherwise.
    t.clock.advance(chrono::Duration::seconds(1));
    Course {
        run,
        file_item: ids[0].clone(),
        video_item: ids[1].clone(),
        draft_item: ids[2].clone(),
    }
}

/// Uploads through the item editor's form, with the page's CSRF token first.
async fn upload(
    c: &mut Client,
    run: &str,
    item: &str,
    purpose: &str,
    lang: Option<&str>,
    file: (&str, &str, &[u8]),
) -> Resp {
    let page = c.get(&format!("/teach/runs/{run}/items/{item}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let csrf = page.csrf();
    let mut fields = vec![("csrf", csrf.as_str()), ("purpose", purpose)];
    if let Some(l) = lang {
        fields.push(("lang", l));
    }
    let (ct, body) = multipart(&fields, Some(file));
    c.request(
        Method::POST,
        &format!("/teach/runs/{run}/items/{item}/upload"),
        Some(&ct),
        body,
    )
    .await
}

async fn get_with(c: &mut Client, path: &str, headers: &[(&str, &str)]) -> Resp {
    let saved = c.headers.len();
    for (k, v) in headers {
        c.headers.push(((*k).to_owned(), (*v).to_owned()));
    }
    let r = c.get(path).await;
    c.headers.truncate(saved);
    r
}

async fn stored_rows(t: &TestApp) -> u64 {
    amphi_db::entities::stored_file::Entity::find()
        .count(t.app.db.reader())
        .await
        .unwrap()
}

/// Files (not folders) under the storage folder.
fn stored_objects(dir: &std::path::Path) -> usize {
    fn walk(d: &std::path::Path) -> usize {
        std::fs::read_dir(d)
            .map(|rd| {
                rd.flatten()
                    .map(|e| {
                        let p = e.path();
                        if p.is_dir() {
                            walk(&p)
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(dir)
}

async fn app_with_storage(max: Option<u64>) -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    let t = TestApp::with_config(|c| {
        c.storage.local_dir = files.display().to_string();
        if let Some(m) = max {
            c.storage.max_upload_bytes = m;
        }
    })
    .await;
    (t, dir)
}

async fn enrol(t: &TestApp, email: &str, name: &str, run: &str) -> Client {
    let mut c = t.member(email, name).await;
    let r = c
        .submit("/courses/FIL101", &format!("/runs/{run}/enrol"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    c
}

#[tokio::test]
async fn files_upload_and_download_with_ranges_and_etags() {
    let (t, dir) = app_with_storage(None).await;
    let mut root = t.platform_admin().await;
    let c = build_course(&t, &mut root).await;
    let run = c.run.as_str();

    // The editor of a file item offers the upload form, the token first.
    let editor = root
        .get(&format!("/teach/runs/{run}/items/{}", c.file_item))
        .await;
    let form = between(&editor.text, "enctype=\"multipart/form-data\"", "</form>");
    let csrf_at = form.find("name=\"csrf\"").unwrap();
    assert!(csrf_at < form.find("name=\"file\"").unwrap(), "{form}");

    let r = upload(
        &mut root,
        run,
        &c.file_item,
        "file",
        None,
        ("Handout été.pdf", "application/pdf", PDF),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let files_page = root.get(&r.location()).await;
    assert!(
        files_page.text.contains("Handout été.pdf")
            && files_page.text.contains("has been uploaded"),
        "{}",
        files_page.text
    );
    let r = upload(
        &mut root,
        run,
        &c.video_item,
        "video",
        None,
        ("lecture.mp4", "video/mp4", MP4),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = upload(
        &mut root,
        run,
        &c.video_item,
        "subtitles",
        Some("fr"),
        ("lecture.fr.vtt", "text/vtt", VTT),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // The same language again replaces the track (and its file).
    let r = upload(
        &mut root,
        run,
        &c.video_item,
        "subtitles",
        Some("fr"),
        ("lecture-v2.fr.vtt", "text/vtt", VTT),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = upload(
        &mut root,
        run,
        &c.draft_item,
        "file",
        None,
        ("draft.pdf", "application/pdf", PDF),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(stored_rows(&t).await, 4);
    assert_eq!(stored_objects(dir.path()), 4);
    let video_editor = root
        .get(&format!("/teach/runs/{run}/items/{}/files", c.video_item))
        .await;
    assert!(
        video_editor.text.contains("lecture-v2.fr.vtt")
            && !video_editor.text.contains("lecture.fr.vtt")
            && video_editor.text.contains("lecture.mp4"),
        "{}",
        video_editor.text
    );
    let draft_file = between(
        &root
            .get(&format!("/teach/runs/{run}/items/{}/files", c.draft_item))
            .await
            .text,
        &format!("/files/{run}/"),
        "\"",
    )
    .to_owned();

    // A learner sees a download link with the size, and the video with its subtitles.
    let mut ada = enrol(&t, "ada@example.test", "Ada", run).await;
    let item = ada
        .get(&format!("/learn/{run}/items/{}", c.file_item))
        .await;
    assert_eq!(item.status, StatusCode::OK, "{}", item.text);
    let file_url = format!(
        "/files/{run}/{}",
        between(&item.text, &format!("/files/{run}/"), "\"")
    );
    assert!(
        item.text.contains(&format!("({} bytes)", PDF.len())),
        "{}",
        item.text
    );
    let video = ada
        .get(&format!("/learn/{run}/items/{}", c.video_item))
        .await;
    // minijinja escapes `/` in attribute values.
    let video_html = video.text.replace("&#x2f;", "/");
    assert!(
        video_html.contains("<video controls preload=\"metadata\"")
            && video_html.contains("type=\"video/mp4\"")
            && video_html.contains("<track kind=\"subtitles\"")
            && video_html.contains("srclang=\"fr\" label=\"Français\"")
            && video_html.contains("/static/video-progress.js?v=")
            && video_html.contains("data-track-progress=\"true\""),
        "{}",
        video.text
    );
    let track_url = between(&video.text, "<track kind=\"subtitles\" src=\"", "\"").to_owned();

    let r = ada.get(&file_url).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(r.text.as_bytes(), PDF);
    assert_eq!(r.headers[header::CONTENT_LENGTH], PDF.len().to_string());
    assert_eq!(r.headers[header::ACCEPT_RANGES], "bytes");
    assert_eq!(r.headers[header::CACHE_CONTROL], "private, max-age=3600");
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let disp = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disp.starts_with("inline;")
            && disp.contains("filename*=UTF-8''Handout%20%C3%A9t%C3%A9.pdf"),
        "{disp}"
    );
    let etag = r.headers[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(etag.len(), 66, "{etag}");

    let r = get_with(&mut ada, &file_url, &[("range", "bytes=0-9")]).await;
    assert_eq!(r.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.text.as_bytes(), &PDF[..10]);
    assert_eq!(
        r.headers[header::CONTENT_RANGE],
        format!("bytes 0-9/{}", PDF.len())
    );
    let r = get_with(&mut ada, &file_url, &[("range", "bytes=-5")]).await;
    assert_eq!(r.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.text.as_bytes(), &PDF[PDF.len() - 5..]);
    let r = get_with(&mut ada, &file_url, &[("range", "bytes=999999-")]).await;
    assert_eq!(r.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        r.headers[header::CONTENT_RANGE],
        format!("bytes */{}", PDF.len())
    );
    let r = get_with(&mut ada, &file_url, &[("if-none-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.text.is_empty());

    let r = ada.get(&track_url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "text/vtt; charset=utf-8");
    assert_eq!(r.text.as_bytes(), VTT);

    // A draft item's file is not the learner's to see; the team's it is.
    assert_eq!(
        ada.get(&format!("/files/{run}/{draft_file}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        root.get(&format!("/files/{run}/{draft_file}")).await.status,
        StatusCode::OK
    );

    // Someone not enrolled, and a visitor, get nothing.
    let mut bob = t.member("bob@example.test", "Bob").await;
    assert_eq!(bob.get(&file_url).await.status, StatusCode::NOT_FOUND);
    let mut anon = t.client();
    assert_eq!(anon.get(&file_url).await.status, StatusCode::SEE_OTHER);
    // A learner cannot upload, even with a valid token.
    let csrf = ada.get(&format!("/learn/{run}")).await.csrf();
    let (ct, body) = multipart(
        &[("csrf", csrf.as_str()), ("purpose", "file")],
        Some(("x.pdf", "application/pdf", PDF)),
    );
    let r = ada
        .request(
            Method::POST,
            &format!("/teach/runs/{run}/items/{}/upload", c.file_item),
            Some(&ct),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(stored_rows(&t).await, 4);
}

#[tokio::test]
async fn uploads_whose_content_lies_are_refused_and_nothing_is_stored() {
    let (t, dir) = app_with_storage(None).await;
    let mut root = t.platform_admin().await;
    let c = build_course(&t, &mut root).await;
    let run = c.run.as_str();
    for (purpose, item, file) in [
        (
            "file",
            &c.file_item,
            (
                "report.pdf",
                "application/pdf",
                &b"<html><script>alert(1)</script></html>"[..],
            ),
        ),
        (
            "file",
            &c.file_item,
            (
                "tool.exe",
                "application/octet-stream",
                &b"MZ\x90\x00\x03"[..],
            ),
        ),
        (
            "file",
            &c.file_item,
            ("notes.txt", "text/plain", &b"abc\x00\x01\x02"[..]),
        ),
        ("video", &c.video_item, ("movie.mp4", "video/mp4", PDF)),
        (
            "subtitles",
            &c.video_item,
            (
                "fr.vtt",
                "text/vtt",
                &b"1\n00:00:01,000 --> 00:00:02,000\nHi\n"[..],
            ),
        ),
        // A video item takes no plain files.
        (
            "file",
            &c.video_item,
            ("report.pdf", "application/pdf", PDF),
        ),
    ] {
        let lang = (purpose == "subtitles").then_some("fr");
        let r = upload(&mut root, run, item, purpose, lang, file).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: {}",
            file.0,
            r.text
        );
        assert!(
            r.text.contains("not accepted here") || r.text.contains("Choose one of the options"),
            "{}",
            r.text
        );
        // The form comes back, with its upload form.
        assert!(r.text.contains("multipart/form-data"), "{}", r.text);
    }
    let r = upload(
        &mut root,
        run,
        &c.file_item,
        "file",
        None,
        ("empty.pdf", "application/pdf", b""),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("The file is empty."), "{}", r.text);
    assert_eq!(stored_rows(&t).await, 0);
    assert_eq!(stored_objects(dir.path()), 0);
}

#[tokio::test]
async fn uploads_over_the_limit_are_refused_and_nothing_is_stored() {
    let (t, dir) = app_with_storage(Some(2048)).await;
    let mut root = t.platform_admin().await;
    let c = build_course(&t, &mut root).await;
    let run = c.run.as_str();
    let editor = root
        .get(&format!("/teach/runs/{run}/items/{}/files", c.file_item))
        .await;
    assert!(
        editor.text.contains("Largest file: 1 MB."),
        "{}",
        editor.text
    );
    for size in [3_000usize, 200_000] {
        let mut big = PDF.to_vec();
        big.resize(size, b'x');
        let r = upload(
            &mut root,
            run,
            &c.file_item,
            "file",
            None,
            ("big.pdf", "application/pdf", &big),
        )
        .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
        assert!(r.text.contains("The file is too large."), "{}", r.text);
    }
    // Just under the limit is fine.
    let mut ok = PDF.to_vec();
    ok.resize(2048, b'x');
    let r = upload(
        &mut root,
        run,
        &c.file_item,
        "file",
        None,
        ("ok.pdf", "application/pdf", &ok),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(stored_rows(&t).await, 1);
    assert_eq!(stored_objects(dir.path()), 1);
}

#[tokio::test]
async fn uploads_without_the_token_first_are_refused() {
    let (t, dir) = app_with_storage(None).await;
    let mut root = t.platform_admin().await;
    let c = build_course(&t, &mut root).await;
    let path = format!("/teach/runs/{}/items/{}/upload", c.run, c.file_item);
    let csrf = root
        .get(&format!("/teach/runs/{}/items/{}", c.run, c.file_item))
        .await
        .csrf();
    let file = Some(("a.pdf", "application/pdf", PDF));
    for fields in [
        vec![("purpose", "file")],
        vec![("csrf", "forged"), ("purpose", "file")],
        // The right token, but after another field.
        vec![("purpose", "file"), ("csrf", csrf.as_str())],
    ] {
        let (ct, body) = multipart(&fields, file);
        let r = root.request(Method::POST, &path, Some(&ct), body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{fields:?}: {}", r.text);
    }
    // Not multipart at all.
    let r = root
        .post_raw(&path, &[("csrf", csrf.as_str()), ("purpose", "file")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(stored_rows(&t).await, 0);
    assert_eq!(stored_objects(dir.path()), 0);
}

#[tokio::test]
async fn watching_ninety_percent_of_a_video_completes_it() {
    let (t, _dir) = app_with_storage(None).await;
    let mut root = t.platform_admin().await;
    let c = build_course(&t, &mut root).await;
    let run = c.run.as_str();
    let r = upload(
        &mut root,
        run,
        &c.video_item,
        "video",
        None,
        (
            "lecture.webm",
            "video/webm",
            b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\xF7\x81\x01\x42\x82\x84webm\x42\x87\x81\x04",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    t.clock.advance(chrono::Duration::seconds(1));

    let mut ada = enrol(&t, "ada@example.test", "Ada", run).await;
    let item_path = format!("/learn/{run}/items/{}", c.video_item);
    let page = ada.get(&item_path).await;
    assert!(
        page.text.contains("type=\"video&#x2f;webm\""),
        "{}",
        page.text
    );
    let csrf = page.csrf();
    let progress = format!("{item_path}/progress");
    let home = ada.get(&format!("/learn/{run}")).await;
    assert!(home.text.contains("0 % (0 of 2 items)"), "{}", home.text);

    let r = ada
        .post_raw(
            &progress,
            &[("csrf", &csrf), ("watched", "50"), ("duration", "100")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = ada
        .post_raw(
            &progress,
            &[("csrf", &csrf), ("watched", "89.4"), ("duration", "100")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let home = ada.get(&format!("/learn/{run}")).await;
    assert!(home.text.contains("0 % (0 of 2 items)"), "{}", home.text);

    // Bad numbers, a missing field, a wrong token.
    for (w, d) in [
        ("-1", "100"),
        ("10", "0"),
        ("200", "100"),
        ("abc", "100"),
        ("NaN", "100"),
        ("5", "inf"),
    ] {
        let r = ada
            .post_raw(
                &progress,
                &[("csrf", &csrf), ("watched", w), ("duration", d)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{w}/{d}: {}",
            r.text
        );
    }
    let r = ada
        .post_raw(&progress, &[("csrf", &csrf), ("watched", "95")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = ada
        .post_raw(
            &progress,
            &[("csrf", "forged"), ("watched", "95"), ("duration", "100")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Progress on a file item is refused.
    let r = ada
        .post_raw(
            &format!("/learn/{run}/items/{}/progress", c.file_item),
            &[("csrf", &csrf), ("watched", "95"), ("duration", "100")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let home = ada.get(&format!("/learn/{run}")).await;
    assert!(home.text.contains("0 % (0 of 2 items)"), "{}", home.text);

    // 90 % watched: completed, once.
    let r = ada
        .post_raw(
            &progress,
            &[("csrf", &csrf), ("watched", "90"), ("duration", "100")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let home = ada.get(&format!("/learn/{run}")).await;
    assert!(home.text.contains("50 % (1 of 2 items)"), "{}", home.text);
    let r = ada
        .post_raw(
            &progress,
            &[("csrf", &csrf), ("watched", "100"), ("duration", "100")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let home = ada.get(&format!("/learn/{run}")).await;
    assert!(home.text.contains("50 % (1 of 2 items)"), "{}", home.text);
    let page = ada.get(&item_path).await;
    assert!(!page.text.contains("data-track-progress"), "{}", page.text);

    // The course team previewing is not a learner: nothing to record.
    let root_csrf = root.get(&item_path).await.csrf();
    let r = root
        .post_raw(
            &progress,
            &[("csrf", &root_csrf), ("watched", "95"), ("duration", "100")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}

#[tokio::test]
async fn a_new_editions_files_are_its_own_and_survive_the_old_run() {
    let (t, dir) = app_with_storage(None).await;
    let mut root = t.platform_admin().await;
    let course = build_course(&t, &mut root).await;
    let r = upload(
        &mut root,
        &course.run,
        &course.file_item,
        "file",
        None,
        ("handout.pdf", "application/pdf", PDF),
    )
    .await;
    assert!(
        r.status.is_redirection() || r.status.is_success(),
        "{}",
        r.text
    );
    let outline = format!("/teach/runs/{}/outline", course.run);
    let r = root
        .submit(
            &outline,
            &format!("/teach/runs/{}/editions", course.run),
            &[("name", "Autumn"), ("starts_at", "2030-09-01T09:00")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let new_run = between(&r.location(), "/teach/runs/", "/outline").to_owned();
    let r = root
        .submit(
            &r.location(),
            &format!("/teach/runs/{new_run}"),
            &[
                ("name", "Autumn"),
                ("policy", "open"),
                ("published", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(stored_rows(&t).await, 2, "the new edition has its own row");
    let objects = stored_objects(&dir.path().join("files"));
    assert_eq!(objects, 1, "for the same stored object");

    // A learner of the new edition downloads the handout through the new edition.
    let mut l = enrol(&t, "late@example.test", "Late", &new_run).await;
    let home = l.get(&format!("/learn/{new_run}")).await;
    let mut link = None;
    for part in home.text.split(&format!("/learn/{new_run}/items/")).skip(1) {
        let item = &part[..36];
        let page = l.get(&format!("/learn/{new_run}/items/{item}")).await;
        if let Some(i) = page.text.find(&format!("/files/{new_run}/")) {
            link = Some(page.text[i..i + 7 + 36 + 1 + 36].to_owned());
            break;
        }
    }
    let link = link.expect("a download link in the new edition");
    let r = l.get(&link).await;
    assert_eq!(r.status, StatusCode::OK, "{link}");
    assert!(r.text.starts_with("%PDF"));

    // Replacing the handout in the old run keeps the new edition's copy.
    let other = b"%PDF-1.4\n% another handout\n%%EOF\n";
    let r = upload(
        &mut root,
        &course.run,
        &course.file_item,
        "file",
        None,
        ("v2.pdf", "application/pdf", other),
    )
    .await;
    assert!(
        r.status.is_redirection() || r.status.is_success(),
        "{}",
        r.text
    );
    let r = l.get(&link).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("Amphi test handout"));
}
