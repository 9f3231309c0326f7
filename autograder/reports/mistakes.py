"""Known mistakes in plain words: the one table feedback pages and class reports use.

A hidden test raises `KnownMistake(name, message)` when a failure matches a
mistake students often make; `name` is a key here.  The title says what is
wrong in the student's code; the explanation says why it matters and where to
look, without handing over the solution.  A name missing from the table still
shows: the page falls back to the test's own message (and tests/test_reports.py
lists every name the suites raise that has no entry yet).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    title: str
    explanation: str


MISTAKES: dict[str, Mistake] = {
    # -- weight_init: activations ------------------------------------------------
    "sigmoid_sign_flipped": Mistake(
        "Your sigmoid has the sign of its exponent flipped",
        "The sigmoid is 1 / (1 + e^-x): large positive inputs give values close to 1. With the sign flipped "
        "the curve runs backwards and every layer that uses it inverts its signal."),
    "sigmoid_overflows": Mistake(
        "Your sigmoid overflows on large inputs",
        "e raised to a large number is inf in floating point, and inf / inf is nan; a single nan then spreads "
        "through every later layer and the loss. Arrange the computation so that e is never raised to a large "
        "positive number."),
    "relu_uses_np_max": Mistake(
        "Your ReLU takes a maximum along an axis instead of element by element",
        "np.max reduces an array to its largest values. ReLU compares every element with 0 on its own and "
        "keeps the array's shape."),
    "relu_modifies_input": Mistake(
        "Your ReLU modifies its input",
        "It writes into the array it was given, so the caller's data changes too. A function like this should "
        "build and return a new array and leave its argument alone."),
    # -- weight_init: the forward pass ---------------------------------------------
    "returns_only_last_layer": Mistake(
        "Your forward pass returns only the last layer",
        "The assignment compares how activations change from layer to layer, so the function returns a list "
        "with every layer's activations."),
    "includes_the_input": Mistake(
        "Your list of activations starts with the input",
        "The list has one entry per weight matrix: what each layer produces. The input is not the output of "
        "any layer."),
    "ignores_activation_argument": Mistake(
        "Your forward pass ignores the activation it is given",
        "The function is called with different activations (sigmoid, tanh, ReLU) to compare them; with a "
        "fixed one, every comparison shows the same network."),
    "activation_not_applied": Mistake(
        "Your forward pass keeps the products before the activation",
        "A layer's output is the activation function applied to (previous @ W). Without it, the network is a "
        "chain of linear maps."),
    "activation_before_product": Mistake(
        "Your forward pass applies the activation before the product",
        "Each layer first combines its inputs, previous @ W, and then applies the activation to that sum."),
    "every_layer_reads_the_input": Mistake(
        "Every layer of your forward pass starts from the input",
        "Layers are stacked: each one takes the previous layer's activations. That chaining is what makes a "
        "signal grow or fade with depth, the effect this assignment is about."),
    # -- weight_init: initialisers ---------------------------------------------------
    "he_uses_xavier_spread": Mistake(
        "Your He initialisation has Xavier's spread",
        "It uses a variance of 1/n where He needs 2/n (n = the number of inputs to the layer). ReLU zeroes "
        "about half of what it receives, so He doubles the variance to keep the signal from shrinking layer "
        "after layer."),
    "he_halves_instead_of_doubles": Mistake(
        "Your He initialisation halves the variance instead of doubling it",
        "ReLU zeroes about half of its inputs, which halves the signal's variance; He makes up for that with "
        "twice Xavier's variance, not half of it."),
    "he_sqrt2_over_n": Mistake(
        "Your He spread takes the square root of the 2 only",
        "The standard deviation is the square root of the whole variance, 2/n. Taking the root of 2 alone "
        "makes the weights far too small for wide layers."),
    "xavier_uses_he_spread": Mistake(
        "Your Xavier initialisation has He's spread",
        "It uses a variance of 2/n; Xavier keeps it at 1/n. The factor 2 makes up for ReLU, which Xavier "
        "does not assume."),
    "uses_glorot_fan_average": Mistake(
        "Your Xavier initialisation averages the inputs and outputs",
        "Dividing by the average of n_in and n_out is the variant in Glorot and Bengio's paper. This course's "
        "Xavier keeps the forward signal steady, which depends on the number of inputs only."),
    "divides_by_n_out": Mistake(
        "Your initialisation scales by the layer's outputs instead of its inputs",
        "A neuron adds up n_in weighted inputs, so the variance of that sum grows with n_in: the scaling "
        "must cancel n_in, the number of inputs (the fan-in)."),
    "variance_used_as_std": Mistake(
        "You used the variance where the standard deviation belongs",
        "A normal distribution is scaled by its standard deviation, the square root of its variance. Scaling "
        "by the variance itself makes the weights much too small for wide layers."),
    "weights_not_scaled": Mistake(
        "Your weights are not scaled to the layer's size",
        "Unscaled normal weights make each neuron's sum grow with its number of inputs, so activations "
        "explode or saturate within a few layers; the scaling is the whole point of the initialisation."),
    "init_shape_swapped": Mistake(
        "Your weight matrix is transposed",
        "Activations of shape (batch, n_in) are multiplied by W to give (batch, n_out), so W needs one row "
        "per input and one column per output."),
    "uses_uniform_rand": Mistake(
        "Your weights are all positive",
        "A draw from [0, 1) has no negative values. Weights should be centred on 0, otherwise every neuron of "
        "a layer pushes its sum the same way."),
    "uses_uniform_distribution": Mistake(
        "Your weights come from a uniform distribution, not a normal one",
        "These initialisations are defined for a normal (bell-shaped) distribution with the given standard "
        "deviation."),
    "ignores_np_random_seed": Mistake(
        "Your initialisation does not follow np.random.seed",
        "The notebook's experiments set np.random.seed so they can be repeated; a separate random generator "
        "ignores it, and runs can no longer be reproduced."),
    "fixed_seed_inside": Mistake(
        "Your initialisation sets its own seed",
        "With a seed fixed inside the function every call draws the same weights, so all layers of the same "
        "shape start identical. The caller decides the seed."),
    # -- overfitting -------------------------------------------------------------------
    "rmse_not_mse": Mistake(
        "You return the root mean squared error",
        "The task asks for the mean squared error itself, the quantity the models minimise; its square root "
        "is a different number."),
    "sum_not_mean": Mistake(
        "You return the sum of squared errors, not their mean",
        "A sum grows with the number of points, so training and validation errors, measured on sets of "
        "different sizes, could not be compared."),
    "swapped_train_val": Mistake(
        "Your training and validation errors are swapped",
        "Each pair is (training error, validation error); swapped, the plot shows the generalisation gap "
        "upside down."),
    "fitted_on_validation": Mistake(
        "Your polynomial is fitted to the validation data",
        "The validation set is only for measuring. A model fitted to it has a low validation error that says "
        "nothing about how it does on new data."),
    "degree_off_by_one": Mistake(
        "Your polynomials are one degree short",
        "A polynomial of degree d has d + 1 coefficients, from the constant term up to the power d."),
    "counted_from_zero": Mistake(
        "Your epoch number counts from 0",
        "Epochs are numbered from 1, the way Keras prints them, while Python's list positions start at 0."),
    "picked_highest_loss": Mistake(
        "You picked the epoch with the highest loss",
        "The best epoch is the one with the lowest validation loss: after it, more training makes the model "
        "overfit."),
    "returned_the_loss": Mistake(
        "You return the lowest loss instead of its epoch",
        "The question is when to stop training: the epoch at which the lowest validation loss was reached, "
        "not the loss itself."),
    "tie_goes_to_latest": Mistake(
        "On a tie you pick the later epoch",
        "When two epochs reach the same lowest loss, the earlier one is just as good with less training and "
        "less time to overfit."),
    "output_not_sigmoid": Mistake(
        "Your output layer does not give a probability",
        "For a yes-or-no task trained with binary cross-entropy, the output layer is one unit with a sigmoid, "
        "so its output lies between 0 and 1."),
    "too_few_hidden_layers": Mistake(
        "Your model is not deep enough to overfit",
        "This model is meant to overfit, to show what overfitting looks like; it needs the number of hidden "
        "layers the task asks for."),
    "hidden_layer_without_activation": Mistake(
        "A hidden layer has no activation",
        "Without a non-linearity, Dense layers stacked together collapse into one linear map, however many "
        "there are."),
    "too_few_parameters": Mistake(
        "Your model has too few parameters to overfit",
        "Overfitting needs capacity: many more parameters than the basic model, enough to memorise the noise "
        "in the training set."),
    # -- universal_approximation ----------------------------------------------------------
    "bump_upside_down": Mistake(
        "Your bump points the wrong way",
        "A bump is a step up at the left edge followed by a step down at the right edge; subtracting them in "
        "the other order turns every bump into a dip."),
    "steepness_not_on_shift": Mistake(
        "Your steepness multiplies x but not the shift",
        "Scaling x alone moves the step: s(k * x - left) rises at left / k, not at left. The steepness must "
        "scale the distance from the edge, so the step stays where it belongs."),
    "bump_overflows": Mistake(
        "Your bump overflows far from its interval",
        "e raised to a large number is inf, and differences of infinite values are nan. The notebook's "
        "logistic function is written to stay finite; build the bump from it."),
    "missing_output_bias": Mistake(
        "Your network starts its staircase at the wrong level",
        "The steps only add up the changes of f across the interval; without an output bias at the "
        "starting value, the whole curve is shifted by that value."),
    "loses_the_ends": Mistake(
        "Your network misses the target at the ends of the interval",
        "A sigmoid centred exactly on an end is only halfway up there. Start from the right level at the left "
        "end and place the steps between sample points, so no end is left half-way."),
    "steepness_does_not_scale": Mistake(
        "Your steps do not get steeper as they get closer together",
        "More bumps only help if each step is narrow compared with the spacing between steps; with a fixed "
        "steepness, neighbouring steps blur into each other and the error stops falling."),
    # -- regularization ------------------------------------------------------------
    "missing_abs": Mistake(
        "Your L1 penalty lets negative weights lower it",
        "L1 adds up the size of every weight, |w|, whatever its sign. Summing the weights themselves lets "
        "positive and negative ones cancel, so a model with large weights can pay nothing."),
    "squared_not_abs": Mistake(
        "Your L1 penalty squares the weights",
        "Summing squares is L2. The difference matters: L1 pushes small weights to exactly zero and gives a "
        "sparse model, L2 only shrinks them."),
    "abs_not_square": Mistake(
        "Your L2 penalty uses absolute values",
        "L2 adds up the squares of the weights, which punishes a few large weights much more than many small "
        "ones; absolute values make it L1."),
    "norm_not_squared": Mistake(
        "Your L2 penalty takes the square root of the sum of squares",
        "The penalty is the sum of the squares itself, not the length (norm) of the weight vector; the root "
        "makes it grow only in proportion to the weights."),
    "l2_half_factor": Mistake(
        "Your L2 penalty has an extra ½",
        "Some textbooks write ½λΣw² to simplify the gradient, but the penalty asked for here, like Keras's "
        "L2 regulariser, is λΣw² without the ½."),
    "mean_not_sum": Mistake(
        "Your penalty averages the weights instead of adding them up",
        "A mean makes the penalty per weight shrink as layers grow, so large models would be regularised "
        "less. The penalty sums over every weight."),
    "only_first_array": Mistake(
        "Your penalty counts only the first weight array",
        "The list holds the kernels of several layers; the penalty is added up over every entry of every "
        "array."),
    "lambda_missing": Mistake(
        "Your penalty ignores its strength",
        "The penalty is multiplied by λ, the strength it is given. Without it the penalty cannot be tuned, "
        "and it usually overwhelms the data loss."),
    "l1_model_uses_l2": Mistake(
        "Your L1 model charges an L2 penalty",
        "The L1 model's hidden layers need an L1 regulariser (the sum of |w|), the one that drives weights to "
        "exactly zero."),
    "l2_model_uses_l1": Mistake(
        "Your L2 model charges an L1 penalty",
        "The L2 model's hidden layers need an L2 regulariser (the sum of w²), the one that shrinks all weights "
        "smoothly."),
    "no_hidden_penalty": Mistake(
        "Your model adds no penalty for its hidden layers",
        "A regulariser only acts where it is attached: each hidden Dense layer needs its own "
        "kernel_regularizer."),
    "hidden_layer_not_penalised": Mistake(
        "Only one of your hidden layers is penalised",
        "Every hidden Dense layer needs the kernel_regularizer; an unpenalised layer can still grow large "
        "weights and overfit."),
    "ratio_ignored": Mistake(
        "Your model ignores the ratio it is given",
        "The function's ratio argument sets the penalty's strength; a fixed value makes every experiment that "
        "compares strengths show the same model."),
    "activity_not_kernel": Mistake(
        "Your model penalises the layers' outputs, not their weights",
        "activity_regularizer charges the values a layer outputs; weight regularisation, the subject here, "
        "goes in kernel_regularizer."),
    "output_layer_penalised": Mistake(
        "Your output layer carries a penalty",
        "Only the hidden layers are regularised in this assignment; a penalty on the output layer changes "
        "the model the task describes."),
    "hidden_not_relu": Mistake(
        "Your hidden layers do not use ReLU",
        "The models of this assignment use ReLU in their hidden layers, so that only the regularisation "
        "differs between them."),
    # -- dropout -------------------------------------------------------------------
    "dropout_keeps_with_prob_rate": Mistake(
        "Your dropout keeps values with probability rate",
        "rate is the probability of dropping a value; a value survives with probability 1 - rate."),
    "dropout_not_rescaled": Mistake(
        "Your dropout does not scale up the values it keeps",
        "With some values set to 0 the layer's output shrinks on average. Inverted dropout divides what it "
        "keeps by 1 - rate, so the expected output stays the same and nothing changes at test time."),
    "dropout_at_test_time": Mistake(
        "Your dropout still drops values when the model predicts",
        "Dropout is a training-time trick. At prediction time every unit is used, otherwise the same input "
        "gives different answers."),
    "dropout_scaled_at_test_time": Mistake(
        "Your dropout scales the values at test time",
        "Inverted dropout does all its scaling during training, so at test time the input must come back "
        "unchanged."),
    "dropout_reuses_mask": Mistake(
        "Your dropout drops the same values on every call",
        "Each call must draw a fresh random mask. A fixed mask simply removes those units from the network "
        "for good, which is not what makes dropout regularise."),
    "dropout_modifies_input": Mistake(
        "Your dropout modifies its input",
        "It writes zeros into the array it was given, so the caller's data changes too. Build and return a "
        "new array instead."),
    "dropout_after_output": Mistake(
        "Your Dropout layer comes after the output layer",
        "Dropping the model's predictions during training only adds noise to the loss. Dropout belongs "
        "after hidden layers, before the output layer."),
    "dropout_rate_ignored": Mistake(
        "Your model ignores the dropout rate it is given",
        "The function's rate argument must reach the Dropout layer; a fixed rate makes every comparison of "
        "rates show the same model."),
    # -- batchnorm ---------------------------------------------------------------------
    "batchnorm_wrong_axis": Mistake(
        "Your batch normalisation averages over the wrong axis",
        "Each feature (column) is normalised with its mean and variance over the examples of the batch, not "
        "each example over its features."),
    "batchnorm_unbiased_variance": Mistake(
        "Your batch normalisation uses the unbiased variance",
        "Batch normalisation divides by the batch size m, the batch's own variance, not by m - 1."),
    "batchnorm_eps_outside_sqrt": Mistake(
        "Your ε is added after the square root",
        "ε belongs inside the square root, sqrt(var + ε): that is the formula the layer uses, and it keeps "
        "the scale right for features with tiny variance."),
    "batchnorm_without_eps": Mistake(
        "Your batch normalisation leaves out ε",
        "A feature that hardly varies in a batch has a variance close to 0; without ε, dividing by its "
        "standard deviation blows it up, or divides by zero."),
    "batchnorm_divides_by_variance": Mistake(
        "Your batch normalisation divides by the variance",
        "Normalising means dividing by the standard deviation, the square root of the variance, so that each "
        "feature ends up with variance 1."),
    "batchnorm_ignores_eps": Mistake(
        "Your batch normalisation ignores the ε it is given",
        "The function's eps argument must be used; a hard-coded value gives different results whenever the "
        "caller chooses another."),
    "batchnorm_modifies_input": Mistake(
        "Your batch normalisation modifies its input",
        "In-place operations such as x -= mean change the caller's array too. Compute a new array instead."),
    "bn_after_activation": Mistake(
        "Batch normalisation comes after the activation",
        "In this unit's models, batch normalisation sits between a Dense layer and its activation: the Dense "
        "layer has no activation of its own, and a separate Activation layer follows the normalisation."),
}


def describe(name: str | None) -> Mistake | None:
    return MISTAKES.get(name) if name else None


def title(name: str) -> str:
    """The mistake's title, or its short name made readable when the table lacks it."""
    known = MISTAKES.get(name)
    return known.title if known else name.replace("_", " ")
