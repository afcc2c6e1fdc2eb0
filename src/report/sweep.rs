//! A sweep's report: each channel's service level against the first swept key (one line
//! per value of the second), cost, a heat map of the service level over the first two
//! keys, and the grid's table with each channel judged against its target.

use super::charts::{self, Axes, Chart, Line, line_chart};
use super::page::{ReportHeader, escape, finish};
use crate::experiment::Estimate;
use crate::model::{Channel, Model};
use crate::output::run::DataFile;
use crate::output::sweep::{target_words, verdict};
use crate::summary::RunSummary;
use crate::sweep::SweepPoint;
use std::fmt::Write as _;

/// A sweep's report folder: service level and cost against the swept value (one line per
/// value of a second key), a heat map of the service level over the first two keys, and
/// the data.
pub fn sweep_report(
    base: &Model,
    points: &[SweepPoint],
    png: bool,
) -> Result<Vec<DataFile<'static>>, String> {
    let Some(first) = points.first() else {
        return Err("nothing to report".into());
    };
    let grid = Grid::new(points, first);
    let mut charts = Vec::new();
    // Each channel's service level against its own target (the first eight channels).
    for (c, ch) in base.channels.iter().enumerate().take(8) {
        charts.push(service_level_chart(&grid, c, ch)?);
    }
    if let Some(chart) = cost_chart(&grid)? {
        charts.push(chart);
    }
    if grid.keys.len() > 1 {
        for (c, ch) in base.channels.iter().enumerate().take(8) {
            charts.push(heatmap_chart(&grid, c, ch)?);
        }
    }
    let files = vec![
        DataFile::bytes("sweep.csv", crate::output::sweep::to_csv(points)),
        DataFile::bytes("sweep.json", crate::output::sweep::to_json(points) + "\n"),
    ];
    let header = ReportHeader {
        title: format!("ccsim sweep · {}", base.name),
        scenario: base.name.clone(),
        hash: crate::shard::scenario_hash(&[base]),
        seed: first.summary.seed,
        replications: first.summary.replications,
    };
    let extra = grid_table(base, points, &grid.keys);
    finish(&header, None, &extra, &charts, files, png)
}

/// The grid as the charts see it: the swept keys, the first key's values along x, the
/// second key's values as lines, the other keys held at their first value.
struct Grid<'a> {
    points: &'a [SweepPoint],
    keys: Vec<String>,
    /// The first key's distinct values, in order.
    xs: Vec<String>,
    /// Those values as numbers, when every one is.
    numeric: Option<Vec<f64>>,
    /// The x axis's ends, with a margin.
    x_range: (f64, f64),
    /// The second key's distinct values (one empty value without a second key).
    second: Vec<String>,
    /// The first value of every key after the second.
    rest_first: Vec<String>,
}

/// The distinct values of key `i` over the points, in order of first appearance.
fn distinct(points: &[SweepPoint], i: usize) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for p in points {
        if !v.contains(&p.set[i].1) {
            v.push(p.set[i].1.clone());
        }
    }
    v
}

impl<'a> Grid<'a> {
    fn new(points: &'a [SweepPoint], first: &SweepPoint) -> Grid<'a> {
        let keys: Vec<String> = first.set.iter().map(|(k, _)| k.clone()).collect();
        let xs = distinct(points, 0);
        let numeric: Option<Vec<f64>> = xs.iter().map(|v| v.parse::<f64>().ok()).collect();
        let (xmin, xmax) = match &numeric {
            Some(n) => (
                n.iter().copied().fold(f64::INFINITY, f64::min),
                n.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ),
            None => (0.0, xs.len() as f64 - 1.0),
        };
        // The x axis spans the swept range with a 5 % margin (fractional values included);
        // a single value gets a margin of its own size, positions of text values half a
        // step.
        let pad = if numeric.is_none() {
            0.5
        } else if xmax > xmin {
            (xmax - xmin) * 0.05
        } else if xmin != 0.0 {
            xmin.abs() * 0.05
        } else {
            0.5
        };
        // One line per value of the second key (the first eight), the others at their
        // first.
        let second: Vec<String> = if keys.len() > 1 {
            distinct(points, 1)
        } else {
            vec![String::new()]
        };
        let rest_first: Vec<String> = (2..keys.len())
            .map(|i| distinct(points, i)[0].clone())
            .collect();
        Grid {
            points,
            keys,
            xs,
            numeric,
            x_range: (xmin - pad, xmax + pad),
            second,
            rest_first,
        }
    }

    /// Where value `v` of the first key sits on x: itself, or its position among text
    /// values.
    fn xpos(&self, v: &str) -> f64 {
        let at = self.xs.iter().position(|x| x == v).unwrap_or(0);
        match &self.numeric {
            Some(n) => n[at],
            None => at as f64,
        }
    }

    /// Whether point `p` lies on the line of second-key value `s`, the other keys at
    /// their first value.
    fn in_slice(&self, p: &SweepPoint, s: &str) -> bool {
        (self.keys.len() < 2 || p.set[1].1 == s) && self.rest_at_first(p)
    }

    /// Whether every key after the second is at its first value in point `p`.
    fn rest_at_first(&self, p: &SweepPoint) -> bool {
        (2..self.keys.len()).all(|i| p.set[i].1 == self.rest_first[i - 2])
    }

    /// A line of the metric `f` along the first key per value of the second (the first
    /// eight), with its 95 % band.
    fn metric_lines(&self, f: &dyn Fn(&RunSummary) -> Estimate) -> Vec<Line> {
        (self.second.iter().take(8).enumerate())
            .map(|(k, s)| {
                let mut pts: Vec<(f64, f64, f64)> = (self.points.iter())
                    .filter(|p| self.in_slice(p, s))
                    .map(|p| {
                        let e = f(&p.summary);
                        (self.xpos(&p.set[0].1), e.mean, e.ci95)
                    })
                    .collect();
                pts.sort_by(|a, b| a.0.total_cmp(&b.0));
                Line {
                    name: if self.keys.len() > 1 {
                        format!("{} = {s}", self.keys[1])
                    } else {
                        "all channels".into()
                    },
                    points: pts.iter().map(|&(x, m, _)| (x, m)).collect(),
                    band: pts.iter().map(|&(x, m, h)| (x, m - h, m + h)).collect(),
                    colour: k,
                    dashed: false,
                }
            })
            .collect()
    }

    /// Axes along the first key, with the values in order when they are text.
    fn axes(&self, y_label: String, y: (f64, f64), share: bool) -> Axes {
        let x_label = if self.numeric.is_some() {
            self.keys[0].clone()
        } else {
            format!("{} (values in order: {})", self.keys[0], self.xs.join(", "))
        };
        Axes {
            x_label,
            y_label,
            x: self.x_range,
            y,
            x_is_time: false,
            y_is_share: share,
        }
    }
}

/// Channel `c`'s service level along the first key, against its own target.
fn service_level_chart(grid: &Grid, c: usize, ch: &Channel) -> Result<Chart, String> {
    let undefined = Estimate {
        mean: f64::NAN,
        ci95: f64::NAN,
        n: 0,
    };
    let mut sl = grid.metric_lines(&|s| {
        s.by_channel
            .get(c)
            .map_or(undefined, |(_, q)| q.service_level)
    });
    if grid.keys.len() < 2 {
        for l in &mut sl {
            l.name = ch.name.clone();
        }
    }
    let targets = vec![(
        ch.service_level_target,
        format!("{} target {}", ch.name, target_words(ch)),
        7,
    )];
    let title = format!("Service level of {} against {}", ch.name, grid.keys[0]);
    Ok(Chart {
        id: format!("sweep-service-level-{c}"),
        title: title.clone(),
        caption: format!(
            "Share of {}'s offered contacts answered within {}, at each point of the grid, with 95 % bands, against {}'s own target ({}).",
            ch.name,
            crate::duration::Duration::from_secs(ch.answer_within),
            ch.name,
            target_words(ch)
        ),
        svg: line_chart(
            &title,
            &grid.axes(
                format!("{} answered in time (% of offered)", ch.name),
                (0.0, 1.0),
                true,
            ),
            &sl,
            &targets,
            &[],
        )?,
    })
}

/// The cost along the first key, when the scenario has costs.
fn cost_chart(grid: &Grid) -> Result<Option<Chart>, String> {
    let cost = grid.metric_lines(&|s| s.totals.cost);
    let any_cost = cost
        .iter()
        .any(|l| l.points.iter().any(|p| p.1.abs() > 0.0));
    if !any_cost {
        return Ok(None);
    }
    let top = cost
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold(1.0, f64::max)
        * 1.1;
    Ok(Some(Chart {
        id: "sweep-cost".into(),
        title: format!("Cost against {}", grid.keys[0]),
        caption: "Agent and bot cost over the run at each point of the grid, with 95 % bands."
            .into(),
        svg: line_chart(
            &format!("Cost against {}", grid.keys[0]),
            &grid.axes("cost per run".into(), (0.0, top), false),
            &cost,
            &[],
            &[],
        )?,
    }))
}

/// Channel `c`'s service level over the first two keys (the others at their first
/// value), a cell below the target marked ✗.
fn heatmap_chart(grid: &Grid, c: usize, ch: &Channel) -> Result<Chart, String> {
    let keys = &grid.keys;
    let target = ch.service_level_target;
    let ys = &grid.second;
    let values: Vec<Vec<f64>> = ys
        .iter()
        .map(|y| {
            (grid.xs.iter())
                .map(|x| {
                    (grid.points.iter())
                        .find(|p| &p.set[0].1 == x && &p.set[1].1 == y && grid.rest_at_first(p))
                        .and_then(|p| p.summary.by_channel.get(c))
                        .map_or(f64::NAN, |(_, q)| q.service_level.mean)
                })
                .collect()
        })
        .collect();
    let title = format!("Service level of {} over the grid", ch.name);
    Ok(Chart {
        id: format!("sweep-heatmap-{c}"),
        title: title.clone(),
        caption: format!(
            "Service level of {} for each {} (across) and {} (up){}; a cell below {}'s target ({}) is marked ✗.",
            ch.name,
            keys[0],
            keys[1],
            if keys.len() > 2 {
                " with the other keys at their first value"
            } else {
                ""
            },
            ch.name,
            target_words(ch)
        ),
        svg: charts::heatmap(&title, &keys[0], &keys[1], &grid.xs, ys, &values, &|v| {
            if !v.is_finite() {
                "–".into()
            } else if v < target {
                format!("{:.1}% ✗", v * 100.0)
            } else {
                format!("{:.1}%", v * 100.0)
            }
        })?,
    })
}

/// The grid's table: the swept values, each channel's service level judged against its
/// target, then abandonment, ASA, occupancy and cost of all channels.
fn grid_table(base: &Model, points: &[SweepPoint], keys: &[String]) -> String {
    let mut extra = String::from("<h2>Grid</h2><table><thead><tr>");
    for k in keys {
        let _ = write!(extra, "<th>{}</th>", escape(k));
    }
    for ch in &base.channels {
        let _ = write!(
            extra,
            "<th>{} service level ({})</th>",
            escape(&ch.name),
            escape(&target_words(ch))
        );
    }
    extra.push_str(
        "<th>abandoned</th><th>ASA (s)</th><th>occupancy</th><th>cost</th></tr></thead><tbody>",
    );
    for p in points {
        extra.push_str("<tr>");
        for (_, v) in &p.set {
            let _ = write!(extra, "<td>{}</td>", escape(v));
        }
        for (c, ch) in base.channels.iter().enumerate() {
            match p.summary.by_channel.get(c) {
                Some((_, q)) if q.service_level.mean.is_finite() => {
                    let _ = write!(
                        extra,
                        "<td>{:.1}% ± {:.1} {}</td>",
                        q.service_level.mean * 100.0,
                        q.service_level.ci95 * 100.0,
                        verdict(&q.service_level, ch.service_level_target)
                    );
                }
                _ => extra.push_str("<td>–</td>"),
            }
        }
        let q = &p.summary.totals.queue;
        let s = &p.summary.totals;
        let _ = write!(
            extra,
            "<td>{:.1}% ± {:.1}</td><td>{:.1} ± {:.1}</td><td>{:.1}% ± {:.1}</td><td>{:.0} ± {:.0}</td></tr>",
            q.abandon_rate.mean * 100.0,
            q.abandon_rate.ci95 * 100.0,
            q.asa_s.mean,
            q.asa_s.ci95,
            s.occupancy.mean * 100.0,
            s.occupancy.ci95 * 100.0,
            s.cost.mean,
            s.cost.ci95
        );
    }
    extra.push_str("</tbody></table>");
    extra
}
