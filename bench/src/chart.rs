//! Latency against concurrency, as SVG (plotters).

use anyhow::{anyhow, Context};
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// (label, step) -> points (concurrency, p99 ms).
type Series = BTreeMap<(String, String), Vec<(f64, f64)>>;

fn read(inputs: &[PathBuf]) -> anyhow::Result<Series> {
    let mut s = Series::new();
    for p in inputs {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line)?;
            if v["kind"] != "load" {
                continue;
            }
            let label = v["label"].as_str().unwrap_or("run").to_owned();
            let c = v["concurrency"].as_f64().unwrap_or(0.0);
            for (step, q) in [
                ("course_home", "p99"),
                ("quiz_submit", "p99"),
                ("session", "p50"),
            ] {
                if let Some(ms) = v["steps"][step][q].as_f64() {
                    s.entry((label.clone(), format!("{step} {q}")))
                        .or_default()
                        .push((c, ms.max(0.01)));
                }
            }
        }
    }
    Ok(s)
}

/// Writes the chart.
pub fn write(inputs: &[PathBuf], out: &Path) -> anyhow::Result<()> {
    let series = read(inputs)?;
    if series.is_empty() {
        return Err(anyhow!("no load results in the inputs"));
    }
    let max_c = series.values().flatten().map(|p| p.0).fold(1.0, f64::max);
    let max_ms = series.values().flatten().map(|p| p.1).fold(1.0, f64::max);
    let root = SVGBackend::new(out, (900, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Latency against concurrent learners (log-log)",
            ("sans-serif", 22),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(
            (1f64..max_c * 1.2).log_scale(),
            (0.1f64..max_ms * 1.5).log_scale(),
        )
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("concurrent learners (closed loop)")
        .y_desc("latency, ms")
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    let palette = [
        RGBColor(29, 78, 216),
        RGBColor(220, 38, 38),
        RGBColor(22, 163, 74),
        RGBColor(147, 51, 234),
        RGBColor(234, 88, 12),
        RGBColor(8, 145, 178),
    ];
    for (i, ((label, name), pts)) in series.iter().enumerate() {
        let colour = palette[i % palette.len()];
        let mut pts = pts.clone();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart
            .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))
            .map_err(|e| anyhow!("{e}"))?
            .label(format!("{label}: {name}"))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
            });
        chart
            .draw_series(pts.iter().map(|p| Circle::new(*p, 3, colour.filled())))
            .map_err(|e| anyhow!("{e}"))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}
