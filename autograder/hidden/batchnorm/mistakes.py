"""Mistakes students often make in batchnorm: the suite raises them, feedback and reports explain them."""
from autograder.hidden import Mistake, MistakeTable, N_


class Mistakes(MistakeTable):
    batchnorm_wrong_axis = Mistake(
        N_("Your batch normalisation averages over the wrong axis"),
        N_("Each feature (column) is normalised with its mean and variance over the examples of the batch, not "
           "each example over its features."))
    batchnorm_unbiased_variance = Mistake(
        N_("Your batch normalisation uses the unbiased variance"),
        N_("Batch normalisation divides by the batch size m, the batch's own variance, not by m - 1."))
    batchnorm_eps_outside_sqrt = Mistake(
        N_("Your ε is added after the square root"),
        N_("ε belongs inside the square root, sqrt(var + ε): that is the formula the layer uses, and it keeps "
           "the scale right for features with tiny variance."))
    batchnorm_without_eps = Mistake(
        N_("Your batch normalisation leaves out ε"),
        N_("A feature that hardly varies in a batch has a variance close to 0; without ε, dividing by its "
           "standard deviation blows it up, or divides by zero."))
    batchnorm_divides_by_variance = Mistake(
        N_("Your batch normalisation divides by the variance"),
        N_("Normalising means dividing by the standard deviation, the square root of the variance, so that each "
           "feature ends up with variance 1."))
    batchnorm_ignores_eps = Mistake(
        N_("Your batch normalisation ignores the ε it is given"),
        N_("The function's eps argument must be used; a hard-coded value gives different results whenever the "
           "caller chooses another."))
    batchnorm_modifies_input = Mistake(
        N_("Your batch normalisation modifies its input"),
        N_("In-place operations such as x -= mean change the caller's array too. Compute a new array instead."))
    bn_after_activation = Mistake(
        N_("Batch normalisation comes after the activation"),
        N_("In this unit's models, batch normalisation sits between a Dense layer and its activation: the Dense "
           "layer has no activation of its own, and a separate Activation layer follows the normalisation."))
