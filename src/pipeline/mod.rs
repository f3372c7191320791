//! Pipeline files: schema and parsing ([`spec`]), the stage registry
//! ([`registry`]) and the phase planner ([`plan`]).

pub mod interpolate;
pub mod plan;
pub mod registry;
pub mod spec;
pub mod suggest;
