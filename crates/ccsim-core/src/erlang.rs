//! Exact analytic values for single-queue centers: Erlang C (M/M/n) and Erlang A
//! (M/M/n+M, computed from its birth–death chain, not an approximation). The engine is
//! tested against these, and the staffing layer sizes intervals with them.

use statrs::function::beta::beta_reg;

/// A single queue with Poisson arrivals, exponential handle times and `agents` servers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QueueSpec {
    /// Arrivals per second.
    pub arrival_rate: f64,
    /// Mean handle time in seconds.
    pub aht: f64,
    /// Number of agents.
    pub agents: u32,
    /// Mean patience in seconds (exponential); `None` for Erlang C.
    pub patience: Option<f64>,
    /// Service-level threshold in seconds.
    pub answer_within: f64,
}

/// Steady-state values of a queue.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct QueueValues {
    /// Probability that an arriving contact has to wait.
    pub p_wait: f64,
    /// Share of all arrivals answered within the threshold.
    pub service_level: f64,
    /// Mean wait of answered contacts, seconds.
    pub asa_s: f64,
    /// Share of arrivals that abandon.
    pub abandon_rate: f64,
    /// Mean share of agents busy.
    pub occupancy: f64,
}

/// A queue whose values cannot be computed, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ErlangError(pub String);

impl std::fmt::Display for ErlangError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ErlangError {}

fn check(spec: &QueueSpec) -> Result<(), ErlangError> {
    let ok = |v: f64| v.is_finite() && v > 0.0;
    if !ok(spec.arrival_rate) {
        return Err(ErlangError(format!(
            "the arrival rate must be a finite number greater than zero (got {} an hour)",
            spec.arrival_rate * 3600.0
        )));
    }
    if !ok(spec.aht) {
        return Err(ErlangError(format!(
            "the handle time must be a finite number of seconds greater than zero (got {}s)",
            spec.aht
        )));
    }
    if spec.agents == 0 {
        return Err(ErlangError("there must be at least one agent".into()));
    }
    if !(spec.answer_within.is_finite() && spec.answer_within >= 0.0) {
        return Err(ErlangError(format!(
            "the service-level threshold must be a finite number of seconds, zero or more (got {}s)",
            spec.answer_within
        )));
    }
    if let Some(p) = spec.patience
        && !ok(p)
    {
        return Err(ErlangError(format!(
            "the mean patience must be a finite number of seconds greater than zero (got {p}s)"
        )));
    }
    Ok(())
}

/// Erlang B blocking probability for offered load `a` on `n` servers (stable recursion).
pub fn erlang_b(n: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=n {
        b = a * b / (k as f64 + a * b);
    }
    b
}

/// Exact Erlang C (M/M/n, no abandonment); an error when the load reaches the agents.
pub fn erlang_c(spec: &QueueSpec) -> Result<QueueValues, ErlangError> {
    check(spec)?;
    let n = spec.agents as f64;
    let mu = 1.0 / spec.aht;
    let a = spec.arrival_rate * spec.aht;
    // A load within rounding of the agent count is as unstable as one above it.
    if a >= n * (1.0 - 1e-9) {
        return Err(ErlangError(format!(
            "the load of {a:.2} erlangs needs more than {} agents: without abandonment the queue grows without bound",
            spec.agents
        )));
    }
    let b = erlang_b(spec.agents, a);
    let rho = a / n;
    let p_wait = b / (1.0 - rho * (1.0 - b));
    let drain = n * mu - spec.arrival_rate;
    Ok(QueueValues {
        p_wait,
        service_level: 1.0 - p_wait * (-drain * spec.answer_within).exp(),
        asa_s: p_wait / drain,
        abandon_rate: 0.0,
        occupancy: rho,
    })
}

/// Exact Erlang A (M/M/n+M) from the stationary distribution of its birth–death chain.
///
/// A contact arriving with `j` others waiting ahead is answered if its patience outlasts
/// the phases `n·μ + i·θ` (i = j … 0) ahead of it; with θ the abandonment rate the chance of
/// that is `n·μ / (n·μ + (j+1)·θ)`, and the time to answer, given it is answered, is a sum of
/// exponentials with rates `n·μ + m·θ` (m = 1 … j+1), whose distribution function is a
/// regularised incomplete beta function.
pub fn erlang_a(spec: &QueueSpec) -> Result<QueueValues, ErlangError> {
    check(spec)?;
    let Some(patience) = spec.patience else {
        return erlang_c(spec);
    };
    let n = spec.agents as usize;
    let lambda = spec.arrival_rate;
    let mu = 1.0 / spec.aht;
    let theta = 1.0 / patience;
    let service_rate = n as f64 * mu;

    // Unnormalised log-probabilities of k in system, until the tail is negligible.
    let mut log_p: Vec<f64> = vec![0.0];
    let mut max = 0.0f64;
    let mut k = 0usize;
    loop {
        k += 1;
        let death = if k <= n {
            k as f64 * mu
        } else {
            service_rate + (k - n) as f64 * theta
        };
        let next = log_p[k - 1] + (lambda / death).ln();
        log_p.push(next);
        max = max.max(next);
        if k > n && lambda < death && next - max < -50.0 {
            break;
        }
        if k > n + 2_000_000 {
            return Err(ErlangError(
                "the queue would hold millions of waiting contacts; check --rate-per-hour against --agents, --aht and --patience".into(),
            ));
        }
    }
    let p: Vec<f64> = log_p.iter().map(|l| (l - max).exp()).collect();
    let total: f64 = p.iter().sum();

    let x = (-theta * spec.answer_within).exp();
    let a_param = service_rate / theta + 1.0;
    let (mut p_wait, mut answered, mut within, mut wait_answered, mut queue, mut busy) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let mut mean_time = 0.0; // Σ_{m=1}^{j+1} 1/(nμ + mθ), built up as j grows.
    for (k, &pk) in p.iter().enumerate() {
        let pk = pk / total;
        busy += pk * k.min(n) as f64;
        if k < n {
            answered += pk;
            within += pk;
            continue;
        }
        let j = k - n;
        p_wait += pk;
        queue += pk * j as f64;
        mean_time += 1.0 / (service_rate + (j + 1) as f64 * theta);
        let p_answer = service_rate / (service_rate + (j + 1) as f64 * theta);
        // P(S <= T) = P(U >= x) with U = exp(-θS) ~ Beta(nμ/θ + 1, j + 1).
        let p_in_time = 1.0 - beta_reg(a_param, (j + 1) as f64, x);
        answered += pk * p_answer;
        within += pk * p_answer * p_in_time;
        wait_answered += pk * p_answer * mean_time;
    }
    Ok(QueueValues {
        p_wait,
        service_level: within,
        asa_s: if answered > 0.0 {
            wait_answered / answered
        } else {
            0.0
        },
        abandon_rate: theta * queue / lambda,
        occupancy: busy / n as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(per_hour: f64, aht: f64, agents: u32, patience: Option<f64>) -> QueueSpec {
        QueueSpec {
            arrival_rate: per_hour / 3600.0,
            aht,
            agents,
            patience,
            answer_within: 20.0,
        }
    }

    #[test]
    fn erlang_c_matches_a_textbook_case() {
        // 100 calls per 30 minutes, AHT 180 s, 11 agents: load 10 erlangs.
        let v = erlang_c(&spec(200.0, 180.0, 11, None)).unwrap();
        assert!((v.p_wait - 0.6821).abs() < 1e-3, "{v:?}");
        assert!((v.occupancy - 10.0 / 11.0).abs() < 1e-12);
    }

    #[test]
    fn erlang_c_refuses_a_load_equal_to_the_agents() {
        // 1,200/h × 5 min is 100 erlangs: 100 agents cannot keep up.
        assert!(erlang_c(&spec(1200.0, 300.0, 100, None)).is_err());
        assert!(erlang_c(&spec(1200.0, 300.0, 101, None)).is_ok());
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_with_infinite_patience() {
        let c = erlang_c(&spec(1000.0, 300.0, 90, None)).unwrap();
        let a = erlang_a(&spec(1000.0, 300.0, 90, Some(1e9))).unwrap();
        assert!((a.p_wait - c.p_wait).abs() < 1e-4, "{a:?} {c:?}");
        assert!(
            (a.service_level - c.service_level).abs() < 1e-4,
            "{a:?} {c:?}"
        );
        assert!((a.asa_s - c.asa_s).abs() / c.asa_s < 1e-3, "{a:?} {c:?}");
    }

    #[test]
    fn erlang_a_balances_flow() {
        // Answered throughput equals busy agents times the service rate.
        let s = spec(1200.0, 300.0, 95, Some(180.0));
        let v = erlang_a(&s).unwrap();
        let served = s.arrival_rate * (1.0 - v.abandon_rate);
        let busy = v.occupancy * s.agents as f64;
        assert!((served * s.aht - busy).abs() < 1e-6, "{v:?}");
    }
}
