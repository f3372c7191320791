//! Pipeline files: schema and parsing ([`spec`]), the stage registry
//! ([`registry`]) and the phase planner ([`plan`]).

pub mod interpolate;
pub mod plan;
pub use crate::stages::registry;
pub mod spec;
pub use crate::text::suggest;
