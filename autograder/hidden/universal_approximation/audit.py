"""Mutants of the reference that are right answers too (see autograder.audit)."""
from autograder.hidden import Accepted

ACCEPTED = [
    Accepted("uat_weights", "steepness = 20.0 * (n_bumps - 1) / (b - a)",
             "task 2 grades the network's accuracy, not its steepness: any steepness that keeps it within 0.1 "
             "with 100 bumps, and improves with more, is right"),
    Accepted("uat_weights", "return (W1, b1, W2, float(values[0]))",
             "the construction is free (up to 2 n_bumps neurons, so b2 = 0 is right for a row of bumps); a b2 one "
             "sample off stays within the accuracy the task asks for",
             becomes="float(values[1])"),
]
