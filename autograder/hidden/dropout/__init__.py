"""Dropout: switching neurons off to fight overfitting."""

UNIT = 4  # where the assignment comes in the course
