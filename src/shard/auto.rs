//! `--shard auto`: the shard's index and count read from the environment of the standard
//! array-job runners, so one command line serves every task of an array job:
//!
//! | runner | index | count |
//! |---|---|---|
//! | Slurm job arrays | `SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN` | `SLURM_ARRAY_TASK_COUNT` |
//! | Kubernetes Indexed Jobs | `JOB_COMPLETION_INDEX` | `--shard auto/N`, or `CCSIM_SHARD_COUNT` |
//! | AWS Batch array jobs | `AWS_BATCH_JOB_ARRAY_INDEX` | `AWS_BATCH_JOB_ARRAY_SIZE` |
//!
//! The first runner whose index variable is set is used. A partial file's name may hold
//! `{index}` and `{count}`, replaced by the shard's (`--partial part-{index}.toml`).

use super::Shard;
use std::path::{Path, PathBuf};

/// What `--shard` says: a fixed `I/N`, or `auto` (with the count when the runner does not
/// give it: `auto/N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardSpec {
    /// `I/N`.
    Fixed(Shard),
    /// `auto` or `auto/N`: from the environment.
    Auto {
        /// The count given on the command line, if any.
        count: Option<u32>,
    },
}

/// The index variables looked for, in order, with the runner's name.
const RUNNERS: [(&str, &str); 3] = [
    ("SLURM_ARRAY_TASK_ID", "Slurm"),
    ("JOB_COMPLETION_INDEX", "a Kubernetes Indexed Job"),
    ("AWS_BATCH_JOB_ARRAY_INDEX", "AWS Batch"),
];

impl ShardSpec {
    /// Parses `I/N`, `auto` or `auto/N`.
    ///
    /// # Errors
    /// A message saying how to write it.
    pub fn parse(text: &str) -> Result<ShardSpec, String> {
        let t = text.trim();
        if t == "auto" {
            return Ok(ShardSpec::Auto { count: None });
        }
        if let Some(n) = t.strip_prefix("auto/") {
            return match n.trim().parse::<u32>() {
                Ok(count) if count > 0 => Ok(ShardSpec::Auto { count: Some(count) }),
                _ => Err(format!(
                    "`{text}`: write auto/N with N ≥ 1 the number of shards, e.g. --shard auto/16"
                )),
            };
        }
        Shard::parse(t).map(ShardSpec::Fixed).map_err(|e| {
            format!(
                "{e}, or --shard auto to read it from Slurm, a Kubernetes Indexed Job or AWS Batch"
            )
        })
    }

    /// The shard, and where it came from (`"--shard 3/16"` or `"Slurm
    /// (SLURM_ARRAY_TASK_ID=3, …)"`), reading variables through `env`.
    ///
    /// # Errors
    /// No runner's variables set; a variable that is not a whole number; an index out of
    /// the count; a Slurm array with gaps or a step; a count that contradicts `auto/N`.
    pub fn resolve(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<(Shard, String), String> {
        let given = match *self {
            ShardSpec::Fixed(s) => return Ok((s, format!("--shard {}/{}", s.index, s.count))),
            ShardSpec::Auto { count } => count,
        };
        let number =
            |name: &str| -> Result<Option<u32>, String> {
                match env(name) {
                    None => Ok(None),
                    Some(v) => v.trim().parse::<u32>().map(Some).map_err(|_| {
                        format!("--shard auto: {name}={v:?} is not a whole number ≥ 0")
                    }),
                }
            };
        let Some((variable, runner)) = RUNNERS.iter().find(|(v, _)| env(v).is_some()) else {
            return Err(format!(
                "--shard auto: none of {} is set, so this is not a task of an array job; run it as one (sbatch --array, a Kubernetes Indexed Job, an AWS Batch array job) or write --shard I/N",
                RUNNERS.map(|(v, _)| v).join(", ")
            ));
        };
        let raw = number(variable)?.expect("set");
        let (index, count) = match *variable {
            "SLURM_ARRAY_TASK_ID" => slurm(raw, &number)?,
            "JOB_COMPLETION_INDEX" => {
                let count = match (given, number("CCSIM_SHARD_COUNT")?) {
                    (Some(n), _) | (None, Some(n)) => n,
                    (None, None) => return Err("--shard auto: a Kubernetes Indexed Job gives its index (JOB_COMPLETION_INDEX) but not its count: write --shard auto/N with N the Job's completions, or set CCSIM_SHARD_COUNT".into()),
                };
                (raw, count)
            }
            _ => {
                let Some(count) = number("AWS_BATCH_JOB_ARRAY_SIZE")? else {
                    return Err("--shard auto: AWS_BATCH_JOB_ARRAY_INDEX is set but AWS_BATCH_JOB_ARRAY_SIZE is not".into());
                };
                (raw, count)
            }
        };
        if let Some(n) = given.filter(|&n| n != count) {
            return Err(format!(
                "--shard auto/{n}: {runner} says there are {count} tasks"
            ));
        }
        if count == 0 || index >= count {
            return Err(format!(
                "--shard auto: {runner} gives task {index} of {count}; an index runs from 0 to the count − 1"
            ));
        }
        let shard = Shard { index, count };
        Ok((
            shard,
            format!("{runner} ({variable}={raw}: shard {index}/{count})"),
        ))
    }
}

/// Slurm: the index from the array's first task id, the count of tasks; an array with a
/// step or gaps (`--array=0-15:2`, `--array=1,4,9`) is refused, since its tasks would not
/// number the shards 0 to N − 1.
fn slurm(
    id: u32,
    number: &dyn Fn(&str) -> Result<Option<u32>, String>,
) -> Result<(u32, u32), String> {
    let Some(count) = number("SLURM_ARRAY_TASK_COUNT")? else {
        return Err("--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (Slurm sets both for a job array)".into());
    };
    let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
    if number("SLURM_ARRAY_TASK_STEP")?.is_some_and(|s| s != 1) {
        return Err("--shard auto: the Slurm array has a step; use --array=0-N without one, so the tasks number the shards".into());
    }
    if let Some(max) = number("SLURM_ARRAY_TASK_MAX")?
        && max.checked_sub(min).map(|d| d + 1) != Some(count)
    {
        return Err(format!(
            "--shard auto: the Slurm array has gaps (tasks {min} to {max}, {count} of them); use a range such as --array=0-{}",
            count.saturating_sub(1)
        ));
    }
    let index = id.checked_sub(min).ok_or_else(|| {
        format!("--shard auto: SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}")
    })?;
    Ok((index, count))
}

/// `path` with `{index}` and `{count}` replaced by the shard's.
pub fn partial_path(path: &Path, shard: Shard) -> PathBuf {
    let text = path.to_string_lossy();
    if !text.contains('{') {
        return path.to_path_buf();
    }
    PathBuf::from(
        text.replace("{index}", &shard.index.to_string())
            .replace("{count}", &shard.count.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn resolve(spec: &str, vars: &[(&str, &str)]) -> Result<(Shard, String), String> {
        let env: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ShardSpec::parse(spec)?.resolve(&|k: &str| env.get(k).cloned())
    }

    #[test]
    fn each_runner_gives_index_and_count() {
        let s = |index, count| Shard { index, count };
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_COUNT", "16"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "15"),
        ];
        assert_eq!(resolve("auto", &slurm).unwrap().0, s(5, 16));
        // An array from 1: task 1 is shard 0.
        let from_one = [
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "4"),
        ];
        assert_eq!(resolve("auto", &from_one).unwrap().0, s(0, 4));
        assert_eq!(
            resolve("auto/8", &[("JOB_COMPLETION_INDEX", "7")])
                .unwrap()
                .0,
            s(7, 8)
        );
        assert_eq!(
            resolve(
                "auto",
                &[("JOB_COMPLETION_INDEX", "2"), ("CCSIM_SHARD_COUNT", "3")]
            )
            .unwrap()
            .0,
            s(2, 3)
        );
        assert_eq!(
            resolve(
                "auto",
                &[
                    ("AWS_BATCH_JOB_ARRAY_INDEX", "0"),
                    ("AWS_BATCH_JOB_ARRAY_SIZE", "2")
                ]
            )
            .unwrap()
            .0,
            s(0, 2)
        );
        assert_eq!(resolve("1/3", &[]).unwrap().0, s(1, 3));
        let (_, from) = resolve("auto", &slurm).unwrap();
        assert_eq!(from, "Slurm (SLURM_ARRAY_TASK_ID=5: shard 5/16)");
    }

    #[test]
    fn what_cannot_number_the_shards_is_refused() {
        for (spec, vars, says) in [
            (
                "auto",
                vec![],
                "none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX is set",
            ),
            (
                "auto",
                vec![("JOB_COMPLETION_INDEX", "2")],
                "write --shard auto/N",
            ),
            (
                "auto",
                vec![("SLURM_ARRAY_TASK_ID", "2")],
                "SLURM_ARRAY_TASK_COUNT is not",
            ),
            (
                "auto",
                vec![
                    ("SLURM_ARRAY_TASK_ID", "2"),
                    ("SLURM_ARRAY_TASK_COUNT", "3"),
                    ("SLURM_ARRAY_TASK_MIN", "0"),
                    ("SLURM_ARRAY_TASK_MAX", "7"),
                ],
                "has gaps",
            ),
            (
                "auto",
                vec![
                    ("SLURM_ARRAY_TASK_ID", "2"),
                    ("SLURM_ARRAY_TASK_COUNT", "3"),
                    ("SLURM_ARRAY_TASK_STEP", "2"),
                ],
                "has a step",
            ),
            (
                "auto/4",
                vec![
                    ("AWS_BATCH_JOB_ARRAY_INDEX", "1"),
                    ("AWS_BATCH_JOB_ARRAY_SIZE", "8"),
                ],
                "AWS Batch says there are 8 tasks",
            ),
            (
                "auto",
                vec![
                    ("AWS_BATCH_JOB_ARRAY_INDEX", "x"),
                    ("AWS_BATCH_JOB_ARRAY_SIZE", "8"),
                ],
                "is not a whole number",
            ),
            ("auto/4", vec![("JOB_COMPLETION_INDEX", "4")], "task 4 of 4"),
            ("auto/0", vec![], "N ≥ 1"),
            ("3/2", vec![], "or --shard auto"),
        ] {
            let err = resolve(spec, &vars).expect_err(spec);
            assert!(err.contains(says), "{spec} {vars:?}: {err}");
        }
    }

    #[test]
    fn a_partial_name_takes_the_shard() {
        let s = Shard {
            index: 3,
            count: 16,
        };
        assert_eq!(
            partial_path(Path::new("out/part-{index}-of-{count}.toml"), s),
            PathBuf::from("out/part-3-of-16.toml")
        );
        assert_eq!(
            partial_path(Path::new("part.toml"), s),
            PathBuf::from("part.toml")
        );
    }
}
