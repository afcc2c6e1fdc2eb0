//! ccsim: a contact-center simulator and staffing optimizer.
//!
//! Layers, each importing only those above it in this list:
//! [`duration`] and [`distribution`] (values), [`scenario`] (files → [`model::Model`]),
//! [`engine`] (one replication, no I/O) with [`stats`], [`experiment`] (replications in
//! parallel, confidence intervals), [`shard`] (shares of a run on many machines, merged),
//! [`summary`] (JSON and text), [`erlang`] (analytic
//! queues), and [`cli`] (the command line). [`limits`] (bounds on what is read and held) and
//! [`output`] (writing without losing a user's files) serve every layer that does I/O.

pub mod cli;
pub mod compare;
pub mod contact_log;
pub mod distribution;
pub mod duration;
pub mod engine;
pub mod erlang;
pub mod experiment;
pub mod fit;
pub mod ids;
pub mod limits;
pub mod model;
pub mod optimize;
pub mod output;
pub mod report;
pub mod scenario;
pub mod seeds;
pub mod shard;
pub mod stats;
pub mod summary;
pub mod sweep;
