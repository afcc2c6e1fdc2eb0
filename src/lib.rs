//! ccsim: a contact-center simulator and staffing optimizer.
//!
//! Two crates. `ccsim-core` (re-exported here under the same module names: [`duration`],
//! [`distribution`], [`model`], [`replay`], [`seeds`], [`engine`], [`stats`],
//! [`experiment`], [`erlang`], [`error`]) is the simulation without I/O. This crate adds,
//! each importing only those before it: [`limits`] (bounds on what is read), [`scenario`]
//! (files → [`model::Model`]), [`contact_log`] (logs read, replayed and written), [`fit`],
//! [`compare`], [`sweep`], [`shard`] (shares of a run on many machines, merged),
//! [`optimize`], [`summary`] and [`output`] (what is printed and written, without losing a
//! user's files), [`report`] (HTML and charts), and [`cli`] (the command line).

pub use ccsim_core::{
    distribution, duration, engine, erlang, error, experiment, grid, ids, model, replay, runner,
    seeds, shards, stats,
};

pub mod cli;
pub mod compare;
pub mod contact_log;
pub mod fit;
pub mod forecast;
pub mod limits;
pub mod optimize;
pub mod output;
pub mod report;
pub mod scenario;
pub mod shard;
pub mod summary;
pub mod sweep;
