"""Mutants of the reference that are right answers too (see autograder.audit)."""
from autograder.hidden import Accepted

# The reference's one line: Input -> Dense(128, relu) -> Dropout(rate) -> Dense(128, relu) -> Dropout(rate) -> output
MODEL = "model = keras.Sequential("
OUTPUT_PART = ("keras.layers.Dense(128, activation='relu'), keras.layers.Dropout(rate), "
               "keras.layers.Dense(1, activation='sigmoid')")
ACCEPTED = [
    Accepted("build_dropout_model", MODEL, "task 2 makes the Dropout after the first hidden layer optional",
             becomes="keras.layers.Dense(128, activation='relu'), " + OUTPUT_PART),
    Accepted("build_dropout_model", MODEL, "the optional first Dropout is not graded: its kind is the student's choice",
             becomes="keras.layers.GaussianDropout(rate), " + OUTPUT_PART),
    Accepted("build_dropout_model", MODEL, "the optional first Dropout is not graded: its rate is the student's choice",
             becomes="keras.layers.Dropout(0.5), " + OUTPUT_PART),
]
