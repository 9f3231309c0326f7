"""Overfitting: when a model learns its training set too well."""

UNIT = 2  # where the assignment comes in the course
