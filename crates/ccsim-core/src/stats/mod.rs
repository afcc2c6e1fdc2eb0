//! Per-replication statistics: plain tallies filled by the engine (counts, sums, wait
//! histograms, time integrals), the metric registry that derives a replication's metrics
//! from them once it ends, and the estimates that combine replications. Tallies of one
//! replication never depend on another; metrics of replications are combined only as
//! estimates (`experiment`, `summary`).
//!
//! Files, each using only those before it: `histogram.rs` ([`WaitHistogram`]),
//! `tally.rs` ([`QueueTally`], [`Tallies`]), `estimate.rs` ([`Moments`], [`Estimate`]),
//! `metrics.rs` (the registry: [`QueueMetrics`], [`GroupMetrics`], their estimates and
//! tables), `outcome.rs` ([`ReplicationOutcome`]), `risk.rs` ([`Risk`] across days:
//! the chance a target is met and percentiles).

mod estimate;
mod histogram;
mod metrics;
mod outcome;
mod risk;
mod tally;

pub use estimate::{Estimate, Moments, t_quantile_975};
pub use histogram::WaitHistogram;
pub use metrics::{
    GROUP_METRICS, GroupArea, GroupEstimates, GroupMetrics, MetricDef, QUEUE_METRICS,
    QueueEstimates, QueueMetrics, Unit, find, ratio,
};
pub use outcome::{ReplicationOutcome, WAIT_THRESHOLDS_S};
pub use risk::{Percentiles, Probability, Risk, RiskSamples, meets, quantile_sorted};
pub use tally::{QueueTally, Tallies};
