//! Synthetic content for benchmarks (written by the corpus generator task).
