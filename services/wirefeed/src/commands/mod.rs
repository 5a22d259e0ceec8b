pub mod classifier;
pub mod dlq;
pub mod enrich;
pub mod eval;
pub mod parse;
pub mod run;
pub mod sources;
pub mod topics;
