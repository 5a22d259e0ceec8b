//! One module per subcommand: its clap `Args` and its `run`.

pub mod all;
pub mod archive;
pub mod copy;
pub mod core;
pub mod fetch;
pub mod pipeline;
pub mod stages;
