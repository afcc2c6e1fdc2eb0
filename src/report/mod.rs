//! Reports: a folder with a self-contained `index.html` (charts inline as SVG, no script,
//! no network) and the CSV and JSON files it links to, for a run, a comparison, a sweep or
//! an optimization. Only this module knows plotters (through [`charts`]).
//!
//! Each command's report has its file (`run.rs`, `compare.rs`, `sweep.rs`,
//! `optimize.rs`: which charts and tables, from the plain results); `page.rs` writes the
//! page and the folder's files they share.

pub mod charts;
mod compare;
mod optimize;
mod page;
mod run;
mod sweep;

pub use compare::compare_report;
pub use optimize::{optimize_charts, optimize_report};
pub use page::{ReportHeader, page};
pub use run::{run_charts, run_report};
pub use sweep::sweep_report;
