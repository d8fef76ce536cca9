//! minijinja templates embedded in the binary, overridable from a folder without forking:
//! `<templates_dir>/<name>` for the whole platform, `<templates_dir>/tenants/<slug>/<name>` for
//! one tenant.

use amphi_app::i18n;
use amphi_core::validate::Locale;
use include_dir::{include_dir, Dir};
use minijinja::value::Kwargs;
use minijinja::value::ValueKind;
use minijinja::{Environment, State, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, RwLock};

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../templates");

/// The icon sprite's address with a hash of its content (static files are cached for a year).
static ICONS_URL: LazyLock<String> = LazyLock::new(|| {
    let sprite = include_bytes!("../../../static/icons.svg");
    let hash = hex::encode(Sha256::digest(sprite));
    format!("/static/icons.svg?v={}", &hash[..12])
});

/// The template environments: one shared, and one per tenant that has its own overrides.
pub struct Templates {
    base: Arc<Environment<'static>>,
    dir: Option<PathBuf>,
    per_tenant: RwLock<HashMap<String, Arc<Environment<'static>>>>,
}

fn is_safe_name(name: &str) -> bool {
    !name.contains("..") && !name.starts_with('/') && !name.contains('\\')
}

fn make_env(dirs: Vec<PathBuf>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_loader(move |name| {
        if !is_safe_name(name) {
            return Ok(None);
        }
        for d in &dirs {
            let p = d.join(name);
            if p.is_file() {
                return std::fs::read_to_string(&p).map(Some).map_err(|e| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("cannot read {}: {e}", p.display()),
                    )
                });
            }
        }
        Ok(BUILTIN
            .get_file(name)
            .and_then(|f| f.contents_utf8())
            .map(str::to_owned))
    });
    env.add_function("t", translate);
    env.add_function("csrf_field", csrf_field);
    env.add_function("icon", icon);
    env.add_filter("datetime", datetime);
    env.add_filter("date", date);
    env.add_filter("num", num);
    env
}

/// A number as people write it: at most two decimals, no trailing zeros (`3`, `2.5`, `66.67`).
/// It stays a number, so that a message given it chooses its plural form.
fn num(v: Value) -> Value {
    let Ok(x) = f64::try_from(v.clone()) else {
        return Value::from(v.to_string());
    };
    if !x.is_finite() {
        return Value::from("");
    }
    let r = (x * 100.0).round() / 100.0;
    if r.fract() == 0.0 && r.abs() < 9.0e15 {
        Value::from(r as i64)
    } else {
        Value::from(r)
    }
}

fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let locale = state
        .lookup("locale")
        .and_then(|v| v.as_str().and_then(Locale::from_tag))
        .unwrap_or_default();
    let mut args: Vec<(&str, i18n::Arg)> = Vec::new();
    for k in kwargs.args() {
        let v: Value = kwargs.get(k)?;
        // Numbers stay numbers, so that they choose the message's plural form.
        let arg = match f64::try_from(v.clone()) {
            Ok(n) if v.kind() == ValueKind::Number => i18n::Arg::Number(n),
            _ => i18n::Arg::Text(v.to_string()),
        };
        args.push((k, arg));
    }
    if args.is_empty() {
        Ok(i18n::t(locale, key))
    } else {
        Ok(i18n::t_with(locale, key, &args))
    }
}

/// The hidden CSRF input every state-changing form sends first (the server checks it before
/// reading anything else of a multipart form). A function rather than a macro of
/// `macros.html`: a page that imports that file evaluates it on every render (about 3 µs, and
/// as much again for the two macro calls of the layout), which cost the course home 1-2 % of
/// its throughput.
fn csrf_field(token: &str) -> Value {
    let escaped = minijinja::HtmlEscape(token).to_string();
    Value::from_safe_string(format!(
        r#"<input type="hidden" name="csrf" value="{escaped}">"#
    ))
}

/// An icon of `static/icons.svg`, hidden from assistive technology: a text always goes beside
/// it. A function for the same reason as [`csrf_field`] (the header draws a dozen).
fn icon(name: &str, class: Option<&str>) -> Value {
    let mut out = String::from(r#"<svg class="icon"#);
    if let Some(c) = class.filter(|c| !c.is_empty()) {
        out.push(' ');
        out.push_str(&minijinja::HtmlEscape(c).to_string());
    }
    out.push_str(r#"" aria-hidden="true" focusable="false"><use href=""#);
    out.push_str(&ICONS_URL);
    out.push('#');
    out.push_str(&minijinja::HtmlEscape(name).to_string());
    out.push_str(r#""></use></svg>"#);
    Value::from_safe_string(out)
}

/// The page's language and the reader's time zone (`time_zone`, from the request context).
fn reader(state: &State) -> (Locale, chrono_tz::Tz) {
    let locale = state
        .lookup("locale")
        .and_then(|v| v.as_str().and_then(Locale::from_tag))
        .unwrap_or_default();
    let zone = state
        .lookup("time_zone")
        .and_then(|v| v.as_str().and_then(|z| z.parse::<chrono_tz::Tz>().ok()))
        .unwrap_or(chrono_tz::Tz::UTC);
    (locale, zone)
}

fn instant(v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(&v.to_string())
        .ok()
        .map(|d| d.with_timezone(&chrono::Utc))
}

/// `2026-11-28T18:02:10Z` -> `28 Nov 2026, 19:02 CET` / `28 nov. 2026 à 19:02 CET`, in the
/// reader's language and time zone.
fn datetime(state: &State, v: Value) -> String {
    let (locale, zone) = reader(state);
    match instant(&v) {
        Some(d) => amphi_app::localise::datetime(locale, zone, d),
        None => v.to_string(),
    }
}

/// The day only: `28 Nov 2026` / `28 nov. 2026`.
fn date(state: &State, v: Value) -> String {
    let (locale, zone) = reader(state);
    match instant(&v) {
        Some(d) => amphi_app::localise::date(locale, zone, d),
        None => v.to_string(),
    }
}

impl Templates {
    /// Built-in templates, with an optional override folder.
    pub fn new(dir: Option<String>) -> Self {
        let dir = dir.map(PathBuf::from);
        let base = Arc::new(make_env(dir.iter().cloned().collect()));
        Self {
            base,
            dir,
            per_tenant: RwLock::new(HashMap::new()),
        }
    }

    fn env_for(&self, tenant_slug: &str) -> Arc<Environment<'static>> {
        let Some(dir) = &self.dir else {
            return self.base.clone();
        };
        if let Some(e) = self
            .per_tenant
            .read()
            .ok()
            .and_then(|m| m.get(tenant_slug).cloned())
        {
            return e;
        }
        let tdir = dir.join("tenants").join(tenant_slug);
        let env = if tdir.is_dir() {
            Arc::new(make_env(vec![tdir, dir.clone()]))
        } else {
            self.base.clone()
        };
        if let Ok(mut m) = self.per_tenant.write() {
            m.insert(tenant_slug.to_owned(), env.clone());
        }
        env
    }

    /// Renders a template for a tenant.
    pub fn render(
        &self,
        tenant_slug: &str,
        name: &str,
        ctx: Value,
    ) -> Result<String, minijinja::Error> {
        let env = self.env_for(tenant_slug);
        let tpl = env.get_template(name)?;
        tpl.render(ctx)
    }

    /// Renders a template of the platform (no tenant's override): the content origin's pages.
    pub fn render_platform(&self, name: &str, ctx: Value) -> Result<String, minijinja::Error> {
        self.base.get_template(name)?.render(ctx)
    }

    /// Names of the built-in templates (for tests).
    pub fn builtin_names() -> Vec<String> {
        fn walk(d: &Dir<'static>, out: &mut Vec<String>) {
            for f in d.files() {
                out.push(f.path().to_string_lossy().into_owned());
            }
            for sub in d.dirs() {
                walk(sub, out);
            }
        }
        let mut v = Vec::new();
        walk(&BUILTIN, &mut v);
        v
    }
}

/// An empty map for templates: no values, no errors.
pub fn no_values() -> minijinja::Value {
    minijinja::context! {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    fn render(src: &str, ctx: Value) -> String {
        let env = make_env(vec![]);
        env.render_str(src, ctx).unwrap()
    }

    #[test]
    fn dates_follow_the_readers_language_and_zone() {
        let at = "2026-12-07T13:05:00Z";
        let en = render(
            "{{ at|datetime }} · {{ at|date }}",
            context! { at, locale => "en", time_zone => "Europe/Paris" },
        );
        assert_eq!(en, "7 Dec 2026, 14:05 CET · 7 Dec 2026");
        let fr = render(
            "{{ at|datetime }}",
            context! { at, locale => "fr", time_zone => "America/Montreal" },
        );
        assert_eq!(fr, "7 déc. 2026 à 08:05 EST");
        // No zone known: UTC, said so.
        let utc = render("{{ at|datetime }}", context! { at, locale => "en" });
        assert_eq!(utc, "7 Dec 2026, 13:05 UTC");
        // Not a date: shown as is.
        assert_eq!(render("{{ x|datetime }}", context! { x => "soon" }), "soon");
    }
}

/// The global functions that stand in for macros.
#[cfg(test)]
mod global_functions {
    use super::*;

    #[test]
    fn icon_renders_the_sprite_symbol_hidden_from_assistive_technology() {
        let env = make_env(Vec::new());
        let out = env
            .render_str(
                r#"{{ icon("menu") }}{{ icon("x", "big") }}"#,
                minijinja::context! {},
            )
            .unwrap();
        let url = ICONS_URL.as_str();
        assert_eq!(
            out,
            format!(
                r##"<svg class="icon" aria-hidden="true" focusable="false"><use href="{url}#menu"></use></svg><svg class="icon big" aria-hidden="true" focusable="false"><use href="{url}#x"></use></svg>"##
            )
        );
    }

    #[test]
    fn csrf_field_renders_the_escaped_token() {
        let env = make_env(Vec::new());
        let out = env
            .render_str(
                "{{ csrf_field(tok) }}",
                minijinja::context! { tok => "a\"<b" },
            )
            .unwrap();
        assert_eq!(
            out,
            r#"<input type="hidden" name="csrf" value="a&quot;&lt;b">"#
        );
    }

    /// `csrf_field` and `icon` are global functions: an import of them from macros.html would
    /// shadow them with nothing and fail at render time.
    #[test]
    fn no_template_imports_csrf_field_or_icon() {
        let offenders: Vec<String> = Templates::builtin_names()
            .into_iter()
            .filter(|n| {
                BUILTIN
                    .get_file(n)
                    .and_then(|f| f.contents_utf8())
                    .is_some_and(|s| {
                        s.lines().any(|l| {
                            l.contains("from \"macros.html\" import")
                                && (l.contains("csrf_field") || l.contains("icon"))
                        })
                    })
            })
            .collect();
        assert!(
            offenders.is_empty(),
            "templates importing csrf_field or icon: {offenders:?}"
        );
    }
}
