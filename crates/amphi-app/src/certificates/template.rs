//! The tenant's template: texts, colour, logo and signatures, and a preview.

use super::issue::{branding, language_of, render, signatures, stored_signatures};
use super::views::{SignatureView, StoredSignature, Template, TemplateForm};
use super::MAX_IMAGE_BYTES;
use crate::users::User;
use crate::{App, Caller};
use amphi_cert::{Branding, CertificateInput, ImageFormat, Language, Signature};
use amphi_core::codes;
use amphi_core::policy::{require, Action, Resource};
use amphi_core::validate::{Colour, Locale};
use amphi_core::{error::Fields, Error, Result, TenantId};
use amphi_db::repo::{audit, certificates as repo, tenants as repo_t};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutPayload};
use uuid::Uuid;

fn template_view(t: &rows::Tenant, row: Option<&rows::CertificateTemplate>) -> Template {
    let colour = row.and_then(|r| r.colour.clone());
    Template {
        effective_colour: colour.clone().unwrap_or_else(|| t.primary_colour.clone()),
        colour,
        show_grade: row.is_none_or(|r| r.show_grade),
        has_logo: row.is_some_and(|r| r.logo_key.is_some()),
        signatures: stored_signatures(row)
            .into_iter()
            .map(|s| SignatureView {
                has_image: s.image_key.is_some(),
                name: s.name,
                title: s.title,
            })
            .collect(),
    }
}

async fn admin_tenant(app: &App, user: &User, tenant: TenantId) -> Result<rows::Tenant> {
    require(&user.actor(), Action::Update, Resource::Tenant(tenant))?;
    repo_t::by_id(app.db.reader(), tenant)
        .await?
        .ok_or(Error::NotFound)
}

fn empty_template(tenant: TenantId, now: DateTime<Utc>) -> rows::CertificateTemplate {
    rows::CertificateTemplate {
        tenant_id: tenant.0,
        colour: None,
        show_grade: true,
        logo_key: None,
        logo_format: None,
        signatures: "[]".into(),
        updated_at: now,
    }
}

/// The tenant's certificate template (tenant administrators).
pub async fn template(app: &App, caller: &Caller) -> Result<Template> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let t = admin_tenant(app, user, tenant).await?;
    let row = repo::template(app.db.reader(), tenant).await?;
    Ok(template_view(&t, row.as_ref()))
}

/// Saves colour, grade and signature names (tenant administrators). Signature images stay
/// with their line; clearing a name removes that signature and its image.
pub async fn save_template(app: &App, caller: &Caller, form: &TemplateForm) -> Result<Template> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let t = admin_tenant(app, user, tenant).await?;
    let mut f = Fields::default();
    let colour = match form.colour.trim() {
        "" => None,
        c => match Colour::parse("colour", c) {
            Ok(c) => Some(c.as_str().to_owned()),
            Err(_) => {
                f.push("colour", codes::COLOUR_INVALID);
                None
            }
        },
    };
    let mut names = Vec::new();
    for (i, (name, title)) in [
        (&form.signature1_name, &form.signature1_title),
        (&form.signature2_name, &form.signature2_title),
    ]
    .into_iter()
    .enumerate()
    {
        let n = i + 1;
        let name = name.trim();
        if name.is_empty() {
            names.push(None);
            continue;
        }
        let name = f.check(amphi_core::validate::short_text(
            &format!("signature{n}_name"),
            name,
            120,
        ));
        let title = if title.trim().is_empty() {
            Some(String::new())
        } else {
            f.check(amphi_core::validate::short_text(
                &format!("signature{n}_title"),
                title,
                160,
            ))
        };
        names.push(name.zip(title));
    }
    f.finish()?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let mut row = repo::template(&txn, tenant)
        .await?
        .unwrap_or_else(|| empty_template(tenant, now));
    let old = stored_signatures(Some(&row));
    let mut dropped = Vec::new();
    let mut sigs = Vec::new();
    for (i, entry) in names.into_iter().enumerate() {
        let previous = old.get(i).cloned().unwrap_or_default();
        match entry {
            Some((name, title)) => sigs.push(StoredSignature {
                name,
                title,
                ..previous
            }),
            None => {
                dropped.extend(previous.image_key);
                sigs.push(StoredSignature::default());
            }
        }
    }
    // Keep positions (signature 2 without signature 1 is allowed) but drop trailing blanks.
    while sigs.last().is_some_and(|s| s.name.is_empty()) {
        sigs.pop();
    }
    row.colour = colour;
    row.show_grade = form.show_grade.is_some();
    row.signatures = serde_json::to_string(&sigs).map_err(Error::internal)?;
    row.updated_at = now;
    repo::save_template(&txn, tenant, row.clone()).await?;
    audit::Event::new("certificate.template_changed", tenant)
        .actor(user.id)
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    delete_objects(app, &dropped).await;
    Ok(template_view(&t, Some(&row)))
}

/// Which image of the template an upload replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateImage {
    /// The logo.
    Logo,
    /// The picture of signature 1 or 2.
    Signature(usize),
}

fn format_name(f: ImageFormat) -> &'static str {
    match f {
        ImageFormat::Png => "png",
        ImageFormat::Jpeg => "jpeg",
        ImageFormat::Svg => "svg",
    }
}

/// Sets (or, with no bytes, removes) the logo or a signature picture (tenant
/// administrators). The image must be PNG, JPEG or SVG, at most 1 MiB, and one typst can
/// draw: it is tried on a sample certificate before it is kept.
pub async fn set_template_image(
    app: &App,
    caller: &Caller,
    which: TemplateImage,
    bytes: Option<Vec<u8>>,
) -> Result<Template> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let t = admin_tenant(app, user, tenant).await?;
    let field = match which {
        TemplateImage::Logo => "logo".to_owned(),
        TemplateImage::Signature(n) => format!("signature{n}_image"),
    };
    if let TemplateImage::Signature(n) = which {
        if !(1..=amphi_cert::MAX_SIGNATURES).contains(&n) {
            return Err(Error::NotFound);
        }
    }
    let image = match bytes {
        None => None,
        Some(b) if b.is_empty() => return Err(Error::field(&field, codes::FILE_REQUIRED)),
        Some(b) if b.len() > MAX_IMAGE_BYTES => {
            return Err(Error::field(&field, codes::IMAGE_TOO_LARGE))
        }
        Some(b) => {
            let format = ImageFormat::sniff(&b)
                .ok_or_else(|| Error::field(&field, codes::IMAGE_TYPE_INVALID))?;
            let img = amphi_cert::Image { bytes: b, format };
            check_image(&t, img.clone(), which, app.now().date_naive())
                .await
                .map_err(|_| Error::field(&field, codes::IMAGE_INVALID))?;
            Some(img)
        }
    };
    let now = app.now();
    let mut row = repo::template(app.db.reader(), tenant)
        .await?
        .unwrap_or_else(|| empty_template(tenant, now));
    let mut sigs = stored_signatures(Some(&row));
    if let TemplateImage::Signature(n) = which {
        if sigs.get(n - 1).is_none_or(|s| s.name.is_empty()) {
            return Err(Error::field(&field, codes::SIGNATURE_NAME_FIRST));
        }
    }
    let new_key = match &image {
        Some(img) => {
            let key = format!(
                "tenants/{}/certificate-template/{}",
                tenant.0,
                Uuid::now_v7()
            );
            app.storage
                .store()?
                .put(
                    &ObjectPath::from(key.as_str()),
                    PutPayload::from(img.bytes.clone()),
                )
                .await
                .map_err(Error::internal)?;
            Some((key, format_name(img.format).to_owned()))
        }
        None => None,
    };
    let old_key = match which {
        TemplateImage::Logo => {
            let old = row.logo_key.take();
            row.logo_format = None;
            if let Some((k, f)) = new_key {
                row.logo_key = Some(k);
                row.logo_format = Some(f);
            }
            old
        }
        TemplateImage::Signature(n) => {
            let s = &mut sigs[n - 1];
            let old = s.image_key.take();
            s.image_format = None;
            if let Some((k, f)) = new_key {
                s.image_key = Some(k);
                s.image_format = Some(f);
            }
            old
        }
    };
    row.signatures = serde_json::to_string(&sigs).map_err(Error::internal)?;
    row.updated_at = now;
    let txn = app.db.begin().await?;
    repo::save_template(&txn, tenant, row.clone()).await?;
    audit::Event::new("certificate.template_changed", tenant)
        .actor(user.id)
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "image": field, "removed": image.is_none() }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    delete_objects(app, &old_key.into_iter().collect::<Vec<_>>()).await;
    Ok(template_view(&t, Some(&row)))
}

/// Renders a sample certificate with the image, so one typst cannot draw is refused now
/// rather than failing every certificate later.
async fn check_image(
    t: &rows::Tenant,
    img: amphi_cert::Image,
    which: TemplateImage,
    today: chrono::NaiveDate,
) -> std::result::Result<(), amphi_cert::RenderError> {
    let mut input = sample_input(t, Language::En, "https://example.invalid/verify/X", today);
    match which {
        TemplateImage::Logo => input.branding.logo = Some(img),
        TemplateImage::Signature(_) => input.signatures.push(Signature {
            name: "Sample".into(),
            title: String::new(),
            image: Some(img),
        }),
    }
    crate::blocking(move || amphi_cert::render(&input).map(|_| ()))
        .await
        .map_err(|e| amphi_cert::RenderError::Typst(e.to_string()))?
}

fn sample_input(
    t: &rows::Tenant,
    language: Language,
    verify_url: &str,
    today: chrono::NaiveDate,
) -> CertificateInput {
    CertificateInput {
        learner_name: match language {
            Language::En => "Sample Learner".into(),
            Language::Fr => "Apprenant Exemple".into(),
        },
        course_title: match language {
            Language::En => "Sample course".into(),
            Language::Fr => "Cours d’exemple".into(),
        },
        run_title: "2026".into(),
        run_starts: None,
        run_ends: None,
        issued_on: today,
        grade_percent: Some(92.5),
        language,
        branding: Branding {
            name: t.name.clone(),
            colour: t.primary_colour.clone(),
            logo: None,
        },
        signatures: Vec::new(),
        verify_url: verify_url.into(),
        code: "SAMP-LE23-4567".into(),
    }
}

/// A sample certificate with the template as saved, in a language (tenant administrators).
pub async fn preview(app: &App, caller: &Caller, locale: Locale) -> Result<Vec<u8>> {
    let (user, tenant, base_url) = (&caller.user, caller.tenant, caller.meta.base_url.as_str());
    let t = admin_tenant(app, user, tenant).await?;
    let row = repo::template(app.db.reader(), tenant).await?;
    let mut input = sample_input(
        &t,
        language_of(locale),
        &format!("{base_url}/verify/SAMP-LE23-4567"),
        app.now().date_naive(),
    );
    input.branding = branding(app, &t, row.as_ref()).await;
    input.signatures = signatures(app, row.as_ref()).await;
    if !row.as_ref().is_none_or(|r| r.show_grade) {
        input.grade_percent = None;
    }
    render(input).await
}

async fn delete_objects(app: &App, keys: &[String]) {
    if keys.is_empty() {
        return;
    }
    let Ok(store) = app.storage.store() else {
        return;
    };
    for k in keys {
        if let Err(e) = store.delete(&ObjectPath::from(k.as_str())).await {
            tracing::warn!(error = %e, "storage: could not delete a replaced certificate image");
        }
    }
}
