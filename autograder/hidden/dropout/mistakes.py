"""Mistakes students often make in dropout: the suite raises them, feedback and reports explain them."""
from autograder.hidden import Mistake, MistakeTable


class Mistakes(MistakeTable):
    dropout_keeps_with_prob_rate = Mistake(
        "Your dropout keeps values with probability rate",
        "rate is the probability of dropping a value; a value survives with probability 1 - rate.")
    dropout_not_rescaled = Mistake(
        "Your dropout does not scale up the values it keeps",
        "With some values set to 0 the layer's output shrinks on average. Inverted dropout divides what it "
        "keeps by 1 - rate, so the expected output stays the same and nothing changes at test time.")
    dropout_at_test_time = Mistake(
        "Your dropout still drops values when the model predicts",
        "Dropout is a training-time trick. At prediction time every unit is used, otherwise the same input "
        "gives different answers.")
    dropout_scaled_at_test_time = Mistake(
        "Your dropout scales the values at test time",
        "Inverted dropout does all its scaling during training, so at test time the input must come back "
        "unchanged.")
    dropout_reuses_mask = Mistake(
        "Your dropout drops the same values on every call",
        "Each call must draw a fresh random mask. A fixed mask simply removes those units from the network "
        "for good, which is not what makes dropout regularise.")
    dropout_modifies_input = Mistake(
        "Your dropout modifies its input",
        "It writes zeros into the array it was given, so the caller's data changes too. Build and return a "
        "new array instead.")
    dropout_after_output = Mistake(
        "Your Dropout layer comes after the output layer",
        "Dropping the model's predictions during training only adds noise to the loss. Dropout belongs "
        "after hidden layers, before the output layer.")
    dropout_rate_ignored = Mistake(
        "Your model ignores the dropout rate it is given",
        "The function's rate argument must reach the Dropout layer; a fixed rate makes every comparison of "
        "rates show the same model.")
