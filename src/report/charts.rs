//! Charts as SVG, drawn with plotters' SVG backend: text is left to the viewer's fonts
//! (no font files needed to build or render). Colours are the Okabe–Ito palette, which
//! stays distinguishable for colour-blind readers; times of day are clock times.

use crate::duration::clock;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;

/// The Okabe–Ito palette (black last).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 0, 0),       // black
];

/// The colour of series `i`.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// One chart: an id for the page, its title, and the SVG.
#[derive(Clone, Debug)]
pub struct Chart {
    /// Anchor id in the page.
    pub id: String,
    /// Title (also drawn in the SVG).
    pub title: String,
    /// What the chart shows, one sentence under it.
    pub caption: String,
    /// The chart, drawn as SVG (dereferences to the SVG text).
    pub svg: Picture,
}

/// A line of a line chart, with an optional band (a confidence interval) around it.
#[derive(Clone, Debug, Default)]
pub struct Line {
    /// Legend name.
    pub name: String,
    /// `(x, y)` points; NaN values break the line.
    pub points: Vec<(f64, f64)>,
    /// `(x, low, high)` of a band drawn under the line.
    pub band: Vec<(f64, f64, f64)>,
    /// Palette index.
    pub colour: usize,
    /// Drawn dashed (targets, second statistics).
    pub dashed: bool,
}

/// Axes of a chart.
#[derive(Clone, Debug)]
pub struct Axes {
    /// Label of the x axis, with its unit.
    pub x_label: String,
    /// Label of the y axis, with its unit.
    pub y_label: String,
    /// Range of x.
    pub x: (f64, f64),
    /// Range of y.
    pub y: (f64, f64),
    /// x is seconds of the horizon, labelled as clock times.
    pub x_is_time: bool,
    /// y is a share, labelled as a percentage.
    pub y_is_share: bool,
}

const SIZE: (u32, u32) = (900, 340);

/// An SVG that scales with the page: the viewBox keeps the proportions.
fn responsive(svg: String, size: (u32, u32)) -> String {
    svg.replacen(
        &format!("width=\"{}\" height=\"{}\"", size.0, size.1),
        &format!(
            "width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" data-width=\"{}\" data-height=\"{}\"",
            size.0, size.1
        ),
        1,
    )
}

/// DejaVu Sans (Bitstream Vera licence, `DejaVuSans-LICENSE.txt`), shipped so that PNG
/// charts render text on a machine with no fonts; SVG text is left to the viewer.
static FONT: &[u8] = include_bytes!("DejaVuSans.ttf");

fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Registering a valid built-in font cannot fail; if it did, text would be
        // missing from PNG charts only.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// What a chart draws, kept so that it can be drawn as SVG or as PNG.
#[derive(Clone, Debug)]
pub enum Drawing {
    /// [`line_chart`].
    Line {
        /// Title.
        title: String,
        /// Axes.
        axes: Axes,
        /// Lines.
        lines: Vec<Line>,
        /// Horizontal marks.
        marks: Vec<(f64, String, usize)>,
        /// Vertical marks.
        vmarks: Vec<(f64, String, usize)>,
    },
    /// [`stacked_bars`].
    Stacked {
        /// Title.
        title: String,
        /// x axis label.
        x_label: String,
        /// y axis label.
        y_label: String,
        /// Part names.
        parts: Vec<String>,
        /// Bars.
        bars: Vec<(String, Vec<f64>)>,
    },
    /// [`gantt`].
    Gantt {
        /// Title.
        title: String,
        /// Rows.
        rows: Vec<GanttRow>,
        /// Horizon, seconds.
        horizon: f64,
    },
    /// [`forest`].
    Forest {
        /// Title.
        title: String,
        /// x axis label.
        x_label: String,
        /// Rows.
        rows: Vec<ForestRow>,
        /// x is a share.
        share: bool,
    },
    /// [`heatmap`].
    Heat {
        /// Title.
        title: String,
        /// x axis label.
        x_label: String,
        /// y axis label.
        y_label: String,
        /// Column names.
        columns: Vec<String>,
        /// Row names.
        rows: Vec<String>,
        /// Values.
        values: Vec<Vec<f64>>,
        /// Printed values.
        labels: Vec<Vec<String>>,
    },
}

impl Drawing {
    /// Pixel size.
    pub fn size(&self) -> (u32, u32) {
        match self {
            Drawing::Gantt { rows, .. } => (SIZE.0, (60 + rows.len() as u32 * 14).clamp(200, 2400)),
            Drawing::Forest { rows, .. } => {
                (SIZE.0, (90 + rows.len() as u32 * 26).clamp(220, 1600))
            }
            _ => SIZE,
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        register_font();
        match self {
            Drawing::Line {
                title,
                axes,
                lines,
                marks,
                vmarks,
            } => line_chart_on(root, title, axes, lines, marks, vmarks),
            Drawing::Stacked {
                title,
                x_label,
                y_label,
                parts,
                bars,
            } => stacked_bars_on(root, title, x_label, y_label, parts, bars),
            Drawing::Gantt {
                title,
                rows,
                horizon,
            } => gantt_on(root, title, rows, *horizon),
            Drawing::Forest {
                title,
                x_label,
                rows,
                share,
            } => forest_on(root, title, x_label, rows, *share),
            Drawing::Heat {
                title,
                x_label,
                y_label,
                columns,
                rows,
                values,
                labels,
            } => heatmap_on(root, title, x_label, y_label, columns, rows, values, labels),
        }
    }

    /// The chart as an SVG document that scales with the page.
    pub fn svg(&self) -> Result<String, String> {
        let size = self.size();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(|e| format!("chart: {e}"))?;
        }
        Ok(responsive(svg, size))
    }

    /// The chart as a PNG image, text in the shipped DejaVu Sans.
    pub fn png(&self) -> Result<Vec<u8>, String> {
        let (w, h) = self.size();
        let mut pixels = vec![0u8; w as usize * h as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(|e| format!("chart: {e}"))?;
        }
        let image = image::RgbImage::from_raw(w, h, pixels)
            .ok_or_else(|| "chart: the pixel buffer does not match its size".to_string())?;
        let mut png = Vec::new();
        image
            .write_to(
                &mut std::io::Cursor::new(&mut png),
                image::ImageOutputFormat::Png,
            )
            .map_err(|e| format!("chart: cannot encode PNG: {e}"))?;
        Ok(png)
    }
}

/// A drawn chart: its SVG text (what the page embeds), and what it draws, for a PNG.
#[derive(Clone, Debug)]
pub struct Picture {
    /// What it draws.
    pub drawing: Drawing,
    svg: String,
}

impl Picture {
    /// Draws `drawing` as SVG.
    pub fn new(drawing: Drawing) -> Result<Picture, String> {
        let svg = drawing.svg()?;
        Ok(Picture { drawing, svg })
    }
}

impl std::ops::Deref for Picture {
    type Target = str;
    fn deref(&self) -> &str {
        &self.svg
    }
}

/// A line chart with bands and a legend beside it; `marks` are horizontal lines `(y,
/// label, colour)` such as targets, `vmarks` vertical ones.
pub fn line_chart(
    title: &str,
    axes: &Axes,
    lines: &[Line],
    marks: &[(f64, String, usize)],
    vmarks: &[(f64, String, usize)],
) -> Result<Picture, String> {
    Picture::new(Drawing::Line {
        title: title.into(),
        axes: axes.clone(),
        lines: lines.to_vec(),
        marks: marks.to_vec(),
        vmarks: vmarks.to_vec(),
    })
}

/// A stacked bar per category (`bars[i] = (name, values by part)`), parts named in
/// `parts`, y in `y_label`.
pub fn stacked_bars(
    title: &str,
    x_label: &str,
    y_label: &str,
    parts: &[String],
    bars: &[(String, Vec<f64>)],
) -> Result<Picture, String> {
    Picture::new(Drawing::Stacked {
        title: title.into(),
        x_label: x_label.into(),
        y_label: y_label.into(),
        parts: parts.to_vec(),
        bars: bars.to_vec(),
    })
}

/// Horizontal bars from start to end (seconds), one row each; gaps (breaks) cut out.
pub fn gantt(title: &str, rows: &[GanttRow], horizon: f64) -> Result<Picture, String> {
    Picture::new(Drawing::Gantt {
        title: title.into(),
        rows: rows.to_vec(),
        horizon,
    })
}

/// Horizontal intervals (e.g. paired differences with their 95 % intervals), one row
/// each, with a dashed line at zero.
pub fn forest(
    title: &str,
    x_label: &str,
    rows: &[ForestRow],
    share: bool,
) -> Result<Picture, String> {
    Picture::new(Drawing::Forest {
        title: title.into(),
        x_label: x_label.into(),
        rows: rows.to_vec(),
        share,
    })
}

/// A heat map of `values[row][column]` with each value printed by `show` in its cell.
pub fn heatmap(
    title: &str,
    x_label: &str,
    y_label: &str,
    columns: &[String],
    rows: &[String],
    values: &[Vec<f64>],
    show: &dyn Fn(f64) -> String,
) -> Result<Picture, String> {
    Picture::new(Drawing::Heat {
        title: title.into(),
        x_label: x_label.into(),
        y_label: y_label.into(),
        columns: columns.to_vec(),
        rows: rows.to_vec(),
        values: values.to_vec(),
        labels: values
            .iter()
            .map(|r| r.iter().map(|&v| show(v)).collect())
            .collect(),
    })
}

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
enum Mark {
    Solid,
    Dashed,
    Block,
}

/// Width of the legend panel to the right of a chart.
const LEGEND_WIDTH: u32 = 230;

/// Draws legend entries down a panel beside the plot, so that no legend hides data.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    entries: &[(String, RGBColor, Mark)],
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("legend: {e}");
    for (i, (name, c, mark)) in entries.iter().enumerate() {
        let y = 30 + i as i32 * 19;
        let style = ShapeStyle::from(c).stroke_width(2);
        match mark {
            Mark::Solid => area
                .draw(&PathElement::new(vec![(6, y), (28, y)], style))
                .map_err(|e| err(&e))?,
            Mark::Dashed => {
                for x in [6, 15, 24] {
                    area.draw(&PathElement::new(vec![(x, y), (x + 5, y)], style))
                        .map_err(|e| err(&e))?;
                }
            }
            Mark::Block => area
                .draw(&Rectangle::new([(8, y - 6), (26, y + 6)], c.filled()))
                .map_err(|e| err(&e))?,
        }
        area.draw(&Text::new(
            name.clone(),
            (34, y - 7),
            ("sans-serif", 13).into_font().color(&BLACK),
        ))
        .map_err(|e| err(&e))?;
    }
    Ok(())
}

/// Splits points at NaN values into drawable runs.
fn runs(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut out = vec![Vec::new()];
    for &(x, y) in points {
        if y.is_finite() {
            out.last_mut().expect("one run").push((x, y));
        } else if !out.last().expect("one run").is_empty() {
            out.push(Vec::new());
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

/// Draws [`line_chart`] on `root`.
fn line_chart_on<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    axes: &Axes,
    lines: &[Line],
    marks: &[(f64, String, usize)],
    vmarks: &[(f64, String, usize)],
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart {title}: {e}");
    root.fill(&WHITE).map_err(|e| err(&e))?;
    // Time is drawn in hours, so that ticks fall on whole hours.
    let fx = if axes.x_is_time { 1.0 / 3600.0 } else { 1.0 };
    let (x0, x1) = (axes.x.0 * fx, axes.x.1 * fx);
    let (y0, mut y1) = axes.y;
    if y1.is_nan() || y1 <= y0 {
        y1 = y0 + 1.0;
    }
    let titled = root
        .titled(title, ("sans-serif", 20))
        .map_err(|e| err(&e))?;
    let (plot, legend) = titled.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    let mut entries: Vec<(String, RGBColor, Mark)> = Vec::new();
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1.max(x0 + 1e-9), y0..y1)
        .map_err(|e| err(&e))?;
    let time = |x: &f64| clock(*x * 3600.0);
    let pct = |y: &f64| format!("{:.0}%", y * 100.0);
    let integer_x = axes.x_label.starts_with("round");
    // Enough decimals to tell ticks about a twelfth of the axis apart (0.05 steps on a
    // 0.2..0.4 axis show as 0.20, 0.25, …).
    let decimals = |span: f64| -> usize {
        let step = span / 12.0;
        if !(step.is_finite() && step > 0.0) || step >= 1.0 {
            1
        } else {
            ((-step.log10()).ceil() as usize).clamp(1, 6)
        }
    };
    let (x_decimals, y_decimals) = (decimals(x1 - x0), decimals(y1 - y0));
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
    mesh.draw().map_err(|e| err(&e))?;
    for line in lines {
        let c = colour(line.colour);
        // The band: a polygon along the highs and back along the lows.
        let band: Vec<(f64, f64, f64)> = (line.band.iter())
            .filter(|(_, lo, hi)| lo.is_finite() && hi.is_finite())
            .map(|&(x, lo, hi)| (x * fx, lo, hi))
            .collect();
        if band.len() > 1 {
            let mut poly: Vec<(f64, f64)> =
                band.iter().map(|&(x, _, hi)| (x, hi.min(y1))).collect();
            poly.extend(band.iter().rev().map(|&(x, lo, _)| (x, lo.max(y0))));
            chart
                .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.18).filled())))
                .map_err(|e| err(&e))?;
        }
        let style = ShapeStyle::from(&c).stroke_width(2);
        let mut first = true;
        let points: Vec<(f64, f64)> = line.points.iter().map(|&(x, y)| (x * fx, y)).collect();
        for run in runs(&points) {
            let anno = if line.dashed {
                chart
                    .draw_series(DashedLineSeries::new(run, 6, 4, style))
                    .map_err(|e| err(&e))?
            } else if run.len() == 1 {
                chart
                    .draw_series(std::iter::once(Circle::new(run[0], 3, style.filled())))
                    .map_err(|e| err(&e))?
            } else {
                chart
                    .draw_series(LineSeries::new(run, style))
                    .map_err(|e| err(&e))?
            };
            let _ = anno;
            if first {
                entries.push((
                    line.name.clone(),
                    c,
                    if line.dashed {
                        Mark::Dashed
                    } else {
                        Mark::Solid
                    },
                ));
                first = false;
            }
        }
    }
    for (y, label, ci) in marks {
        let c = colour(*ci);
        let style = ShapeStyle::from(&c).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(vec![(x0, *y), (x1, *y)], 3, 3, style))
            .map_err(|e| err(&e))?;
        entries.push((label.clone(), c, Mark::Dashed));
    }
    for (x, label, ci) in vmarks {
        let x = &(*x * fx);
        let c = colour(*ci);
        let style = ShapeStyle::from(&c).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(vec![(*x, y0), (*x, y1)], 3, 3, style))
            .map_err(|e| err(&e))?;
        entries.push((label.clone(), c, Mark::Dashed));
    }
    draw_legend(&legend, &entries)?;
    Ok(())
}

/// Draws [`stacked_bars`] on `root`.
fn stacked_bars_on<DB: DrawingBackend>(
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

/// A bar of a Gantt chart: label, start and end (seconds), gaps `(start, length)`, and
/// palette index.
pub type GanttRow = (String, f64, f64, Vec<(f64, f64)>, usize);

/// Draws [`gantt`] on `root`.
fn gantt_on<DB: DrawingBackend>(
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

/// A row of a forest chart: label, mean, low and high end of its interval, palette index.
pub type ForestRow = (String, f64, f64, f64, usize);

/// Draws [`forest`] on `root`.
fn forest_on<DB: DrawingBackend>(
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

/// A sequential colour scale for heat maps (viridis, readable in grey and by colour-blind
/// readers), `t` in [0, 1].
pub fn sequential(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 6] = [
        (68, 1, 84),
        (65, 68, 135),
        (42, 120, 142),
        (34, 168, 132),
        (122, 209, 81),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let f = t * (STOPS.len() - 1) as f64;
    let i = (f.floor() as usize).min(STOPS.len() - 2);
    let w = f - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * w).round() as u8;
    RGBColor(
        mix(STOPS[i].0, STOPS[i + 1].0),
        mix(STOPS[i].1, STOPS[i + 1].1),
        mix(STOPS[i].2, STOPS[i + 1].2),
    )
}

/// Draws [`heatmap`] on `root`.
#[allow(clippy::too_many_arguments)]
fn heatmap_on<DB: DrawingBackend>(
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
    let cols = columns.to_vec();
    let rws = rows.to_vec();
    let xlab = move |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < cols.len() {
            cols[i as usize].clone()
        } else {
            String::new()
        }
    };
    let ylab = move |y: &f64| {
        let i = y.round();
        if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < rws.len() {
            rws[i as usize].clone()
        } else {
            String::new()
        }
    };
    let titled = root
        .titled(title, ("sans-serif", 20))
        .map_err(|e| err(&e))?;
    let (plot, legend) = titled.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    // The colour scale: ten steps from the lowest value to the highest.
    if lo.is_finite() && hi.is_finite() {
        // Each end labelled as its cell is.
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
