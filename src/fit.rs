//! Fitting a scenario to a contact log: arrival rates per channel, category and interval of
//! the day (with day-of-week factors when the log spans two weeks or more), day-to-day
//! overdispersion, lognormal handle times per channel and category, and exponential
//! patience per channel from abandoned and answered contacts as censored data (with the
//! Kaplan–Meier curve to judge the fit). One streaming pass over the log; samples for the
//! goodness-of-fit checks are kept in bounded reservoirs.

use crate::contact_log::{LogColumns, Timestamp, csv_advice, locate};
use crate::engine::AttemptOutcome;
use jiff::civil::{Date, DateTime};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Largest sample kept per channel/category for the fit-quality checks.
const RESERVOIR: usize = 20_000;

/// What the fit found in a log.
#[derive(Clone, Debug)]
pub struct FittedLog {
    /// Interval length in seconds.
    pub interval: f64,
    /// Date of the first day (for date-time logs).
    pub first_date: Option<Date>,
    /// Whole days the log spans.
    pub days: usize,
    /// Days observed from midnight to midnight (a log may start or end mid-day).
    pub full_days: usize,
    /// Rows read, and those counted as arrivals (first attempts).
    pub rows: u64,
    /// Rows counted as arrivals.
    pub arrivals: u64,
    /// Redials and repeats (`attempt` above 1), left out of the rates.
    pub returns: u64,
    /// Channels in order of first appearance, with their fits.
    pub channels: Vec<FittedChannel>,
}

/// The fit of one channel.
#[derive(Clone, Debug)]
pub struct FittedChannel {
    /// Channel name.
    pub name: String,
    /// Arrival counts per day (first attempts).
    pub daily_counts: Vec<f64>,
    /// Day-of-week factors, Monday first (when the log spans two weeks or more).
    pub day_of_week: Option<[f64; 7]>,
    /// Coefficient of variation of a day's busyness factor (0 when days vary no more than
    /// Poisson).
    pub day_cv: f64,
    /// Exponential patience: mean in seconds (None without abandonment or waits).
    pub patience_mean: Option<f64>,
    /// Abandoned contacts (events) and answered ones (censored) behind the patience fit.
    pub abandoned: u64,
    /// Answered contacts with a wait.
    pub answered: u64,
    /// Largest gap between the Kaplan–Meier curve and the fitted exponential.
    pub patience_gap: Option<f64>,
    /// Lognormal fitted to the Kaplan–Meier curve (probit of 1 − S against ln t): mean,
    /// cv and its largest gap; used in the scenario when it follows the curve better.
    pub patience_lognormal: Option<(f64, f64, f64)>,
    /// Kaplan–Meier survival at 30 s, 1, 2, 5 and 10 minutes, with the exponential's and
    /// the lognormal's.
    pub km_points: Vec<(f64, f64, f64, f64)>,
    /// Categories in order of first appearance.
    pub categories: Vec<FittedStream>,
}

/// The fit of one channel/category pair.
#[derive(Clone, Debug)]
pub struct FittedStream {
    /// Category name.
    pub category: String,
    /// Arrivals per interval of the day, summed over the days.
    pub by_interval: Vec<f64>,
    /// Arrivals per interval of the day on an average day: the counts over the days that
    /// interval was observed (a log may start or end mid-day).
    pub rate_by_interval: Vec<f64>,
    /// Contacts that ended in a bot: resolved by it, and dropped during it.
    pub bot_resolved: u64,
    /// Contacts that left during the bot session.
    pub bot_dropout: u64,
    /// Arrivals over the whole log.
    pub total: f64,
    /// Lognormal handle time: mean and cv (None without handle times).
    pub handle: Option<(f64, f64)>,
    /// Handle times behind the fit.
    pub handled: u64,
    /// Sample mean of the handle times.
    pub handle_sample_mean: f64,
    /// Kolmogorov–Smirnov distance between the sample and the fitted lognormal.
    pub ks: Option<f64>,
}

#[derive(Default)]
struct StreamAcc {
    by_day_interval: BTreeMap<(usize, usize), f64>,
    bot_resolved: u64,
    bot_dropout: u64,
    total: f64,
    n: u64,
    sum_ln: f64,
    sum_ln2: f64,
    sum: f64,
    reservoir: Vec<f64>,
}

#[derive(Default)]
struct ChannelAcc {
    categories: Vec<(String, StreamAcc)>,
    waits_total: f64,
    abandoned: u64,
    answered: u64,
    /// (wait, abandoned) sample for Kaplan–Meier.
    reservoir: Vec<(f64, bool)>,
    seen: u64,
}

/// Reads the log at `path` and fits its arrivals, handle times and patience.
pub fn fit_log(path: &Path, interval: f64) -> Result<FittedLog, String> {
    if !(interval >= 60.0 && (86_400.0 / interval).fract() == 0.0) {
        return Err("the interval must divide a day, e.g. 5m, 15m, 30m or 1h".into());
    }
    let per_day = (86_400.0 / interval) as usize;
    let file = std::fs::File::open(path)
        .map_err(|e| format!("{}: cannot read the contact log: {e}", path.display()))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::BufReader::with_capacity(1 << 16, file));
    let header = reader
        .headers()
        .map_err(|e| format!("{}:1: cannot read the header: {e}", path.display()))?
        .clone();
    let columns =
        LogColumns::from_header(&header).map_err(|m| format!("{}:1: {m}", path.display()))?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x05ee_df17);
    let mut channels: Vec<(String, ChannelAcc)> = Vec::new();
    let mut first_date: Option<Date> = None;
    let (mut rows, mut arrivals, mut returns) = (0u64, 0u64, 0u64);
    let mut last_day = 0usize;
    // First and last arrival, seconds from the first day's midnight.
    let (mut first_abs, mut last_abs) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(format!("{}: {}", path.display(), csv_advice(&e))),
        }
        rows += 1;
        let row = columns.parse(&record).map_err(|e| {
            let (line, col) = locate(&record, e.column);
            format!(
                "{}:{line}:{col}: column `{}`: {}",
                path.display(),
                columns.name(e.column),
                e.message
            )
        })?;
        let (day, second) = match row.timestamp {
            Timestamp::Seconds(s) => (
                (s / 86_400.0).floor().max(0.0) as usize,
                s.rem_euclid(86_400.0),
            ),
            Timestamp::Local(t) => {
                let first = *first_date.get_or_insert(t.date());
                let days = (t.date() - first).get_days();
                if days < 0 {
                    return Err(format!(
                        "{}: row {rows} is dated before the first row; sort the log by timestamp",
                        path.display()
                    ));
                }
                (days as usize, seconds_of_day(t))
            }
        };
        if day > 366 {
            return Err(format!(
                "{}: the log spans more than a year; fit a year at most (timestamps in seconds \
                 count from 0, not from 1970: use ISO date-times for calendar logs)",
                path.display()
            ));
        }
        last_day = last_day.max(day);
        let abs = day as f64 * 86_400.0 + second;
        first_abs = first_abs.min(abs);
        last_abs = last_abs.max(abs);
        let ch = match channels.iter().position(|(n, _)| n == row.channel) {
            Some(i) => i,
            None => {
                channels.push((row.channel.to_string(), ChannelAcc::default()));
                channels.len() - 1
            }
        };
        let acc = &mut channels[ch].1;
        let cat = match acc.categories.iter().position(|(n, _)| n == row.category) {
            Some(i) => i,
            None => {
                acc.categories
                    .push((row.category.to_string(), StreamAcc::default()));
                acc.categories.len() - 1
            }
        };
        // Patience: abandoned contacts are events at their wait, answered ones censored.
        if let (Some(outcome), Some(wait)) = (row.outcome, row.wait) {
            let abandoned = match outcome {
                AttemptOutcome::Abandoned => Some(true),
                AttemptOutcome::Answered => Some(false),
                _ => None,
            };
            if let Some(abandoned) = abandoned {
                acc.waits_total += wait;
                acc.abandoned += abandoned as u64;
                acc.answered += !abandoned as u64;
                acc.seen += 1;
                reservoir_push(&mut acc.reservoir, (wait, abandoned), acc.seen, &mut rng);
            }
        }
        let stream = &mut acc.categories[cat].1;
        match row.outcome {
            Some(AttemptOutcome::BotResolved) => stream.bot_resolved += 1,
            Some(AttemptOutcome::BotDropout) => stream.bot_dropout += 1,
            _ => {}
        }
        if let Some(h) = row.handle_time.filter(|h| *h > 0.0) {
            stream.n += 1;
            stream.sum += h;
            stream.sum_ln += h.ln();
            stream.sum_ln2 += h.ln() * h.ln();
            let n = stream.n;
            reservoir_push(&mut stream.reservoir, h, n, &mut rng);
        }
        if row.attempt > 1 {
            returns += 1;
            continue;
        }
        arrivals += 1;
        let k = ((second / interval) as usize).min(per_day - 1);
        *stream.by_day_interval.entry((day, k)).or_insert(0.0) += 1.0;
        stream.total += 1.0;
    }
    if arrivals == 0 {
        return Err(format!(
            "{}: the log has no arrivals to fit",
            path.display()
        ));
    }
    let days = last_day + 1;
    let observed = Observed::new(days, per_day, interval, first_abs, last_abs);
    let fitted = channels
        .into_iter()
        .map(|(name, acc)| finish_channel(name, acc, &observed, first_date))
        .collect();
    Ok(FittedLog {
        interval,
        first_date,
        days,
        full_days: observed.full_days(),
        rows,
        arrivals,
        returns,
        channels: fitted,
    })
}

/// Which parts of the log's days were observed: a log may start or end mid-day.
struct Observed {
    days: usize,
    per_day: usize,
    /// Days whose every interval lies between the first and the last arrival.
    full: Vec<bool>,
    /// Per interval of the day, the days on which it was observed.
    exposure: Vec<f64>,
}

impl Observed {
    fn new(days: usize, per_day: usize, interval: f64, first: f64, last: f64) -> Observed {
        // An interval counts as observed if the log runs through any of it; a day is full
        // if the log starts within its first interval and ends within its last.
        let full = (0..days)
            .map(|d| {
                let (a, b) = (d as f64 * 86_400.0, (d + 1) as f64 * 86_400.0);
                first < a + interval && last >= b - interval
            })
            .collect();
        let exposure = (0..per_day)
            .map(|k| {
                (0..days)
                    .filter(|&d| {
                        let a = d as f64 * 86_400.0 + k as f64 * interval;
                        a + interval > first && a <= last
                    })
                    .count() as f64
            })
            .collect();
        Observed {
            days,
            per_day,
            full,
            exposure,
        }
    }

    fn full_days(&self) -> usize {
        self.full.iter().filter(|f| **f).count()
    }
}

fn seconds_of_day(t: DateTime) -> f64 {
    let time = t.time();
    time.hour() as f64 * 3600.0
        + time.minute() as f64 * 60.0
        + time.second() as f64
        + time.subsec_nanosecond() as f64 * 1e-9
}

/// Keeps a uniform sample of at most `RESERVOIR` items (Algorithm R).
fn reservoir_push<T>(sample: &mut Vec<T>, item: T, seen: u64, rng: &mut Xoshiro256PlusPlus) {
    if sample.len() < RESERVOIR {
        sample.push(item);
    } else {
        let j = rng.random_range(0..seen);
        if (j as usize) < RESERVOIR {
            sample[j as usize] = item;
        }
    }
}

fn finish_channel(
    name: String,
    acc: ChannelAcc,
    observed: &Observed,
    first_date: Option<Date>,
) -> FittedChannel {
    let (days, per_day) = (observed.days, observed.per_day);
    let mut daily_counts = vec![0.0; days];
    for (_, s) in &acc.categories {
        for (&(d, _), &n) in &s.by_day_interval {
            daily_counts[d] += n;
        }
    }
    // Only whole days say how days differ.
    let full: Vec<usize> = (0..days).filter(|&d| observed.full[d]).collect();
    // Day-of-week factors from two weeks or more of dated rows.
    let day_of_week = match first_date {
        Some(first) if full.len() >= 14 => {
            let mean = full.iter().map(|&d| daily_counts[d]).sum::<f64>() / full.len() as f64;
            let mut sums = [0.0; 7];
            let mut counts = [0.0; 7];
            for &d in &full {
                let wd = first
                    .checked_add(jiff::Span::new().days(d as i64))
                    .map_or(0, |x| x.weekday().to_monday_zero_offset() as usize);
                sums[wd] += daily_counts[d];
                counts[wd] += 1.0;
            }
            let mut f = [1.0; 7];
            for i in 0..7 {
                if counts[i] > 0.0 && mean > 0.0 {
                    f[i] = sums[i] / counts[i] / mean;
                }
            }
            Some(f)
        }
        _ => None,
    };
    let factor = |d: usize| -> f64 {
        match (day_of_week, first_date) {
            (Some(f), Some(first)) => first
                .checked_add(jiff::Span::new().days(d as i64))
                .map_or(1.0, |x| f[x.weekday().to_monday_zero_offset() as usize]),
            _ => 1.0,
        }
    };
    // Var(N_d) = m_d + cv² m_d²: cv² from the squared deviations beyond Poisson, with the
    // degrees of freedom the mean (and the day-of-week factors) used up.
    let n_full = full.len();
    let mean = full.iter().map(|&d| daily_counts[d]).sum::<f64>() / n_full.max(1) as f64;
    let fitted = 1.0 + day_of_week.map_or(0.0, |_| 6.0);
    let day_cv = if n_full as f64 > fitted + 1.0 && mean > 0.0 {
        let (mut squares, mut sum_m, mut sum_m2) = (0.0, 0.0, 0.0);
        for &d in &full {
            let c = daily_counts[d];
            let m = mean * factor(d);
            squares += (c - m).powi(2);
            sum_m += m;
            sum_m2 += m * m;
        }
        let excess = squares * n_full as f64 / (n_full as f64 - fitted) - sum_m;
        (excess.max(0.0) / sum_m2).sqrt()
    } else {
        0.0
    };
    // Exponential patience: abandonments over total waiting time (censored MLE).
    let patience_mean = (acc.abandoned > 0 && acc.waits_total > 0.0)
        .then(|| acc.waits_total / acc.abandoned as f64);
    let (patience_gap, patience_lognormal, km_points) = match patience_mean {
        Some(theta) => kaplan_meier_check(acc.reservoir, theta),
        None => (None, None, Vec::new()),
    };
    let categories = acc
        .categories
        .into_iter()
        .map(|(category, s)| {
            let mut by_interval = vec![0.0; per_day];
            for (&(_, k), &n) in &s.by_day_interval {
                by_interval[k] += n;
            }
            let rate_by_interval = by_interval
                .iter()
                .zip(&observed.exposure)
                .map(|(n, e)| if *e > 0.0 { n / e } else { 0.0 })
                .collect();
            let handle = (s.n >= 2).then(|| {
                let mu = s.sum_ln / s.n as f64;
                let var = ((s.sum_ln2 - s.n as f64 * mu * mu) / (s.n as f64 - 1.0)).max(0.0);
                ((mu + var / 2.0).exp(), (var.exp() - 1.0).sqrt())
            });
            let ks = handle.map(|(m, cv)| ks_lognormal(s.reservoir, m, cv));
            FittedStream {
                category,
                by_interval,
                rate_by_interval,
                bot_resolved: s.bot_resolved,
                bot_dropout: s.bot_dropout,
                total: s.total,
                handle,
                handled: s.n,
                handle_sample_mean: if s.n > 0 {
                    s.sum / s.n as f64
                } else {
                    f64::NAN
                },
                ks,
            }
        })
        .collect();
    FittedChannel {
        name,
        daily_counts,
        day_of_week,
        day_cv,
        patience_mean,
        abandoned: acc.abandoned,
        answered: acc.answered,
        patience_gap,
        patience_lognormal,
        km_points,
        categories,
    }
}

/// Survival of a lognormal with log-scale parameters (μ, σ) at `t`.
fn lognormal_survival(t: f64, mu: f64, sigma: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    let z = (t.max(1e-9).ln() - mu) / sigma;
    Normal::standard().sf(z)
}

/// What the Kaplan–Meier check gives: the exponential's largest gap, the lognormal fitted
/// to the curve (mean, cv, gap), and (t, KM, exponential, lognormal) at a few times.
type KaplanMeierCheck = (
    Option<f64>,
    Option<(f64, f64, f64)>,
    Vec<(f64, f64, f64, f64)>,
);

/// Kaplan–Meier survival of patience from (wait, abandoned) pairs; the exponential of mean
/// `theta` and a lognormal fitted to the curve (least squares of the probit of 1 − S on
/// ln t, where at least 30 contacts are at risk), each with its largest gap from the curve.
fn kaplan_meier_check(mut sample: Vec<(f64, bool)>, theta: f64) -> KaplanMeierCheck {
    use statrs::distribution::{ContinuousCDF, Normal};
    sample.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut at_risk = sample.len() as f64;
    let mut survival = 1.0;
    // Event times with enough contacts at risk: (t, S(t)).
    let mut judged = Vec::new();
    let mut curve = Vec::new();
    let mut i = 0;
    while i < sample.len() {
        let t = sample[i].0;
        let (mut events, mut leaving) = (0.0, 0.0);
        while i < sample.len() && sample[i].0 == t {
            events += sample[i].1 as u8 as f64;
            leaving += 1.0;
            i += 1;
        }
        if events > 0.0 && at_risk > 0.0 {
            survival *= 1.0 - events / at_risk;
            if at_risk >= 30.0 {
                judged.push((t, survival));
            }
        }
        curve.push((t, survival));
        at_risk -= leaving;
    }
    let gap_of = |model: &dyn Fn(f64) -> f64| {
        judged
            .iter()
            .map(|&(t, s)| (s - model(t)).abs())
            .fold(0.0, f64::max)
    };
    let exponential = |t: f64| (-t / theta).exp();
    let gap = gap_of(&exponential);
    // Probit regression: Φ⁻¹(1 − S) = (ln t − μ) / σ.
    let normal = Normal::standard();
    let points: Vec<(f64, f64)> = judged
        .iter()
        .filter(|(t, s)| *t > 0.0 && *s > 0.01 && *s < 0.99)
        .map(|&(t, s)| (t.ln(), normal.inverse_cdf(1.0 - s)))
        .collect();
    let lognormal = if points.len() >= 5 {
        let n = points.len() as f64;
        let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
        let my = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let slope = sxy / sxx;
        (sxx > 0.0 && slope > 0.0).then(|| {
            let sigma = 1.0 / slope;
            let mu = mx - my * sigma;
            (mu, sigma)
        })
    } else {
        None
    };
    let at = |x: f64| -> Option<f64> {
        let k = curve.partition_point(|(t, _)| *t <= x);
        (k > 0 && k < curve.len()).then(|| curve[k - 1].1)
    };
    let table = [30.0, 60.0, 120.0, 300.0, 600.0]
        .iter()
        .filter_map(|&x| {
            at(x).map(|s| {
                let ln = lognormal.map_or(f64::NAN, |(mu, sigma)| lognormal_survival(x, mu, sigma));
                (x, s, exponential(x), ln)
            })
        })
        .collect();
    let fitted = lognormal.map(|(mu, sigma)| {
        let gap = gap_of(&|t| lognormal_survival(t, mu, sigma));
        let s2 = sigma * sigma;
        ((mu + s2 / 2.0).exp(), (s2.exp() - 1.0).sqrt(), gap)
    });
    (Some(gap), fitted, table)
}

/// Kolmogorov–Smirnov distance between a sample and a lognormal of mean `m` and cv `cv`.
fn ks_lognormal(mut sample: Vec<f64>, m: f64, cv: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, LogNormal};
    let sigma2 = (1.0 + cv * cv).ln();
    let mu = m.ln() - sigma2 / 2.0;
    let Ok(dist) = LogNormal::new(mu, sigma2.sqrt().max(1e-9)) else {
        return f64::NAN;
    };
    sample.sort_by(f64::total_cmp);
    let n = sample.len() as f64;
    sample
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = dist.cdf(x);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max)
}

fn duration(seconds: f64) -> String {
    let s = (seconds * 10.0).round() / 10.0;
    if s >= 60.0 && (s % 60.0).abs() < 0.05 {
        format!("{}m", (s / 60.0).round())
    } else {
        format!("{s}s")
    }
}

impl FittedLog {
    /// The scenario, as TOML a planner can edit; staffing is only a starting point (the
    /// offered load per interval over 85 % occupancy).
    pub fn to_toml(&self, name: &str, source: &str) -> String {
        let per_day = (86_400.0 / self.interval) as usize;
        let n_intervals = per_day * self.days;
        let mut t = String::new();
        let _ = writeln!(t, "# {name}: fitted by `ccsim fit` from {source}");
        let _ = writeln!(
            t,
            "# {} rows, {} arrivals over {} day(s){}. Edit freely: the service-level targets",
            self.rows,
            self.arrivals,
            self.days,
            if self.returns > 0 {
                format!(
                    "; {} redials and repeats are not in the rates (model them with redial/repeat)",
                    self.returns
                )
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            t,
            "# and the staffing below are placeholders: the log says what came, not what was planned."
        );
        let _ = writeln!(t);
        let _ = writeln!(t, "[simulation]");
        let _ = writeln!(t, "name = \"{name}\"");
        let _ = writeln!(t, "horizon = \"{}d\"", self.days);
        let _ = writeln!(t, "interval = \"{}\"", duration(self.interval));
        if let Some(d) = self.first_date {
            let _ = writeln!(t, "start = \"{d}\"");
        }
        let _ = writeln!(t, "replications = 20");
        let _ = writeln!(t, "seed = 1");
        for ch in &self.channels {
            let _ = writeln!(t);
            let _ = writeln!(t, "[[channel]]");
            let _ = writeln!(t, "name = \"{}\"", ch.name);
            let _ = writeln!(
                t,
                "service_level = {{ answer_within = \"20s\", target = 0.8 }}   # a placeholder: set your target"
            );
            let exp_gap = ch.patience_gap.unwrap_or(f64::INFINITY);
            match (ch.patience_mean, ch.patience_lognormal) {
                (Some(_), Some((m, cv, gap))) if gap < exp_gap => {
                    let _ = writeln!(
                        t,
                        "patience = {{ dist = \"lognormal\", mean = \"{}\", cv = {cv:.3} }}   # fitted to Kaplan–Meier ({} abandoned, {} answered, censored); largest gap {gap:.3} (exponential {exp_gap:.3})",
                        duration(m),
                        ch.abandoned,
                        ch.answered,
                    );
                }
                (Some(m), _) => {
                    let _ = writeln!(
                        t,
                        "patience = {{ dist = \"exponential\", mean = \"{}\" }}   # {} abandoned, {} answered (censored); Kaplan–Meier gap {exp_gap:.3}",
                        duration(m),
                        ch.abandoned,
                        ch.answered,
                    );
                }
                (None, _) => {
                    let _ = writeln!(
                        t,
                        "# no patience fitted: the log has no abandoned contacts with their waits"
                    );
                }
            }
            if ch.day_cv > 0.0 {
                let _ = writeln!(
                    t,
                    "busyness = {{ day_cv = {:.3} }}   # day-to-day variation beyond Poisson",
                    ch.day_cv
                );
            }
        }
        let mut categories: Vec<&str> = Vec::new();
        for ch in &self.channels {
            for s in &ch.categories {
                if !categories.contains(&s.category.as_str()) {
                    categories.push(&s.category);
                }
            }
        }
        for c in &categories {
            let _ = writeln!(t, "\n[[category]]\nname = \"{c}\"");
        }
        for ch in &self.channels {
            for s in &ch.categories {
                if s.total == 0.0 {
                    continue;
                }
                let _ = writeln!(t);
                let _ = writeln!(t, "[[arrivals]]");
                let _ = writeln!(t, "channel = \"{}\"", ch.name);
                let _ = writeln!(t, "category = \"{}\"", s.category);
                // The average observed day, normalised to a day of factor 1.
                let mean_f = ch.day_of_week.map_or(1.0, |f| self.mean_factor(&f));
                let daily = s.rate_by_interval.iter().sum::<f64>() / mean_f;
                let _ = writeln!(t, "daily_volume = {daily:.1}");
                let weights: Vec<String> = s
                    .rate_by_interval
                    .iter()
                    .map(|w| format!("{}", (w * 100.0).round() / 100.0))
                    .collect();
                let _ = writeln!(t, "profile = [{}]", weights.join(", "));
                if let Some(f) = ch.day_of_week {
                    let f: Vec<String> = f.iter().map(|x| format!("{x:.3}")).collect();
                    let _ = writeln!(t, "day_of_week = [{}]   # Monday first", f.join(", "));
                }
            }
        }
        for ch in &self.channels {
            // Bots: the log says how contacts ended in them, not how long sessions took.
            let (resolved, dropped): (u64, u64) = ch
                .categories
                .iter()
                .map(|s| (s.bot_resolved, s.bot_dropout))
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            if resolved + dropped > 0 {
                let share = |f: &dyn Fn(&FittedStream) -> u64| -> String {
                    ch.categories
                        .iter()
                        .filter(|s| s.total > 0.0)
                        .map(|s| format!("{} = {:.3}", s.category, f(s) as f64 / s.total))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let _ = writeln!(t);
                let _ = writeln!(
                    t,
                    "# {} of the channel's contacts ended in a bot ({} resolved, {} left during it).",
                    resolved + dropped,
                    resolved,
                    dropped
                );
                let _ = writeln!(t, "[[bot]]");
                let _ = writeln!(t, "channel = \"{}\"", ch.name);
                let _ = writeln!(
                    t,
                    "handle_time = {{ dist = \"lognormal\", mean = \"2m\", cv = 0.8 }}   # a placeholder: the log has no session times"
                );
                let _ = writeln!(t, "containment_by = {{ {} }}", share(&|s| s.bot_resolved));
                let _ = writeln!(t, "dropout_by = {{ {} }}", share(&|s| s.bot_dropout));
            }
        }
        for ch in &self.channels {
            // Offered load per interval of an average day, in erlangs, from the fitted
            // means; contacts the bots settle need no agent.
            let mut load = vec![0.0; per_day];
            let mut fallback = 300.0;
            for s in &ch.categories {
                let aht = s.handle.map_or(fallback, |(m, _)| m);
                fallback = aht;
                let human = if s.total > 0.0 {
                    1.0 - (s.bot_resolved + s.bot_dropout) as f64 / s.total
                } else {
                    1.0
                };
                for (k, n) in s.rate_by_interval.iter().enumerate() {
                    load[k] += n * human * aht / self.interval;
                }
            }
            let mean_f = ch.day_of_week.map_or(1.0, |f| self.mean_factor(&f));
            let staffing: Vec<String> = (0..n_intervals)
                .map(|k| {
                    let f = ch
                        .day_of_week
                        .map_or(1.0, |f| self.factor_of_day(&f, k / per_day) / mean_f);
                    ((load[k % per_day] * f / 0.85).ceil().max(1.0) as u32).to_string()
                })
                .collect();
            let _ = writeln!(t);
            let _ = writeln!(t, "[[group]]");
            let _ = writeln!(t, "name = \"{}_agents\"", ch.name);
            let _ = writeln!(t, "handles = [\"{}/*\"]", ch.name);
            let _ = writeln!(
                t,
                "# A starting point: the offered load over 85 % occupancy; replace with your roster."
            );
            let _ = writeln!(t, "staffing = [{}]", staffing.join(", "));
            let first = ch.categories.iter().find_map(|s| s.handle);
            let (m, cv) = first.unwrap_or((300.0, 1.0));
            let _ = writeln!(
                t,
                "handle_time = {{ dist = \"lognormal\", mean = \"{}\", cv = {cv:.3} }}{}",
                duration(m),
                if first.is_none() {
                    "   # a placeholder: the log has no handle times"
                } else {
                    ""
                }
            );
            let by: Vec<String> = ch
                .categories
                .iter()
                .filter_map(|s| {
                    s.handle.map(|(m, cv)| {
                        format!(
                            "\"{}/{}\" = {{ dist = \"lognormal\", mean = \"{}\", cv = {cv:.3} }}",
                            ch.name,
                            s.category,
                            duration(m)
                        )
                    })
                })
                .collect();
            if !by.is_empty() {
                let _ = writeln!(t, "[group.handle_time_by]");
                for line in by {
                    let _ = writeln!(t, "{line}");
                }
            }
        }
        t
    }

    /// The day-of-week factor of day `d` of the log.
    fn factor_of_day(&self, f: &[f64; 7], d: usize) -> f64 {
        self.first_date
            .and_then(|first| first.checked_add(jiff::Span::new().days(d as i64)).ok())
            .map_or(1.0, |x| f[x.weekday().to_monday_zero_offset() as usize])
    }

    /// The mean day-of-week factor over the log's days.
    fn mean_factor(&self, f: &[f64; 7]) -> f64 {
        (0..self.days)
            .map(|d| self.factor_of_day(f, d))
            .sum::<f64>()
            / self.days as f64
    }

    /// The fit's quality for people: rates, handle-time fits with their KS distance,
    /// patience with the Kaplan–Meier curve.
    pub fn report(&self) -> String {
        let mut r = String::new();
        let _ = writeln!(
            r,
            "{} rows: {} arrivals over {} day(s) ({} observed from midnight to midnight), {} redials and repeats left out of the rates",
            self.rows, self.arrivals, self.days, self.full_days, self.returns
        );
        for ch in &self.channels {
            let mean = ch.daily_counts.iter().sum::<f64>() / self.days as f64;
            let _ = writeln!(
                r,
                "{}: {:.0} arrivals a day, busyness cv {:.3}{}",
                ch.name,
                mean,
                ch.day_cv,
                if ch.day_of_week.is_some() {
                    ", day-of-week factors fitted"
                } else if self.full_days >= 3 {
                    " (under two weeks of whole days: day-of-week differences count as busyness)"
                } else if self.full_days < 3 {
                    " (fewer than three whole days: no busyness fitted)"
                } else {
                    ""
                }
            );
            for s in &ch.categories {
                match (s.handle, s.ks) {
                    (Some((m, cv)), Some(ks)) => {
                        let n = s.handled.min(RESERVOIR as u64) as f64;
                        let _ = writeln!(
                            r,
                            "  {:<16} {:>8.0} arrivals; handle time lognormal mean {:.1}s cv {:.3} (sample mean {:.1}s, n {}), KS distance {:.4} (5 % critical {:.4})",
                            s.category,
                            s.total,
                            m,
                            cv,
                            s.handle_sample_mean,
                            s.handled,
                            ks,
                            1.358 / n.sqrt()
                        );
                    }
                    _ => {
                        let _ = writeln!(
                            r,
                            "  {:<16} {:>8.0} arrivals; no handle times",
                            s.category, s.total
                        );
                    }
                }
            }
            if let Some(theta) = ch.patience_mean {
                let _ = writeln!(
                    r,
                    "  patience exponential mean {:.1}s from {} abandoned and {} answered (censored); largest Kaplan–Meier gap {:.3}",
                    theta,
                    ch.abandoned,
                    ch.answered,
                    ch.patience_gap.unwrap_or(f64::NAN)
                );
                if let Some((m, cv, gap)) = ch.patience_lognormal {
                    let used = gap < ch.patience_gap.unwrap_or(f64::INFINITY);
                    let _ = writeln!(
                        r,
                        "  patience lognormal mean {m:.1}s cv {cv:.3} fitted to the Kaplan–Meier curve; largest gap {gap:.3}{}",
                        if used { " (used)" } else { "" }
                    );
                }
                for (x, km, exp, ln) in &ch.km_points {
                    let _ = writeln!(
                        r,
                        "    still waiting after {x:>4.0}s: Kaplan–Meier {km:.3}, exponential {exp:.3}, lognormal {ln:.3}"
                    );
                }
            }
        }
        r
    }
}
