"""Mutants of the reference that are right answers too (see autograder.audit)."""
from autograder.hidden import Accepted

ACCEPTED = [
    Accepted("build_bn_model", "keras.layers.Dense(units, use_bias=False)",
             "the notebook says keeping the Dense bias before BatchNormalization is harmless",
             becomes="keras.layers.Dense(units"),
]
