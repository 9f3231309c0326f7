"""Mistakes students often make in regularization: the suite raises them, feedback and reports explain them."""
from autograder.hidden import Mistake, N_
from autograder.hidden.layers import KerasMistakes


class Mistakes(KerasMistakes):
    missing_abs = Mistake(
        N_("Your L1 penalty lets negative weights lower it"),
        N_("L1 adds up the size of every weight, |w|, whatever its sign. Summing the weights themselves lets "
           "positive and negative ones cancel, so a model with large weights can pay nothing."))
    squared_not_abs = Mistake(
        N_("Your L1 penalty squares the weights"),
        N_("Summing squares is L2. The difference matters: L1 pushes small weights to exactly zero and gives a "
           "sparse model, L2 only shrinks them."))
    abs_not_square = Mistake(
        N_("Your L2 penalty uses absolute values"),
        N_("L2 adds up the squares of the weights, which punishes a few large weights much more than many small "
           "ones; absolute values make it L1."))
    norm_not_squared = Mistake(
        N_("Your L2 penalty takes the square root of the sum of squares"),
        N_("The penalty is the sum of the squares itself, not the length (norm) of the weight vector; the root "
           "makes it grow only in proportion to the weights."))
    l2_half_factor = Mistake(
        N_("Your L2 penalty has an extra ½"),
        N_("Some textbooks write ½λΣw² to simplify the gradient, but the penalty asked for here, like Keras's "
           "L2 regulariser, is λΣw² without the ½."))
    mean_not_sum = Mistake(
        N_("Your penalty averages the weights instead of adding them up"),
        N_("A mean makes the penalty per weight shrink as layers grow, so large models would be regularised "
           "less. The penalty sums over every weight."))
    only_first_array = Mistake(
        N_("Your penalty counts only the first weight array"),
        N_("The list holds the kernels of several layers; the penalty is added up over every entry of every "
           "array."))
    lambda_missing = Mistake(
        N_("Your penalty ignores its strength"),
        N_("The penalty is multiplied by λ, the strength it is given. Without it the penalty cannot be tuned, "
           "and it usually overwhelms the data loss."))
    no_hidden_penalty = Mistake(
        N_("Your model adds no penalty for its hidden layers"),
        N_("A regulariser only acts where it is attached: each hidden Dense layer needs its own "
           "kernel_regularizer."))
    hidden_layer_not_penalised = Mistake(
        N_("Only one of your hidden layers is penalised"),
        N_("Every hidden Dense layer needs the kernel_regularizer; an unpenalised layer can still grow large "
           "weights and overfit."))
    ratio_ignored = Mistake(
        N_("Your model ignores the ratio it is given"),
        N_("The function's ratio argument sets the penalty's strength; a fixed value makes every experiment that "
           "compares strengths show the same model."))
    activity_not_kernel = Mistake(
        N_("Your model penalises the layers' outputs, not their weights"),
        N_("activity_regularizer charges the values a layer outputs; weight regularisation, the subject here, "
           "goes in kernel_regularizer."))
    output_layer_penalised = Mistake(
        N_("Your output layer carries a penalty"),
        N_("Only the hidden layers are regularised in this assignment; a penalty on the output layer changes "
           "the model the task describes."))
    hidden_not_relu = Mistake(
        N_("Your hidden layers do not use ReLU"),
        N_("The models of this assignment use ReLU in their hidden layers, so that only the regularisation "
           "differs between them."))
    l1_model_uses_l2 = Mistake(
        N_("Your L1 model charges an L2 penalty"),
        N_("The L1 model's hidden layers need an L1 regulariser (the sum of |w|), the one that drives weights to "
           "exactly zero."))
    l2_model_uses_l1 = Mistake(
        N_("Your L2 model charges an L1 penalty"),
        N_("The L2 model's hidden layers need an L2 regulariser (the sum of w²), the one that shrinks all weights "
           "smoothly."))
