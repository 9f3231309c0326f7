"""Mistakes students often make in weight_init: the suite raises them, feedback and reports explain them."""
from autograder.hidden import Mistake, MistakeTable, N_


class Mistakes(MistakeTable):
    sigmoid_sign_flipped = Mistake(
        N_("Your sigmoid has the sign of its exponent flipped"),
        N_("The sigmoid is 1 / (1 + e^-x): large positive inputs give values close to 1. With the sign flipped "
           "the curve runs backwards and every layer that uses it inverts its signal."))
    sigmoid_overflows = Mistake(
        N_("Your sigmoid overflows on large inputs"),
        N_("e raised to a large number is inf in floating point, and inf / inf is nan; a single nan then spreads "
           "through every later layer and the loss. Arrange the computation so that e is never raised to a large "
           "positive number."))
    relu_uses_np_max = Mistake(
        N_("Your ReLU takes a maximum along an axis instead of element by element"),
        N_("np.max reduces an array to its largest values. ReLU compares every element with 0 on its own and "
           "keeps the array's shape."))
    relu_modifies_input = Mistake(
        N_("Your ReLU modifies its input"),
        N_("It writes into the array it was given, so the caller's data changes too. A function like this should "
           "build and return a new array and leave its argument alone."))
    returns_only_last_layer = Mistake(
        N_("Your forward pass returns only the last layer"),
        N_("The assignment compares how activations change from layer to layer, so the function returns a list "
           "with every layer's activations."))
    includes_the_input = Mistake(
        N_("Your list of activations starts with the input"),
        N_("The list has one entry per weight matrix: what each layer produces. The input is not the output of "
           "any layer."))
    ignores_activation_argument = Mistake(
        N_("Your forward pass ignores the activation it is given"),
        N_("The function is called with different activations (sigmoid, tanh, ReLU) to compare them; with a "
           "fixed one, every comparison shows the same network."))
    activation_not_applied = Mistake(
        N_("Your forward pass keeps the products before the activation"),
        N_("A layer's output is the activation function applied to (previous @ W). Without it, the network is a "
           "chain of linear maps."))
    activation_before_product = Mistake(
        N_("Your forward pass applies the activation before the product"),
        N_("Each layer first combines its inputs, previous @ W, and then applies the activation to that sum."))
    every_layer_reads_the_input = Mistake(
        N_("Every layer of your forward pass starts from the input"),
        N_("Layers are stacked: each one takes the previous layer's activations. That chaining is what makes a "
           "signal grow or fade with depth, the effect this assignment is about."))
    he_uses_xavier_spread = Mistake(
        N_("Your He initialisation has Xavier's spread"),
        N_("It uses a variance of 1/n where He needs 2/n (n = the number of inputs to the layer). ReLU zeroes "
           "about half of what it receives, so He doubles the variance to keep the signal from shrinking layer "
           "after layer."))
    he_halves_instead_of_doubles = Mistake(
        N_("Your He initialisation halves the variance instead of doubling it"),
        N_("ReLU zeroes about half of its inputs, which halves the signal's variance; He makes up for that with "
           "twice Xavier's variance, not half of it."))
    he_sqrt2_over_n = Mistake(
        N_("Your He spread takes the square root of the 2 only"),
        N_("The standard deviation is the square root of the whole variance, 2/n. Taking the root of 2 alone "
           "makes the weights far too small for wide layers."))
    xavier_uses_he_spread = Mistake(
        N_("Your Xavier initialisation has He's spread"),
        N_("It uses a variance of 2/n; Xavier keeps it at 1/n. The factor 2 makes up for ReLU, which Xavier "
           "does not assume."))
    uses_glorot_fan_average = Mistake(
        N_("Your Xavier initialisation averages the inputs and outputs"),
        N_("Dividing by the average of n_in and n_out is the variant in Glorot and Bengio's paper. This course's "
           "Xavier keeps the forward signal steady, which depends on the number of inputs only."))
    divides_by_n_out = Mistake(
        N_("Your initialisation scales by the layer's outputs instead of its inputs"),
        N_("A neuron adds up n_in weighted inputs, so the variance of that sum grows with n_in: the scaling "
           "must cancel n_in, the number of inputs (the fan-in)."))
    variance_used_as_std = Mistake(
        N_("You used the variance where the standard deviation belongs"),
        N_("A normal distribution is scaled by its standard deviation, the square root of its variance. Scaling "
           "by the variance itself makes the weights much too small for wide layers."))
    weights_not_scaled = Mistake(
        N_("Your weights are not scaled to the layer's size"),
        N_("Unscaled normal weights make each neuron's sum grow with its number of inputs, so activations "
           "explode or saturate within a few layers; the scaling is the whole point of the initialisation."))
    init_shape_swapped = Mistake(
        N_("Your weight matrix is transposed"),
        N_("Activations of shape (batch, n_in) are multiplied by W to give (batch, n_out), so W needs one row "
           "per input and one column per output."))
    uses_uniform_rand = Mistake(
        N_("Your weights are all positive"),
        N_("A draw from [0, 1) has no negative values. Weights should be centred on 0, otherwise every neuron of "
           "a layer pushes its sum the same way."))
    uses_uniform_distribution = Mistake(
        N_("Your weights come from a uniform distribution, not a normal one"),
        N_("These initialisations are defined for a normal (bell-shaped) distribution with the given standard "
           "deviation."))
    ignores_np_random_seed = Mistake(
        N_("Your initialisation does not follow np.random.seed"),
        N_("The notebook's experiments set np.random.seed so they can be repeated; a separate random generator "
           "ignores it, and runs can no longer be reproduced."))
    fixed_seed_inside = Mistake(
        N_("Your initialisation sets its own seed"),
        N_("With a seed fixed inside the function every call draws the same weights, so all layers of the same "
           "shape start identical. The caller decides the seed."))
