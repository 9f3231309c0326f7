"""Weight initialisation: keeping the signal alive."""

UNIT = 1  # where the assignment comes in the course
