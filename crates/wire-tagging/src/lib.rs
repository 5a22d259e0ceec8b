//! Region and topic tagging (work in progress).
