//! Drawing bars: stacked bars per category, a Gantt chart of shifts with their breaks cut
//! out, and a forest of intervals around a dashed zero line.

use super::{ForestRow, GanttRow, LEGEND_WIDTH, Mark, SIZE, colour, draw_legend};
use crate::duration::clock;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;

/// Draws [`super::stacked_bars`] on `root`.
pub(super) fn stacked_bars_on<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    x_label: &str,
    y_label: &str,
    parts: &[String],
    bars: &[(String, Vec<f64>)],
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart {title}: {e}");
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let top = bars
        .iter()
        .map(|(_, v)| v.iter().filter(|x| x.is_finite()).sum::<f64>())
        .fold(1.0, f64::max)
        * 1.05;
    let n = bars.len().max(1);
    let names: Vec<String> = bars.iter().map(|(n, _)| n.clone()).collect();
    let label = move |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
            names[i as usize].clone()
        } else {
            String::new()
        }
    };
    let titled = root
        .titled(title, ("sans-serif", 20))
        .map_err(|e| err(&e))?;
    let (plot, legend) = titled.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(-0.6..(n as f64 - 0.4), 0.0..top)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .disable_x_mesh()
        .light_line_style(RGBColor(235, 235, 235))
        .x_labels(n)
        .x_label_formatter(&label)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .draw()
        .map_err(|e| err(&e))?;
    for p in 0..parts.len() {
        let c = colour(p);
        let rects: Vec<Rectangle<(f64, f64)>> = bars
            .iter()
            .enumerate()
            .filter_map(|(i, (_, values))| {
                let below: f64 = values[..p].iter().filter(|x| x.is_finite()).sum();
                let v = values[p];
                (v.is_finite() && v > 0.0).then(|| {
                    Rectangle::new(
                        [(i as f64 - 0.35, below), (i as f64 + 0.35, below + v)],
                        c.filled(),
                    )
                })
            })
            .collect();
        chart.draw_series(rects).map_err(|e| err(&e))?;
    }
    let entries: Vec<(String, RGBColor, Mark)> = (parts.iter().enumerate())
        .map(|(p, part)| (part.clone(), colour(p), Mark::Block))
        .collect();
    draw_legend(&legend, &entries)?;
    Ok(())
}

/// Draws [`super::gantt`] on `root`.
pub(super) fn gantt_on<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    rows: &[GanttRow],
    horizon: f64,
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart {title}: {e}");
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let end = rows.iter().map(|r| r.2).fold(horizon, f64::max) / 3600.0;
    let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let n = rows.len();
    let ylab = move |y: &f64| {
        let i = y.round();
        if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
            labels[n - 1 - i as usize].clone()
        } else {
            String::new()
        }
    };
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(230)
        .build_cartesian_2d(0.0..end, -0.6..(n as f64 - 0.4))
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc("time of day")
        .y_desc("shift (group, template, agents)")
        .disable_y_mesh()
        .light_line_style(RGBColor(235, 235, 235))
        .x_labels(24)
        .y_labels(n.min(200))
        .x_label_formatter(&|x| clock(*x * 3600.0))
        .y_label_formatter(&ylab)
        .label_style(("sans-serif", 11))
        .draw()
        .map_err(|e| err(&e))?;
    for (i, (_, start, stop, breaks, ci)) in rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let c = colour(*ci);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(*start / 3600.0, y - 0.35), (*stop / 3600.0, y + 0.35)],
                c.filled(),
            )))
            .map_err(|e| err(&e))?;
        for &(bs, bl) in breaks {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(bs / 3600.0, y - 0.35), ((bs + bl) / 3600.0, y + 0.35)],
                    WHITE.filled(),
                )))
                .map_err(|e| err(&e))?;
        }
    }
    Ok(())
}

/// Draws [`super::forest`] on `root`.
pub(super) fn forest_on<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    x_label: &str,
    rows: &[ForestRow],
    share: bool,
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart {title}: {e}");
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let reach = rows
        .iter()
        .flat_map(|r| [r.2.abs(), r.3.abs(), r.1.abs()])
        .filter(|v| v.is_finite())
        .fold(1e-9, f64::max)
        * 1.15;
    let n = rows.len();
    let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let ylab = move |y: &f64| {
        let i = y.round();
        if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
            labels[n - 1 - i as usize].clone()
        } else {
            String::new()
        }
    };
    let pct = |v: &f64| format!("{:+.1} pp", v * 100.0);
    let plain = |v: &f64| format!("{v:+.1}");
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(260)
        .build_cartesian_2d(-reach..reach, -0.6..(n as f64 - 0.4))
        .map_err(|e| err(&e))?;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_label)
        .y_desc("")
        .disable_y_mesh()
        .light_line_style(RGBColor(235, 235, 235))
        .y_labels(n.max(1))
        .y_label_formatter(&ylab);
    if share {
        mesh.x_label_formatter(&pct);
    } else {
        mesh.x_label_formatter(&plain);
    }
    mesh.draw().map_err(|e| err(&e))?;
    chart
        .draw_series(DashedLineSeries::new(
            vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
            4,
            3,
            ShapeStyle::from(&BLACK).stroke_width(1),
        ))
        .map_err(|e| err(&e))?;
    for (i, (_, mean, lo, hi, ci)) in rows.iter().enumerate() {
        if !mean.is_finite() {
            continue;
        }
        let y = (n - 1 - i) as f64;
        let c = colour(*ci);
        let style = ShapeStyle::from(&c).stroke_width(2);
        if lo.is_finite() && hi.is_finite() {
            chart
                .draw_series(LineSeries::new(vec![(*lo, y), (*hi, y)], style))
                .map_err(|e| err(&e))?;
        }
        chart
            .draw_series(std::iter::once(Circle::new((*mean, y), 4, style.filled())))
            .map_err(|e| err(&e))?;
    }
    Ok(())
}
