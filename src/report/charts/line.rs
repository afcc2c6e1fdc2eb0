//! Drawing a line chart: the mesh (clock times or plain numbers on x, percentages or
//! numbers on y), each line's band and its runs between undefined values, the marks, and
//! the legend beside the plot.

use super::{Axes, LEGEND_WIDTH, Line, Mark, SIZE, colour, draw_legend, runs};
use crate::duration::clock;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::RGBColor;

/// The plot of a line chart, x and y in plain numbers.
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// What the plot spans: x scaled by `fx` (time is drawn in hours, so that ticks fall on
/// whole hours), y over a span that is never empty.
struct Frame {
    fx: f64,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl Frame {
    fn new(axes: &Axes) -> Frame {
        let fx = if axes.x_is_time { 1.0 / 3600.0 } else { 1.0 };
        let (y0, mut y1) = axes.y;
        if y1.is_nan() || y1 <= y0 {
            y1 = y0 + 1.0;
        }
        Frame {
            fx,
            x0: axes.x.0 * fx,
            x1: axes.x.1 * fx,
            y0,
            y1,
        }
    }
}

/// A legend entry: name, colour, how it is drawn.
type Entry = (String, RGBColor, Mark);

/// Draws [`super::line_chart`] on `root`.
pub(super) fn line_chart_on<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    axes: &Axes,
    lines: &[Line],
    marks: &[(f64, String, usize)],
    vmarks: &[(f64, String, usize)],
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart {title}: {e}");
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let f = Frame::new(axes);
    let titled = root
        .titled(title, ("sans-serif", 20))
        .map_err(|e| err(&e))?;
    let (plot, legend) = titled.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    let mut entries: Vec<Entry> = Vec::new();
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(f.x0..f.x1.max(f.x0 + 1e-9), f.y0..f.y1)
        .map_err(|e| err(&e))?;
    draw_mesh(&mut chart, axes, &f, title)?;
    for line in lines {
        draw_line(&mut chart, line, &f, &mut entries, title)?;
    }
    draw_marks(&mut chart, marks, vmarks, &f, &mut entries, title)?;
    draw_legend(&legend, &entries)?;
    Ok(())
}

/// Enough decimals to tell ticks about a twelfth of an axis spanning `span` apart (0.05
/// steps on a 0.2..0.4 axis show as 0.20, 0.25, …).
fn decimals(span: f64) -> usize {
    let step = span / 12.0;
    if !(step.is_finite() && step > 0.0) || step >= 1.0 {
        1
    } else {
        ((-step.log10()).ceil() as usize).clamp(1, 6)
    }
}

/// The grid and the axes' labels: clock times or plain numbers (whole rounds only on a
/// round axis) on x, percentages or plain numbers on y.
fn draw_mesh<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    axes: &Axes,
    f: &Frame,
    title: &str,
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart {title}: {e}");
    let time = |x: &f64| clock(*x * 3600.0);
    let pct = |y: &f64| format!("{:.0}%", y * 100.0);
    let integer_x = axes.x_label.starts_with("round");
    let (x_decimals, y_decimals) = (decimals(f.x1 - f.x0), decimals(f.y1 - f.y0));
    let plain_with = move |v: &f64, decimals: usize| {
        if integer_x && (v - v.round()).abs() > 1e-6 {
            String::new()
        } else if v.abs() >= 100.0 || v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.decimals$}")
        }
    };
    let plain_x = move |v: &f64| plain_with(v, x_decimals);
    let plain = move |v: &f64| plain_with(v, y_decimals);
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(&axes.x_label)
        .y_desc(&axes.y_label)
        .light_line_style(RGBColor(235, 235, 235))
        .x_labels(if axes.x_is_time { 24 } else { 12 })
        .y_labels(8);
    if axes.x_is_time {
        mesh.x_label_formatter(&time);
    } else {
        mesh.x_label_formatter(&plain_x);
    }
    if axes.y_is_share {
        mesh.y_label_formatter(&pct);
    } else {
        mesh.y_label_formatter(&plain);
    }
    mesh.draw().map_err(|e| err(&e))
}

/// One line: its band (a polygon along the highs and back along the lows, clipped to the
/// plot), then its runs between undefined values (a lone point as a dot); its legend
/// entry once it has drawn something.
fn draw_line<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    line: &Line,
    f: &Frame,
    entries: &mut Vec<Entry>,
    title: &str,
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart {title}: {e}");
    let c = colour(line.colour);
    let band: Vec<(f64, f64, f64)> = (line.band.iter())
        .filter(|(_, lo, hi)| lo.is_finite() && hi.is_finite())
        .map(|&(x, lo, hi)| (x * f.fx, lo, hi))
        .collect();
    if band.len() > 1 {
        let mut poly: Vec<(f64, f64)> = band.iter().map(|&(x, _, hi)| (x, hi.min(f.y1))).collect();
        poly.extend(band.iter().rev().map(|&(x, lo, _)| (x, lo.max(f.y0))));
        chart
            .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.18).filled())))
            .map_err(|e| err(&e))?;
    }
    let style = ShapeStyle::from(&c).stroke_width(2);
    let mut first = true;
    let points: Vec<(f64, f64)> = line.points.iter().map(|&(x, y)| (x * f.fx, y)).collect();
    for run in runs(&points) {
        if line.dashed {
            chart
                .draw_series(DashedLineSeries::new(run, 6, 4, style))
                .map_err(|e| err(&e))?;
        } else if run.len() == 1 {
            chart
                .draw_series(std::iter::once(Circle::new(run[0], 3, style.filled())))
                .map_err(|e| err(&e))?;
        } else {
            chart
                .draw_series(LineSeries::new(run, style))
                .map_err(|e| err(&e))?;
        }
        if first {
            let mark = if line.dashed {
                Mark::Dashed
            } else {
                Mark::Solid
            };
            entries.push((line.name.clone(), c, mark));
            first = false;
        }
    }
    Ok(())
}

/// Horizontal marks `(y, label, colour)` across the plot and vertical ones `(x, …)` up
/// it, dashed, each with its legend entry.
fn draw_marks<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    marks: &[(f64, String, usize)],
    vmarks: &[(f64, String, usize)],
    f: &Frame,
    entries: &mut Vec<Entry>,
    title: &str,
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart {title}: {e}");
    for (y, label, ci) in marks {
        let c = colour(*ci);
        let style = ShapeStyle::from(&c).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(f.x0, *y), (f.x1, *y)],
                3,
                3,
                style,
            ))
            .map_err(|e| err(&e))?;
        entries.push((label.clone(), c, Mark::Dashed));
    }
    for (x, label, ci) in vmarks {
        let x = *x * f.fx;
        let c = colour(*ci);
        let style = ShapeStyle::from(&c).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x, f.y0), (x, f.y1)],
                3,
                3,
                style,
            ))
            .map_err(|e| err(&e))?;
        entries.push((label.clone(), c, Mark::Dashed));
    }
    Ok(())
}
