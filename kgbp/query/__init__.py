"""Named questions: the .rq catalogue, binding, running, and result output."""
