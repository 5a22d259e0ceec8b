pub mod enrich;
pub mod parse;
pub mod run;
