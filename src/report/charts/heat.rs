//! Drawing a heat map: cells coloured on the sequential scale from the lowest value to
//! the highest, each with its printed value, and the scale beside the plot.

use super::{LEGEND_WIDTH, SIZE, sequential};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// The plot of a heat map: columns and rows at whole numbers.
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The name at a whole-number position `v` of an axis (empty between them and outside).
fn name_at(names: &[String], v: &f64) -> String {
    let i = v.round();
    if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
        names[i as usize].clone()
    } else {
        String::new()
    }
}

/// Draws [`super::heatmap`] on `root`.
#[allow(clippy::too_many_arguments)]
pub(super) fn heatmap_on<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    x_label: &str,
    y_label: &str,
    columns: &[String],
    rows: &[String],
    values: &[Vec<f64>],
    labels: &[Vec<String>],
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart {title}: {e}");
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let (nx, ny) = (columns.len(), rows.len());
    let finite = values.iter().flatten().filter(|v| v.is_finite());
    let lo = finite.clone().fold(f64::INFINITY, |a, &b| a.min(b));
    let hi = finite.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let xlab = |x: &f64| name_at(columns, x);
    let ylab = |y: &f64| name_at(rows, y);
    let titled = root
        .titled(title, ("sans-serif", 20))
        .map_err(|e| err(&e))?;
    let (plot, legend) = titled.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    if lo.is_finite() && hi.is_finite() {
        draw_scale(&legend, values, labels, (lo, hi), title)?;
    }
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(90)
        .build_cartesian_2d(-0.5..nx as f64 - 0.5, -0.5..ny as f64 - 0.5)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .disable_mesh()
        .x_labels(nx.max(1))
        .y_labels(ny.max(1))
        .x_label_formatter(&xlab)
        .y_label_formatter(&ylab)
        .draw()
        .map_err(|e| err(&e))?;
    draw_cells(&mut chart, values, labels, (lo, hi), title)
}

/// The colour scale beside the plot: ten steps from the lowest value `range.0` to the
/// highest `range.1`, each end labelled as its cell is.
fn draw_scale<DB: DrawingBackend>(
    legend: &DrawingArea<DB, Shift>,
    values: &[Vec<f64>],
    labels: &[Vec<String>],
    (lo, hi): (f64, f64),
    title: &str,
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart {title}: {e}");
    let label = |v: f64| {
        values
            .iter()
            .zip(labels)
            .flat_map(|(vs, ls)| vs.iter().zip(ls))
            .find(|(x, _)| **x == v)
            .map_or_else(|| format!("{v:.3}"), |(_, l)| l.clone())
    };
    for step in 0..10 {
        let y = 40 + (9 - step) * 20;
        legend
            .draw(&Rectangle::new(
                [(10, y), (40, y + 20)],
                sequential(step as f64 / 9.0).filled(),
            ))
            .map_err(|e| err(&e))?;
    }
    for (v, y) in [(hi, 40), (lo, 220)] {
        legend
            .draw(&Text::new(
                label(v),
                (48, y),
                ("sans-serif", 13).into_font().color(&BLACK),
            ))
            .map_err(|e| err(&e))?;
    }
    Ok(())
}

/// Each cell `values[row][column]`, coloured where its value lies between `range.0` and
/// `range.1`, with its label in ink that reads on it.
fn draw_cells<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    values: &[Vec<f64>],
    labels: &[Vec<String>],
    (lo, hi): (f64, f64),
    title: &str,
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart {title}: {e}");
    for (r, row) in values.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            let fill = sequential(t);
            let (x, y) = (c as f64, r as f64);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    fill.filled(),
                )))
                .map_err(|e| err(&e))?;
            let ink = if t > 0.55 { BLACK } else { WHITE };
            chart
                .draw_series(std::iter::once(Text::new(
                    labels[r][c].clone(),
                    (x - 0.2, y),
                    ("sans-serif", 13).into_font().color(&ink),
                )))
                .map_err(|e| err(&e))?;
        }
    }
    Ok(())
}
