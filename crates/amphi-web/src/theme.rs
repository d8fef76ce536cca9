//! A tenant's colour tokens, derived from its one brand colour so that any colour an
//! administrator picks keeps every text readable (WCAG AA: 4.5:1 for text, 3:1 for borders and
//! focus rings). `static/amphi.css` holds the same tokens for the default brand; the per-tenant
//! `/theme.css` overrides them. docs/design.md says where each one is used.

/// An sRGB colour, each channel 0–255.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Rgb(f64, f64, f64);

const WHITE: Rgb = Rgb(255.0, 255.0, 255.0);
const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);
/// The darkest light background brand-coloured text sits on (`--surface-2` of amphi.css).
const SURFACE_2: Rgb = Rgb(238.0, 241.0, 245.0);
/// WCAG AA for normal text, with a little margin for rounding in the checkers.
const TEXT_AA: f64 = 4.6;

impl Rgb {
    /// `#rrggbb` (the only form a tenant's colour is saved in); anything else is black.
    fn parse(hex: &str) -> Rgb {
        let c = hex.trim_start_matches('#');
        let channel = |i: usize| {
            c.get(i..i + 2)
                .and_then(|s| u8::from_str_radix(s, 16).ok())
                .unwrap_or(0) as f64
        };
        Rgb(channel(0), channel(2), channel(4))
    }

    fn hex(self) -> String {
        let c = |v: f64| v.round().clamp(0.0, 255.0) as u8;
        format!("#{:02x}{:02x}{:02x}", c(self.0), c(self.1), c(self.2))
    }

    /// WCAG relative luminance.
    fn luminance(self) -> f64 {
        let lin = |v: f64| {
            let v = v / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// The share `t` (0–1) of `other` mixed into this colour.
    fn mix(self, other: Rgb, t: f64) -> Rgb {
        let m = |a: f64, b: f64| a + (b - a) * t;
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }
}

/// The WCAG contrast ratio of two colours (1 to 21).
fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Black or white, whichever reads better on the colour.
fn on(c: Rgb) -> Rgb {
    if contrast(c, WHITE) >= contrast(c, BLACK) {
        WHITE
    } else {
        BLACK
    }
}

/// The colour darkened just enough to reach `ratio` against every background given.
fn darken_until(c: Rgb, backgrounds: &[Rgb], ratio: f64) -> Rgb {
    (0..=20)
        .map(|step| c.mix(BLACK, step as f64 / 20.0))
        .find(|d| backgrounds.iter().all(|bg| contrast(*d, *bg) >= ratio))
        .unwrap_or(BLACK)
}

/// The colour tokens of one brand colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Palette {
    /// The brand colour itself: header accent, primary buttons, progress bars.
    pub brand: String,
    /// Text and icons on `brand` (black or white).
    pub brand_contrast: String,
    /// `brand` pushed away from its text colour: hover of primary buttons, hero gradient end.
    pub brand_strong: String,
    /// The brand as text on light backgrounds (links, secondary buttons, current menu entry).
    pub brand_text: String,
    /// A very light tint: backgrounds of the current menu entry, info alerts, card banners.
    pub brand_tint: String,
    /// A light tint for borders and decoration (never for text).
    pub brand_soft: String,
}

impl Palette {
    /// Derives the tokens from `#rrggbb`.
    pub fn of(hex_colour: &str) -> Palette {
        let brand = Rgb::parse(hex_colour);
        let text_on = on(brand);
        let away = if text_on == WHITE { BLACK } else { WHITE };
        let tint = brand.mix(WHITE, 0.9);
        Palette {
            brand: brand.hex(),
            brand_contrast: text_on.hex(),
            brand_strong: brand.mix(away, 0.2).hex(),
            brand_text: darken_until(brand, &[WHITE, tint, SURFACE_2], TEXT_AA).hex(),
            brand_tint: tint.hex(),
            brand_soft: brand.mix(WHITE, 0.7).hex(),
        }
    }

    /// The `/theme.css` stylesheet: the tokens as custom properties.
    pub fn css(&self) -> String {
        format!(
            ":root {{ --brand: {}; --brand-contrast: {}; --brand-strong: {}; --brand-text: {}; \
             --brand-tint: {}; --brand-soft: {}; }}\n",
            self.brand,
            self.brand_contrast,
            self.brand_strong,
            self.brand_text,
            self.brand_tint,
            self.brand_soft
        )
    }
}

/// Black or white (`#ffffff` / `#000000`), whichever reads better on the colour.
pub fn contrast_text(hex_colour: &str) -> &'static str {
    if on(Rgb::parse(hex_colour)) == WHITE {
        "#ffffff"
    } else {
        "#000000"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_text_picks_the_readable_one() {
        assert_eq!(contrast_text("#1d4ed8"), "#ffffff");
        assert_eq!(contrast_text("#fde047"), "#000000");
    }

    /// Whatever colour an administrator picks, every pair the stylesheet uses stays AA.
    #[test]
    fn every_brand_colour_stays_readable() {
        let mut checked = 0;
        for r in (0..=255).step_by(17) {
            for g in (0..=255).step_by(17) {
                for b in (0..=255).step_by(17) {
                    let hex = format!("#{r:02x}{g:02x}{b:02x}");
                    let p = Palette::of(&hex);
                    let c = |s: &str| Rgb::parse(s);
                    let ratio = |a: &str, b: &str| contrast(c(a), c(b));
                    assert!(
                        ratio(&p.brand_contrast, &p.brand) >= 4.5,
                        "{hex}: text on brand"
                    );
                    assert!(
                        ratio(&p.brand_contrast, &p.brand_strong) >= 4.5,
                        "{hex}: text on the hover colour"
                    );
                    for bg in ["#ffffff", &p.brand_tint, "#eef1f5"] {
                        assert!(ratio(&p.brand_text, bg) >= 4.5, "{hex}: brand text on {bg}");
                    }
                    assert!(
                        ratio("#111827", &p.brand_tint) >= 4.5,
                        "{hex}: body text on tint"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 16 * 16 * 16);
    }

    /// amphi.css carries the default brand's tokens, so a page reads right before /theme.css.
    #[test]
    fn the_stylesheet_defaults_are_the_default_brand() {
        let css = include_str!("../../../static/amphi.css");
        let p = Palette::of("#1d4ed8");
        for (name, value) in [
            ("--brand", &p.brand),
            ("--brand-contrast", &p.brand_contrast),
            ("--brand-strong", &p.brand_strong),
            ("--brand-text", &p.brand_text),
            ("--brand-tint", &p.brand_tint),
            ("--brand-soft", &p.brand_soft),
        ] {
            assert!(
                css.contains(&format!("{name}: {value};")),
                "amphi.css should declare {name}: {value};"
            );
        }
    }
}
