"""Mistakes students often make in overfitting: the suite raises them, feedback and reports explain them."""
from autograder.hidden import Mistake, N_
from autograder.hidden.layers import KerasMistakes


class Mistakes(KerasMistakes):
    rmse_not_mse = Mistake(
        N_("You return the root mean squared error"),
        N_("The task asks for the mean squared error itself, the quantity the models minimise; its square root "
           "is a different number."))
    sum_not_mean = Mistake(
        N_("You return the sum of squared errors, not their mean"),
        N_("A sum grows with the number of points, so training and validation errors, measured on sets of "
           "different sizes, could not be compared."))
    swapped_train_val = Mistake(
        N_("Your training and validation errors are swapped"),
        N_("Each pair is (training error, validation error); swapped, the plot shows the generalisation gap "
           "upside down."))
    fitted_on_validation = Mistake(
        N_("Your polynomial is fitted to the validation data"),
        N_("The validation set is only for measuring. A model fitted to it has a low validation error that says "
           "nothing about how it does on new data."))
    degree_off_by_one = Mistake(
        N_("Your polynomials are one degree short"),
        N_("A polynomial of degree d has d + 1 coefficients, from the constant term up to the power d."))
    counted_from_zero = Mistake(
        N_("Your epoch number counts from 0"),
        N_("Epochs are numbered from 1, the way Keras prints them, while Python's list positions start at 0."))
    picked_highest_loss = Mistake(
        N_("You picked the epoch with the highest loss"),
        N_("The best epoch is the one with the lowest validation loss: after it, more training makes the model "
           "overfit."))
    returned_the_loss = Mistake(
        N_("You return the lowest loss instead of its epoch"),
        N_("The question is when to stop training: the epoch at which the lowest validation loss was reached, "
           "not the loss itself."))
    tie_goes_to_latest = Mistake(
        N_("On a tie you pick the later epoch"),
        N_("When two epochs reach the same lowest loss, the earlier one is just as good with less training and "
           "less time to overfit."))
    too_few_hidden_layers = Mistake(
        N_("Your model is not deep enough to overfit"),
        N_("This model is meant to overfit, to show what overfitting looks like; it needs the number of hidden "
           "layers the task asks for."))
    hidden_layer_without_activation = Mistake(
        N_("A hidden layer has no activation"),
        N_("Without a non-linearity, Dense layers stacked together collapse into one linear map, however many "
           "there are."))
    too_few_parameters = Mistake(
        N_("Your model has too few parameters to overfit"),
        N_("Overfitting needs capacity: many more parameters than the basic model, enough to memorise the noise "
           "in the training set."))
