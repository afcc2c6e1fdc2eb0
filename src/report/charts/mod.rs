//! Charts as SVG, drawn with plotters' SVG backend: text is left to the viewer's fonts
//! (no font files needed to build or render). Colours are the Okabe–Ito palette, which
//! stays distinguishable for colour-blind readers; times of day are clock times. PNG
//! charts are drawn from the same [`Drawing`] on plotters' bitmap backend, text in the
//! shipped DejaVu Sans. Here: what a chart draws and the constructors; the drawing itself
//! by kind in `line.rs`, `bars.rs` (stacked, Gantt, forest) and `heat.rs`.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;

mod bars;
mod heat;
mod line;

use bars::{forest_on, gantt_on, stacked_bars_on};
use heat::heatmap_on;
use line::line_chart_on;

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
static FONT: &[u8] = include_bytes!("../DejaVuSans.ttf");

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

/// A bar of a Gantt chart: label, start and end (seconds), gaps `(start, length)`, and
/// palette index.
pub type GanttRow = (String, f64, f64, Vec<(f64, f64)>, usize);

/// A row of a forest chart: label, mean, low and high end of its interval, palette index.
pub type ForestRow = (String, f64, f64, f64, usize);

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
