//! Search, shared by both halves: the builder indexes posts with it and the app answers queries
//! with it, so both see text the same way.

pub mod index;
pub mod query;
pub mod tokenize;
