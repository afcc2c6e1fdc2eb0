//! Embedding ccsim: load a scenario, then run it, compare it with a variant and sweep a
//! value through the library, on a thread pool this program owns, with a progress callback
//! and a flag that cancels.
//!
//! ```sh
//! cargo run --release --example embed                 # scenarios/weekday.toml
//! cargo run --release --example embed -- my.toml 8    # another scenario (with a voice
//!                                                    # channel), 8 replications
//! ```

use ccsim::error::ErrorKind;
use ccsim::runner::Control;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let file = PathBuf::from(args.next().unwrap_or("scenarios/weekday.toml".into()));
    let replications: u32 = match args.next().map(|a| a.parse()) {
        None => 5,
        Some(Ok(n)) if n >= 2 => n,
        Some(_) => {
            eprintln!(
                "usage: embed [SCENARIO.toml [REPLICATIONS]]: replications are a whole number, at least 2"
            );
            std::process::exit(2);
        }
    };

    // The model: every error is typed, with a kind that says whose fault it is.
    let model = match ccsim::scenario::load(&file) {
        Ok(m) => m,
        Err(e) => {
            let e = ccsim::error::Error::from(e);
            eprintln!("{:?} (exit code {}): {e}", e.kind(), e.kind().exit_code());
            std::process::exit(e.kind().exit_code().into());
        }
    };

    // Our own pool: ccsim starts no threads of its own inside `install`.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build()?;
    let contacts = AtomicU64::new(0);
    let progress = |c: u64| {
        contacts.fetch_add(c, Ordering::Relaxed);
    };
    let control = Control::new().on_replication(&progress);

    // 1. A run: estimates with 95 % confidence intervals, as `ccsim run` prints them.
    let run = pool.install(|| ccsim::runner::run(&model, model.seed, replications, &control))?;
    let summary = ccsim::summary::RunSummary::new(&model, &run, model.seed);
    let all = &summary.totals.queue;
    println!(
        "{}: {replications} replications, {} contacts simulated",
        model.name,
        contacts.load(Ordering::Relaxed)
    );
    println!(
        "  all channels: service level {:.3} ± {:.3}, ASA {:.1} s ± {:.1}",
        all.service_level.mean, all.service_level.ci95, all.asa_s.mean, all.asa_s.ci95
    );

    // 2. A comparison: voice customers half again as patient (a key path, as a variant's
    //    `[set]` writes it), over the same customers (common random numbers).
    let change = [("channel.voice.patience.mean".to_string(), "6m".into())];
    let patient = ccsim::scenario::load_with_changes(&file, &change, "patient voice")?;
    let plan = ccsim::compare::ComparePlan {
        base: model.clone(),
        variants: vec![patient],
        applied: vec![None],
    };
    let compared = pool.install(|| plan.run(model.seed, replications, &control))?;
    for line in ccsim::output::compare::render_text(&compared.comparison)
        .lines()
        .take(8)
    {
        println!("  {line}");
    }

    // 3. A sweep: the service-level target's answer time at three values.
    let axis = ccsim::sweep::parse_axis("channel.voice.service_level.answer_within=10s,20s,30s")?;
    match ccsim::sweep::plan(&file, model.clone(), &[axis]) {
        Ok(sweep) => {
            let points: Vec<u32> = (0..sweep.models.len() as u32).collect();
            let runs =
                pool.install(|| sweep.run(&points, None, Some(replications), false, &control))?;
            for ((label, m), r) in sweep.labels.iter().zip(&sweep.models).zip(&runs) {
                let s = ccsim::summary::RunSummary::new(m, r, m.seed);
                let (key, value) = &label[0];
                let sl = s.totals.queue.service_level.mean;
                println!("  {key} = {value}: service level (all channels) {sl:.3}");
            }
        }
        Err(e) => println!("  (no sweep: {e})"),
    }

    // 4. Cancelling: a flag set from the progress callback after two replications.
    let stop = AtomicBool::new(false);
    let ended = AtomicU64::new(0);
    let stop_after_two = |_| {
        if ended.fetch_add(1, Ordering::Relaxed) + 1 >= 2 {
            stop.store(true, Ordering::Relaxed);
        }
    };
    let cancellable = Control::new()
        .on_replication(&stop_after_two)
        .cancel_with(&stop);
    match pool.install(|| ccsim::runner::run(&model, model.seed, 1000, &cancellable)) {
        Err(e) if e.kind() == ErrorKind::Cancelled => println!(
            "cancelled after {} of 1000 replications",
            ended.load(Ordering::Relaxed)
        ),
        Err(e) => return Err(e.into()),
        Ok(_) => println!("finished before the flag was seen"),
    }
    Ok(())
}
