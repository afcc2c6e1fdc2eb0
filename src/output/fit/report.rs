//! The fit's quality for people (`ccsim fit`'s printed report): rows and days, per channel
//! its daily arrivals and busyness, per category the handle-time fit, patience with the
//! Kaplan–Meier curve, and redials and repeats found by customer id.

use crate::fit::{
    AT_RISK_TO_JUDGE, FittedChannel, FittedLog, FittedStream, PatienceChoice, PatienceFit,
    RESERVOIR, duration,
};
use std::fmt::Write as _;

/// The fit's quality for people: rows and days, per channel its daily arrivals and
/// busyness, per category the handle-time fit with its KS distance, and patience with the
/// Kaplan–Meier curve.
pub fn report(fit: &FittedLog) -> String {
    let mut r = String::new();
    let _ = writeln!(
        r,
        "{} rows: {} arrivals over {} day(s) ({} observed from midnight to midnight), {} redials and repeats left out of the rates",
        fit.rows, fit.arrivals, fit.days, fit.full_days, fit.returns
    );
    for ch in &fit.channels {
        report_channel(&mut r, fit, ch);
        for s in &ch.categories {
            report_stream(&mut r, s);
        }
        if let Some(p) = &ch.patience {
            report_patience(&mut r, p);
        }
        report_returns(&mut r, ch);
    }
    r
}

/// A channel's redials and repeats by customer id, when it has any.
fn report_returns(r: &mut String, ch: &FittedChannel) {
    for (what, after, est) in [
        ("redials", "abandoned", ch.redial()),
        ("repeats", "answered", ch.repeat()),
    ] {
        if let Some(e) = est.filter(|e| e.events > 0) {
            let _ = writeln!(
                r,
                "  {what}: {} after {} {after} contacts of known customers: probability {:.3} (95 % {:.3}–{:.3}), mean delay {}",
                e.events,
                e.trials,
                e.probability,
                e.interval.0,
                e.interval.1,
                duration(e.mean_delay)
            );
        }
    }
}

/// A channel's line: arrivals a day, busyness, and whether weekdays were told apart; then
/// its opening hours, when the log shows some.
fn report_channel(r: &mut String, fit: &FittedLog, ch: &FittedChannel) {
    let mean = ch.daily_counts.iter().sum::<f64>() / fit.days as f64;
    let _ = writeln!(
        r,
        "{}: {:.0} arrivals a day, busyness cv {:.3}{}",
        ch.name,
        mean,
        ch.day_cv,
        if ch.day_of_week.is_some() {
            ", day-of-week factors fitted"
        } else if fit.full_days >= 3 && fit.first_date.is_none() {
            " (a log timed in seconds has no weekdays: day-of-week differences count as busyness)"
        } else if fit.full_days >= 3 {
            " (under two weeks of whole days: day-of-week differences count as busyness)"
        } else if fit.full_days < 3 {
            " (fewer than three whole days: no busyness fitted)"
        } else {
            ""
        }
    );
    if let Some(h) = &ch.hours {
        let table = toml::Value::Table(super::hours::hours_table(h, fit.interval));
        let _ = writeln!(
            r,
            "  opening hours: {table} ({})",
            super::hours::hours_comment(h)
        );
    }
}

/// A category's line: arrivals, and the handle-time fit against its sample.
fn report_stream(r: &mut String, s: &FittedStream) {
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

/// The patience part of the fit's report: both fits with their likelihoods, the one used
/// and why, the Kaplan–Meier check, and the table.
fn report_patience(r: &mut String, p: &PatienceFit) {
    let _ = writeln!(
        r,
        "  patience by maximum likelihood from {} abandoned and {} answered (censored at their waits):",
        p.abandoned, p.answered
    );
    let (bic_exp, bic_ln) = p.bic();
    let used = |c: PatienceChoice| if p.choice == c { " (used)" } else { "" };
    let e = &p.exponential;
    let _ = writeln!(
        r,
        "    exponential mean {:.1}s (95 % CI {:.1}–{:.1}s), log-likelihood {:.2}, BIC {bic_exp:.2}{}",
        e.mean,
        e.ci95.0,
        e.ci95.1,
        e.log_likelihood,
        used(PatienceChoice::Exponential)
    );
    if let (Some(l), Some(bic_ln)) = (p.lognormal, bic_ln) {
        let ci = l.ci95.map_or(String::new(), |(lo, hi)| {
            format!(" (95 % CI {lo:.1}–{hi:.1}s)")
        });
        let _ = writeln!(
            r,
            "    lognormal mean {:.1}s cv {:.3}{ci}, log-likelihood {:.2}, BIC {bic_ln:.2}{}",
            l.mean,
            l.cv,
            l.log_likelihood,
            used(PatienceChoice::Lognormal)
        );
    }
    let _ = writeln!(
        r,
        "    {}{}",
        p.reason,
        if p.lognormal.is_some() {
            " (BIC = −2 log-likelihood + parameters × ln abandoned)"
        } else {
            ""
        }
    );
    match p.gap.judged {
        Some((e, l, until)) => {
            let _ = writeln!(
                r,
                "    largest Kaplan–Meier gap where {AT_RISK_TO_JUDGE} or more were still waiting (up to {until:.0}s): exponential {e:.3}{}",
                l.map_or(String::new(), |l| format!(", lognormal {l:.3}"))
            );
        }
        None => {
            let _ = writeln!(
                r,
                "    Kaplan–Meier gap not judged: no abandonment had {AT_RISK_TO_JUDGE} or more contacts still waiting (at most {}); the largest gap seen, {:.3} (exponential), rests on too few contacts to tell chance from misfit",
                p.gap.most_at_risk, p.gap.seen
            );
        }
    }
    for k in &p.km_points {
        let lognormal = k
            .lognormal
            .map_or(String::new(), |ln| format!(", lognormal {ln:.3}"));
        let _ = writeln!(
            r,
            "    still waiting after {:>4.0}s: Kaplan–Meier {:.3} ({} still waiting), exponential {:.3}{lognormal}",
            k.at, k.km, k.still_waiting, k.exponential
        );
    }
}
