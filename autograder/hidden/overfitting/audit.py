"""Mutants of the reference that are right answers too (see autograder.audit)."""
from autograder.hidden import Accepted

ACCEPTED = [
    Accepted("build_overfit_model", "hidden = [keras.layers.Dense(128, activation='relu') for _ in range(4)]",
             "task 2 leaves the width, the depth (at least 4) and the nonlinear activation to the student; "
             "the tests check those bounds and the parameter count"),
]
