//! From the counts to the fit: which parts of the log's days were observed, daily counts,
//! day-of-week factors, the busyness cv beyond Poisson, patience, and per channel/category
//! the rates per interval of the day and the lognormal handle time with its KS distance.
//! Values outside what a scenario takes are clamped here, with a warning each.

use super::bounds::{
    MAX_BUSYNESS_CV, MAX_CV, MAX_HANDLE, MAX_PATIENCE, MIN_TIME, duration, seconds_text, shown,
};
use super::read::{ChannelAcc, StreamAcc};
use super::{FittedChannel, FittedStream, PatienceChoice, PatienceFit, patience};
use jiff::civil::Date;

/// Which parts of the log's days were observed: a log may start or end mid-day.
pub(super) struct Observed {
    pub days: usize,
    pub per_day: usize,
    /// Days whose every interval lies between the first and the last arrival.
    pub full: Vec<bool>,
    /// Per interval of the day, the days on which it was observed.
    pub exposure: Vec<f64>,
}

impl Observed {
    pub fn new(days: usize, per_day: usize, interval: f64, first: f64, last: f64) -> Observed {
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

    /// Whole days by the hours the center had contacts: a first day whose first row
    /// (`first`, seconds from the first day's midnight) came in the earliest interval of
    /// the day in which any row came (`open.0`, a second of the day), and a last day whose
    /// last row (`last`) came in the latest such interval (`open.1`), are whole, so that a
    /// center closed at night has whole first and last days. Only adds whole days: a
    /// center open around the clock is judged as before.
    pub fn with_open_hours(
        mut self,
        interval: f64,
        first: f64,
        last: f64,
        open: (f64, f64),
    ) -> Observed {
        if self.full.is_empty() || open.0 > open.1 || first > last || !open.0.is_finite() {
            return self;
        }
        let k = |s: f64| (s.rem_euclid(86_400.0) / interval).floor();
        let starts_open = k(first) <= k(open.0);
        let ends_open = k(last) >= k(open.1);
        let d = self.days - 1;
        if d == 0 {
            self.full[0] |= starts_open && ends_open;
        } else {
            self.full[0] |= starts_open;
            self.full[d] |= ends_open;
        }
        self
    }

    pub fn full_days(&self) -> usize {
        self.full.iter().filter(|f| **f).count()
    }
}

/// The day-of-week factor `f` of day `d` of a log whose first day is `first` (1 for a log
/// without dates).
pub(super) fn weekday_factor(first: Option<Date>, f: &[f64; 7], d: usize) -> f64 {
    first
        .and_then(|first| first.checked_add(jiff::Span::new().days(d as i64)).ok())
        .map_or(1.0, |x| f[x.weekday().to_monday_zero_offset() as usize])
}

/// The fit of channel `name` from what the pass counted for it.
pub(super) fn finish_channel(
    name: String,
    acc: ChannelAcc,
    observed: &Observed,
    first_date: Option<Date>,
    warnings: &mut Vec<String>,
) -> FittedChannel {
    let daily_counts = daily_counts(&acc, observed.days);
    // Only whole days say how days differ.
    let full: Vec<usize> = (0..observed.days).filter(|&d| observed.full[d]).collect();
    let day_of_week = first_date.and_then(|first| day_of_week(first, &full, &daily_counts));
    let day_cv = busyness_cv(&full, &daily_counts, day_of_week, first_date);
    let day_cv = bounded_busyness(&name, day_cv, warnings);
    let patience = fit_patience(&name, &acc.waits, warnings);
    let returns = acc.returns;
    let hours = super::hours::fit_hours(&acc, &full, observed.per_day, first_date);
    let categories = acc
        .categories
        .into_iter()
        .map(|(category, s)| finish_stream(&name, category, s, observed, warnings))
        .collect();
    FittedChannel {
        name,
        daily_counts,
        day_of_week,
        day_cv,
        patience,
        returns,
        categories,
        hours,
    }
}

/// Arrivals per day of the log, every category together.
fn daily_counts(acc: &ChannelAcc, days: usize) -> Vec<f64> {
    let mut daily_counts = vec![0.0; days];
    for (_, s) in &acc.categories {
        for (&(d, _), &n) in &s.by_day_interval {
            daily_counts[d] += n;
        }
    }
    daily_counts
}

/// Day-of-week factors (Monday first) from the whole days `full`, when there are two
/// weeks of them or more: each weekday's mean count over the mean of all.
fn day_of_week(first: Date, full: &[usize], daily_counts: &[f64]) -> Option<[f64; 7]> {
    if full.len() < 14 {
        return None;
    }
    let mean = full.iter().map(|&d| daily_counts[d]).sum::<f64>() / full.len() as f64;
    let mut sums = [0.0; 7];
    let mut counts = [0.0; 7];
    for &d in full {
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

/// The cv of a day's busyness factor: Var(N_d) = m_d + cv² m_d², cv² from the squared
/// deviations beyond Poisson over the whole days `full`, with the degrees of freedom the
/// mean (and the day-of-week factors) used up; 0 with too few whole days.
fn busyness_cv(
    full: &[usize],
    daily_counts: &[f64],
    day_of_week: Option<[f64; 7]>,
    first_date: Option<Date>,
) -> f64 {
    let factor = |d: usize| -> f64 {
        match (day_of_week, first_date) {
            (Some(f), Some(_)) => weekday_factor(first_date, &f, d),
            _ => 1.0,
        }
    };
    let n_full = full.len();
    let mean = full.iter().map(|&d| daily_counts[d]).sum::<f64>() / n_full.max(1) as f64;
    let fitted = 1.0 + day_of_week.map_or(0.0, |_| 6.0);
    if !(n_full as f64 > fitted + 1.0 && mean > 0.0) {
        return 0.0;
    }
    let (mut squares, mut sum_m, mut sum_m2) = (0.0, 0.0, 0.0);
    for &d in full {
        let c = daily_counts[d];
        let m = mean * factor(d);
        squares += (c - m).powi(2);
        sum_m += m;
        sum_m2 += m * m;
    }
    let excess = squares * n_full as f64 / (n_full as f64 - fitted) - sum_m;
    (excess.max(0.0) / sum_m2).sqrt()
}

/// The busyness cv as a scenario takes it: above [`MAX_BUSYNESS_CV`] (or undefined) it is
/// written as that, with a warning.
fn bounded_busyness(name: &str, day_cv: f64, warnings: &mut Vec<String>) -> f64 {
    if day_cv.is_finite() && day_cv <= MAX_BUSYNESS_CV {
        return day_cv;
    }
    warnings.push(format!(
        "{}: the day-to-day busyness cv fitted as {day_cv:.3} is above {MAX_BUSYNESS_CV}, the most a scenario takes; written as {MAX_BUSYNESS_CV} (days this different are seldom one center's normal variation: check the log for missing or partial days)",
        shown(name)
    ));
    MAX_BUSYNESS_CV
}

/// Patience: both candidates by censored maximum likelihood over every wait; a lognormal
/// whose mean a scenario does not take gives way to the exponential, and an exponential
/// mean outside it is clamped when written (a warning each).
fn fit_patience(
    name: &str,
    waits: &patience::Waits,
    warnings: &mut Vec<String>,
) -> Option<PatienceFit> {
    let mut patience = patience::fit(waits, MAX_CV);
    let p = patience.as_mut()?;
    if let (PatienceChoice::Lognormal, Some(l)) = (p.choice, p.lognormal)
        && !(MIN_TIME..=MAX_PATIENCE).contains(&l.mean)
    {
        warnings.push(format!(
            "{}: the lognormal patience fitted (mean {}, cv {:.3}) is outside what a scenario takes (mean from {} to {}); the exponential is written instead",
            shown(name),
            seconds_text(l.mean),
            l.cv,
            duration(MIN_TIME),
            duration(MAX_PATIENCE)
        ));
        p.choice = PatienceChoice::Exponential;
        p.reason = format!(
            "the exponential is used: the lognormal's mean, {}, is outside what a scenario takes",
            seconds_text(l.mean)
        );
    }
    let theta = p.exponential.mean;
    let kept = theta.clamp(MIN_TIME, MAX_PATIENCE);
    if p.choice == PatienceChoice::Exponential && kept != theta {
        warnings.push(format!(
            "{}: the mean patience fitted as {} ({} abandoned against {} of waiting) is outside what a scenario takes (from {} to {}); written as {}",
            shown(name),
            seconds_text(theta),
            p.abandoned,
            seconds_text(waits.total),
            duration(MIN_TIME),
            duration(MAX_PATIENCE),
            duration(kept)
        ));
    }
    patience
}

/// The fit of one channel/category pair: rates per interval of an average day, bot
/// outcomes, and the handle time with its KS distance.
fn finish_stream(
    channel: &str,
    category: String,
    s: StreamAcc,
    observed: &Observed,
    warnings: &mut Vec<String>,
) -> FittedStream {
    let mut by_interval = vec![0.0; observed.per_day];
    for (&(_, k), &n) in &s.by_day_interval {
        by_interval[k] += n;
    }
    let rate_by_interval = by_interval
        .iter()
        .zip(&observed.exposure)
        .map(|(n, e)| if *e > 0.0 { n / e } else { 0.0 })
        .collect();
    let label = format!("{channel}/{category}");
    // A few zeros are times under the log's millisecond; many are worth a look.
    if s.zero_handle > 0 && s.zero_handle as f64 >= 0.01 * s.n as f64 {
        warnings.push(format!(
            "{}: {} of the {} attempts with a handle time ({:.1} %) are answered with a handle time of 0 (disconnects?): they are kept in the fitted mean and cv as work of 0 seconds; check the log's handle_time column if they are not real contacts",
            shown(&label),
            s.zero_handle,
            s.n,
            100.0 * s.zero_handle as f64 / s.n as f64,
        ));
    }
    // Answered attempts without a handle time, beside others with one: said, since the
    // fit is of the others only (a log with no handle times at all says so elsewhere).
    if s.no_handle > 0 && s.n > 0 {
        warnings.push(format!(
            "{}: {} answered {} no handle time (an empty cell): left out of the handle-time fit, which is of the {} attempts with one",
            shown(&label),
            s.no_handle,
            if s.no_handle == 1 { "attempt has" } else { "attempts have" },
            s.n,
        ));
    }
    let handle = fit_handle(&label, &s, warnings);
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
}

/// The lognormal handle time of the pair `label` (`channel/category`): the sample's own
/// mean and cv (method of moments), clamped with a warning to what a scenario takes; None
/// under two handle times.
fn fit_handle(label: &str, s: &StreamAcc, warnings: &mut Vec<String>) -> Option<(f64, f64)> {
    if s.n < 2 {
        return None;
    }
    // The lognormal with the sample's own mean and cv: the mean — the workload every
    // staffing figure rests on — is kept exactly. A fit to the logarithms would not keep
    // it: on exponential handle times it overstates the mean by 28 % (e^(π²/12 − γ)).
    let n = s.n as f64;
    let mean = s.sum / n;
    let sd = ((s.sum2 - n * mean * mean) / (n - 1.0)).max(0.0).sqrt();
    let sample_cv = if mean > 0.0 { sd / mean } else { 0.0 };
    let (m, cv) = (mean, sample_cv);
    if m.is_finite() && (MIN_TIME..=MAX_HANDLE).contains(&m) && cv.is_finite() && cv <= MAX_CV {
        return Some((m, cv));
    }
    let (kept_m, kept_cv) = (
        if m.is_finite() {
            m.clamp(MIN_TIME, MAX_HANDLE)
        } else {
            MAX_HANDLE
        },
        if cv.is_finite() {
            cv.clamp(0.0, MAX_CV)
        } else {
            MAX_CV
        },
    );
    warnings.push(format!(
        "{}: the {} handle times have mean {} and cv {cv:.3}, outside what a scenario takes (mean from {} to {}, cv at most {MAX_CV}); the shortest handle time is {}. Written with mean {} and cv {kept_cv:.3} instead: check the log's handle_time column",
        shown(label),
        s.n,
        seconds_text(m),
        duration(MIN_TIME),
        duration(MAX_HANDLE),
        seconds_text(s.min),
        duration(kept_m),
    ));
    Some((kept_m, kept_cv))
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
