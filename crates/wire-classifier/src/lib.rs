//! A multi-label linear text classifier (work in progress).
