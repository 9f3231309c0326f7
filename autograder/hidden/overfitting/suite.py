"""Hidden tests for the overfitting assignment.

Inputs come from `rng`, seeded per test from the course secret.  polynomial_errors
is judged against a least-squares fit computed here; best_epoch on random loss
curves; build_overfit_model through describe_model and predict, so any Keras
style (Sequential or functional, activation inside Dense or as its own layer)
gets full marks.
"""
import numpy as np

from autograder.hidden import KnownMistake, _, graded, rng
from autograder.hidden.layers import dense_activations

from .mistakes import Mistakes


# -- polynomial_errors ----------------------------------------------------------

def _fit(x, y, degree):
    """Least-squares polynomial coefficients, lowest power first."""
    return np.linalg.lstsq(np.vander(x, degree + 1, increasing=True), y, rcond=None)[0]


def _mse(coefs, x, y):
    return float(np.mean((np.vander(x, len(coefs), increasing=True) @ coefs - y) ** 2))


def _errors(x_tr, y_tr, x_va, y_va, degrees, fit_x=None, fit_y=None, degree_shift=0):
    fit_x = x_tr if fit_x is None else fit_x
    fit_y = y_tr if fit_y is None else fit_y
    out = []
    for d in degrees:
        coefs = _fit(fit_x, fit_y, d + degree_shift)  # degree -1: no coefficients, the zero polynomial
        out.append((_mse(coefs, x_tr, y_tr), _mse(coefs, x_va, y_va)))
    return np.array(out)


def _curve_problem():
    """Noisy samples of a random cubic on an interval students cannot guess.

    Degrees stay at 6 or below and x within [-2, 2], so every correct least-squares
    method (polyfit, Polynomial.fit, lstsq) agrees to far better than rtol 1e-6."""
    n_tr, n_va = int(rng.integers(25, 60)), int(rng.integers(40, 90))
    coefs = rng.normal(size=4)
    x_tr, x_va = rng.uniform(-2, 2, n_tr), rng.uniform(-2, 2, n_va)
    y_tr = np.polyval(coefs, x_tr) + rng.normal(0, 0.5, n_tr)
    y_va = np.polyval(coefs, x_va) + rng.normal(0, 0.5, n_va)
    degrees = [int(d) for d in rng.permutation(7)[:4]]
    return x_tr, y_tr, x_va, y_va, degrees


def _as_pairs(out, degrees):
    # reshape rather than check the nesting: a NumPy scalar may cross the wire as a one-element array
    got = np.asarray(out, dtype=float)
    assert got.size == 2 * len(degrees), (
        _("expected one (train_mse, val_mse) pair per degree, {n} pairs for {n} degrees", n=len(degrees)))
    return got.reshape(len(degrees), 2)


def _diagnose_polynomial(got, column, problem):
    """Raise KnownMistake if `got` matches a common wrong recipe in the given column."""
    x_tr, y_tr, x_va, y_va, degrees = problem
    right = _errors(*problem)
    wrong = {
        Mistakes.rmse_not_mse: (np.sqrt(right), _("you return the root of the mean squared error; return the MSE itself")),
        Mistakes.sum_not_mean: (right * np.array([len(x_tr), len(x_va)]),
                         _("you return the sum of squared errors; divide by the number of points (the mean)")),
        Mistakes.swapped_train_val: (right[:, ::-1], _("your pairs are (validation, training); return (train_mse, val_mse)")),
        Mistakes.fitted_on_validation: (_errors(*problem, fit_x=x_va, fit_y=y_va),
                                 _("your polynomial is fitted to the validation points; fit it to the training points only")),
        Mistakes.degree_off_by_one: (_errors(*problem, degree_shift=-1),
                              _("your polynomials have one degree less than asked; degree d has d + 1 coefficients")),
    }
    for name, (values, message) in wrong.items():
        if np.allclose(got[:, column], values[:, column], rtol=1e-6, atol=1e-12):
            raise KnownMistake(name, message)


@graded("polynomial_errors", points=1)
def test_polynomial_errors_gives_a_pair_per_degree(student):
    """polynomial_errors returns one (train, validation) pair of non-negative numbers per degree"""
    problem = _curve_problem()
    got = _as_pairs(student.polynomial_errors(*problem), problem[4])
    assert np.all(np.isfinite(got)) and np.all(got >= 0), _("mean squared errors are finite and never negative")


def _check_error_column(student, column: int, message: str):
    problem = _curve_problem()
    got = _as_pairs(student.polynomial_errors(*problem), problem[4])
    want = _errors(*problem)
    if not np.allclose(got[:, column], want[:, column], rtol=1e-6, atol=1e-12):
        _diagnose_polynomial(got, column, problem)
        raise AssertionError(message)


@graded("polynomial_errors", points=1)
def test_polynomial_errors_training_error(student):
    """the training error is the MSE of the least-squares fit on the training points"""
    _check_error_column(student, 0, _("the training errors do not match the mean squared error of a least-squares "
                                      "polynomial of each degree (in the order the degrees were given) on the training "
                                      "points"))


@graded("polynomial_errors", points=1)
def test_polynomial_errors_validation_error(student):
    """the validation error is the MSE of the training fit on the validation points"""
    _check_error_column(student, 1, _("the validation errors do not match the mean squared error, on the validation "
                                      "points, of the polynomial fitted to the training points"))


# -- best_epoch ---------------------------------------------------------------

def _loss_curve():
    """A noisy falling-then-rising validation curve with distinct values, 20 to 90 epochs long."""
    t = np.linspace(0, 1, int(rng.integers(20, 90)))
    return 0.6 + (t - rng.uniform(0.2, 0.8)) ** 2 + rng.uniform(0, 0.05, t.size)


def _diagnose_epoch(got, losses, want):
    if got == want - 1:
        raise Mistakes.counted_from_zero(_("epochs count from 1: the first epoch is epoch 1, not 0"))
    if got in (int(np.argmax(losses)), int(np.argmax(losses)) + 1):
        raise Mistakes.picked_highest_loss(_("you picked the epoch with the highest loss; the best has the lowest"))
    if np.isclose(got, np.min(losses)):
        raise Mistakes.returned_the_loss(_("you returned the lowest loss itself; return its epoch number"))


def _as_epoch(got):
    # a NumPy integer may cross the wire as a one-element array, so judge the value, not its type
    value = np.asarray(got)
    assert value.size == 1 and value.dtype.kind in "iu", _(
        "best_epoch should return a whole number (an epoch), not {got!r}", got=got)
    return int(value.reshape(()))


@graded("best_epoch", points=1)
def test_best_epoch_finds_the_lowest_loss(student):
    """best_epoch returns the epoch, counted from 1, of the lowest validation loss"""
    losses = _loss_curve()
    want = int(np.argmin(losses)) + 1
    got = np.asarray(student.best_epoch([float(v) for v in losses]))
    if got.size == 1 and got.dtype.kind in "iuf" and got.reshape(()) != want:
        _diagnose_epoch(float(got.reshape(())), losses, want)
    assert _as_epoch(got) == want, _("that is not the epoch (counted from 1) with the lowest validation loss")


@graded("best_epoch", points=1)
def test_best_epoch_prefers_the_earliest_tie(student):
    """when several epochs share the lowest loss, best_epoch returns the earliest"""
    losses = _loss_curve()
    first, second = sorted(int(i) for i in rng.choice(len(losses), 2, replace=False))
    losses[[first, second]] = losses.min() - rng.uniform(0.01, 0.1)
    got = _as_epoch(student.best_epoch([float(v) for v in losses]))
    if got == second + 1:
        raise Mistakes.tie_goes_to_latest(_("on a tie you return the latest epoch; the earliest should win"))
    assert got == first + 1, _("that is not the earliest epoch (counted from 1) with the lowest validation loss")


@graded("best_epoch", points=1)
def test_best_epoch_accepts_an_array(student):
    """best_epoch works on a NumPy array, such as np.array(history['val_loss'])"""
    losses = _loss_curve().astype("float32")
    got = _as_epoch(student.best_epoch(losses))
    assert got == int(np.argmin(losses)) + 1, (
        _("given a NumPy array, best_epoch should return the epoch (counted from 1) with the lowest loss"))


# -- build_overfit_model ------------------------------------------------------

def _basic_params(input_dim):
    """The notebook's build_basic_model: Dense(16, relu) -> Dense(1, sigmoid)."""
    return 16 * (input_dim + 1) + (16 + 1)


def _describe(student, input_dim):
    model = student.build_overfit_model(input_dim)
    return model, student.probe("describe_model", model, input_dim, seed=0)


@graded("build_overfit_model", points=1)
def test_overfit_model_outputs_a_probability(student):
    """the model maps each row to one probability through a sigmoid"""
    input_dim = int(rng.integers(20, 100))
    model, info = _describe(student, input_dim)
    assert info["output_shape"] == [3, 1], (
        _("3 rows in should give an output of shape (3, 1), one probability per row, not {shape}",
          shape=tuple(info["output_shape"])))
    acts = dense_activations(info["layers"])
    if acts and acts[-1] != "sigmoid":
        raise Mistakes.output_not_sigmoid(_("the output layer should use a sigmoid, so the output is a probability"))
    out = student.probe("predict", model, rng.normal(0, 3, size=(16, input_dim)), training=False)
    assert np.all((out >= 0) & (out <= 1)), _("the model's outputs should be probabilities between 0 and 1")


@graded("build_overfit_model", points=1)
def test_overfit_model_is_deep(student):
    """the model has at least 4 hidden Dense layers, each with a nonlinear activation"""
    input_dim = int(rng.integers(20, 100))
    unused, info = _describe(student, input_dim)
    hidden = dense_activations(info["layers"])[:-1]
    if len(hidden) < 4:
        raise KnownMistake(Mistakes.too_few_hidden_layers,
                           _("the model has {n} hidden Dense layers before its output layer; it needs at least 4",
                             n=len(hidden)))
    if "linear" in hidden:
        raise KnownMistake(Mistakes.hidden_layer_without_activation,
                           _("a hidden Dense layer has no activation; without one, stacked layers collapse into a "
                             "single linear map (use activation='relu')"))


@graded("build_overfit_model", points=1)
def test_overfit_model_has_many_parameters(student):
    """the model has at least 5 times the parameters of the basic model, for any input size"""
    input_dim = int(rng.integers(20, 100))
    unused, info = _describe(student, input_dim)
    dense = [layer for layer in info["layers"] if layer["kind"] == "Dense"]
    assert dense and dense[0]["kernel_shape"][0] == input_dim, (
        _("the first Dense layer should take input_dim features; build the model for the input_dim it is given"))
    if info["params"] < 5 * _basic_params(input_dim):
        raise KnownMistake(Mistakes.too_few_parameters,
                           _("for some input sizes the model has fewer than 5 times the basic model's "
                             "16 * (input_dim + 1) + 17 parameters; make the first hidden layer wider (80 units or "
                             "more)"))
