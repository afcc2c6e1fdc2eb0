//! Comparing scenarios over the same customers. Every variant runs with the base's seed and
//! replication count, so replication r of each sees the same arrivals, categories, handle
//! times and patience wherever the model allows (common random numbers); each metric's
//! difference is estimated from the paired per-replication differences, whose confidence
//! interval is much narrower than the unpaired one when the runs are correlated.
//!
//! Pairing is only common random numbers when both scenarios have the same customers: the
//! same horizon, intervals, arrival streams (channel, category, rates, priority class),
//! surges, replayed logs and busyness ([`same_customers`]). Two scenarios whose customers
//! differ are still compared, but as independent samples: the difference's interval is
//! Welch's, and the output says that the customers differ.
//!
//! The [`Comparison`] is plain data; its text table, JSON and CSV are written by
//! [`crate::output::compare`].

use crate::error::Error;
use crate::experiment::RunResult;
use crate::model::Model;
use crate::runner::{Control, Job};
use serde::Serialize;

pub use ccsim_core::compare::{
    COMPARED, Difference, Pairing, Unit, channels_not_shared, compared, differences, metric_by_name,
};

/// Whether two models have the same customers ([`ccsim_core::compare::same_customers`]),
/// replayed logs compared by their canonical paths.
pub fn same_customers(a: &Model, b: &Model) -> bool {
    ccsim_core::compare::same_customers(a, b, &|p| {
        std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
    })
}

/// A variant against the base.
#[derive(Clone, Debug, Serialize)]
pub struct VariantComparison {
    /// The variant's scenario name.
    pub variant: String,
    /// Whether both have the same customers ([`same_customers`]).
    pub same_customers: bool,
    /// How differences were estimated: paired (common random numbers) only with the same
    /// customers.
    pub pairing: Pairing,
    /// When the variant is a variant file: which changes were applied to which base.
    pub changes: Option<crate::scenario::AppliedChanges>,
    /// Channels only one of the two has (`name (base only)` or `name (variant only)`):
    /// no per-channel rows for them, and `all` sums different channels.
    pub channels_not_shared: Vec<String>,
    /// Channels whose service level the variant counts otherwise (threshold, definition
    /// or short abandons): `voice: <base formula> → <variant formula>`; left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub service_level_redefined: Vec<String>,
    /// Every metric of every scope both share.
    pub differences: Vec<Difference>,
}

/// A base and its variants, compared.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The base's scenario name.
    pub base: String,
    /// Replications of each run.
    pub replications: u32,
    /// The seed every run used.
    pub seed: u64,
    /// One entry per variant, in the order given.
    pub variants: Vec<VariantComparison>,
}

/// Compares a variant's run with the base's: replication by replication (common random
/// numbers) when both have the same customers, else as independent samples. `changes` says
/// how the variant was built when it is a variant file applied to the base.
pub fn compare_runs(
    base_model: &Model,
    base: &RunResult,
    model: &Model,
    run: &RunResult,
    changes: Option<crate::scenario::AppliedChanges>,
) -> VariantComparison {
    let same = same_customers(base_model, model);
    let differences = differences(base_model, base, model, run, same);
    let channels_not_shared = channels_not_shared(base_model, model);
    VariantComparison {
        variant: model.name.clone(),
        channels_not_shared,
        service_level_redefined: service_level_redefined(base_model, model),
        same_customers: same,
        pairing: if same {
            Pairing::CommonRandomNumbers
        } else {
            Pairing::Unpaired
        },
        changes,
        differences,
    }
}

/// A comparison ready to run: the base and every variant compiled.
#[derive(Clone, Debug)]
pub struct ComparePlan {
    /// The base scenario.
    pub base: Model,
    /// The variants: those the base declares (`[[variant]]`), then the variant files named.
    pub variants: Vec<Model>,
    /// Per variant, the changes a variant file made to the base (`None` for declared ones).
    pub applied: Vec<Option<crate::scenario::AppliedChanges>>,
}

/// The runs of a comparison and the comparison itself.
#[derive(Clone, Debug)]
pub struct ComparedRuns {
    /// The base's run.
    pub base: RunResult,
    /// Each variant's run, in the plan's order.
    pub variants: Vec<RunResult>,
    /// The differences, variant by variant.
    pub comparison: Comparison,
}

/// Compiles the variants of the base at `base_path` (whose loaded model is `base`): the
/// `[[variant]]` tables it declares, then each file of `variant_files` with its changes
/// applied to this base (not to the base the file itself extends).
///
/// # Errors
/// Bad input: a variant that does not compile (located in its file), or no variant at all.
pub fn plan(
    base_path: &std::path::Path,
    base: Model,
    variant_files: &[std::path::PathBuf],
) -> Result<ComparePlan, Error> {
    let mut variants = crate::scenario::load_declared_variants(base_path)?;
    let mut applied = vec![None; variants.len()];
    for file in variant_files {
        let (model, changes) = crate::scenario::load_onto_base(base_path, &base.name, file)?;
        variants.push(model);
        applied.push(changes);
    }
    if variants.is_empty() {
        return Err(Error::bad_input(format!(
            "nothing to compare {} with: name variant files after it, or declare [[variant]] tables in it",
            base_path.display()
        )));
    }
    Ok(ComparePlan {
        base,
        variants,
        applied,
    })
}

impl ComparePlan {
    /// Runs the base and every variant with the same seed (the same customers where the
    /// arrivals agree) on the current rayon pool, side by side, and compares each variant
    /// with the base.
    ///
    /// # Errors
    /// As [`crate::runner::run`]: cancelled, or a replayed log that cannot be read.
    pub fn run(
        &self,
        seed: u64,
        replications: u32,
        control: &Control,
    ) -> Result<ComparedRuns, Error> {
        let jobs: Vec<Job> = std::iter::once(&self.base)
            .chain(&self.variants)
            .map(|model| Job {
                model,
                seed,
                replications,
            })
            .collect();
        let mut runs = crate::runner::run_jobs(&jobs, control)?.into_iter();
        let base = runs.next().expect("the base ran");
        let variants: Vec<RunResult> = runs.collect();
        let compared = (self.variants.iter().zip(&variants))
            .zip(&self.applied)
            .map(|((v, r), changes)| compare_runs(&self.base, &base, v, r, changes.clone()))
            .collect();
        Ok(ComparedRuns {
            comparison: Comparison {
                base: self.base.name.clone(),
                replications,
                seed,
                variants: compared,
            },
            base,
            variants,
        })
    }
}

/// The shared channels whose service level `variant` counts otherwise than `base`, with
/// both formulas.
fn service_level_redefined(base: &Model, variant: &Model) -> Vec<String> {
    let formula = |ch: &crate::model::Channel| crate::summary::ServiceLevelSummary::of(ch).formula;
    (base.channels.iter())
        .filter_map(|b| {
            let v = variant.channels.iter().find(|v| v.name == b.name)?;
            let (fb, fv) = (formula(b), formula(v));
            (fb != fv).then(|| format!("{}: {fb} → {fv}", b.name))
        })
        .collect()
}
