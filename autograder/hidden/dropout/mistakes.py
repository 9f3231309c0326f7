"""Mistakes students often make in dropout: the suite raises them, feedback and reports explain them."""
from autograder.hidden import Mistake, MistakeTable, N_


class Mistakes(MistakeTable):
    dropout_keeps_with_prob_rate = Mistake(
        N_("Your dropout keeps values with probability rate"),
        N_("rate is the probability of dropping a value; a value survives with probability 1 - rate."))
    dropout_not_rescaled = Mistake(
        N_("Your dropout does not scale up the values it keeps"),
        N_("With some values set to 0 the layer's output shrinks on average. Inverted dropout divides what it "
           "keeps by 1 - rate, so the expected output stays the same and nothing changes at test time."))
    dropout_at_test_time = Mistake(
        N_("Your dropout still drops values when the model predicts"),
        N_("Dropout is a training-time trick. At prediction time every unit is used, otherwise the same input "
           "gives different answers."))
    dropout_scaled_at_test_time = Mistake(
        N_("Your dropout scales the values at test time"),
        N_("Inverted dropout does all its scaling during training, so at test time the input must come back "
           "unchanged."))
    dropout_reuses_mask = Mistake(
        N_("Your dropout drops the same values on every call"),
        N_("Each call must draw a fresh random mask. A fixed mask simply removes those units from the network "
           "for good, which is not what makes dropout regularise."))
    dropout_modifies_input = Mistake(
        N_("Your dropout modifies its input"),
        N_("It writes zeros into the array it was given, so the caller's data changes too. Build and return a "
           "new array instead."))
    dropout_after_output = Mistake(
        N_("Your Dropout layer comes after the output layer"),
        N_("Dropping the model's predictions during training only adds noise to the loss. Dropout belongs "
           "after hidden layers, before the output layer."))
    dropout_rate_ignored = Mistake(
        N_("Your model ignores the dropout rate it is given"),
        N_("The function's rate argument must reach the Dropout layer; a fixed rate makes every comparison of "
           "rates show the same model."))
