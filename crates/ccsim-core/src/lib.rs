//! The simulation core of ccsim: everything between a compiled [`model::Model`] and the
//! estimates of a run, and nothing that touches a file, a terminal or a clock on the wall
//! beyond timing a run.
//!
//! Layers, each importing only those above it in this list: [`error`], [`limits`],
//! [`duration`] and [`distribution`] (values), [`ids`] (typed indices), [`model`] and [`replay`] (the compiled
//! scenario; a replayed log is read through the [`replay::ReplayReader`] its loader
//! installed), [`seeds`], [`engine`] (one replication) with [`stats`] (its tallies and
//! metrics), [`experiment`] (replications in parallel, confidence intervals), and [`erlang`]
//! (analytic queues). [`runner`] is the door for programs that embed ccsim: runs on
//! the caller's thread pool, with progress and cancellation, and to a precision;
//! [`shards`] the share of a sharded run and the merge of the parts. The scenario language, contact logs, fitting, the optimizer, outputs,
//! reports and the command line live in the `ccsim` crate, which re-exports these modules
//! under the same names.

pub mod canonical;
pub mod compare;
pub mod distribution;
pub mod duration;
pub mod engine;
pub mod erlang;
pub mod error;
pub mod exp;
pub mod experiment;
pub mod grid;
pub mod ids;
pub mod limits;
pub mod model;
pub mod replay;
pub mod runner;
pub mod seeds;
pub mod shards;
pub mod stats;
pub(crate) mod table;
