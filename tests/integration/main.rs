//! eurocurate's integration tests, one module per area, in one test binary:
//! each binary links the whole library, so one binary instead of twenty
//! saves most of the link time of a CI run.

mod bad_input;
mod bpe_fast_path;
mod charset;
mod classify;
mod common;
mod compare_smoke;
mod decontaminate;
mod dedup;
mod html_extract;
mod html_holes;
mod html_templates;
mod html_tree;
mod langs;
mod layers;
mod mix;
mod one_writer;
mod parquet_io;
mod quality;
mod report;
mod report_measures;
mod resume_identity;
mod rules;
mod run_pipeline;
mod slurm;
mod stage_contract;
mod tokenize;
mod whatif;
