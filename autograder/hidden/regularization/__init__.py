"""L1 and L2 regularisation: making large weights expensive."""

UNIT = 3  # where the assignment comes in the course
