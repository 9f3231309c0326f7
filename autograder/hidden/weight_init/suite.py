"""Hidden tests for weight_init: sigmoid, relu, forward_activations, xavier_init, he_init.

Inputs come from `rng`, seeded per test from the course secret, so a
submission cannot be tuned to them and a regrade gives the same result.  Statistical checks state the bound
that keeps a correct implementation's failure probability below 1e-6.
"""
import numpy as np

from autograder.hidden import N_, KnownMistake, _, as_array, graded, rng

from .mistakes import Mistakes


def _logistic(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))  # exact and overflow-free


# -- sigmoid ------------------------------------------------------------------

@graded("sigmoid", points=1)
def test_sigmoid_values(student):
    """sigmoid computes 1 / (1 + e^-x) for every element"""
    x = rng.normal(0.0, 4.0, size=(int(rng.integers(3, 9)), int(rng.integers(10, 30))))
    out = as_array(student.sigmoid(x), "sigmoid")
    assert out.shape == x.shape, _("for an input of shape {want} sigmoid should return that shape, not {got}",
                                   want=x.shape, got=out.shape)
    if np.allclose(out, _logistic(-x), atol=1e-6):
        raise Mistakes.sigmoid_sign_flipped(_("your sigmoid computes 1 / (1 + e^x): the sign in the exponent "
                                              "is flipped, so large inputs give 0 instead of 1"))
    assert np.allclose(out, _logistic(x), atol=1e-6), _("sigmoid(x) should be 1 / (1 + e^-x) for every element of x")


@graded("sigmoid", points=1)
def test_sigmoid_large_inputs(student):
    """sigmoid gives 0 and 1, not nan, for inputs like -1000 and 1000"""
    size = int(rng.integers(20, 40))
    x = np.concatenate([[-1000.0, 1000.0], rng.choice([-1.0, 1.0], size) * rng.uniform(500, 5e4, size)])
    out = as_array(student.sigmoid(x), "sigmoid")
    assert out.shape == x.shape, _("for an input of shape {want} sigmoid should return that shape, not {got}",
                                   want=x.shape, got=out.shape)
    if not np.all(np.isfinite(out)):
        raise Mistakes.sigmoid_overflows(_("your sigmoid returns nan or inf for large inputs such as 1000: "
                                           "e^1000 overflows to inf, and inf / inf is nan. Arrange the formula so "
                                           "that e is only raised to a negative power"))
    assert np.allclose(out, _logistic(x), atol=1e-9), _(
        "for large negative inputs sigmoid should be 0, for large positive ones 1")


@graded("sigmoid", points=1)
def test_sigmoid_keeps_shape(student):
    """sigmoid turns a number into a number and a 3-D array into a 3-D array"""
    s = float(rng.normal())
    out = as_array(student.sigmoid(s), "sigmoid")
    # size, not ndim: the wire format may send a NumPy scalar back as a 1-element array
    assert out.size == 1, _("sigmoid of a single number should be a single number, not an array of shape {got}",
                            got=out.shape)
    assert np.isclose(out, _logistic(s)), _("sigmoid of a single number gives the wrong value")
    x = rng.normal(size=(2, int(rng.integers(3, 6)), int(rng.integers(3, 6))))
    cube = as_array(student.sigmoid(x), "sigmoid")
    assert cube.shape == x.shape, _("sigmoid of an array of shape {want} should have that shape, not {got}",
                                    want=x.shape, got=cube.shape)
    assert np.allclose(cube, _logistic(x), atol=1e-6), _("sigmoid gives wrong values on a 3-D array")


# -- relu ---------------------------------------------------------------------

@graded("relu", points=1)
def test_relu_values(student):
    """relu keeps positive values and turns negative ones into 0"""
    x = rng.normal(size=(int(rng.integers(5, 30)), int(rng.integers(5, 30))))
    x[0, 0] = 0.0
    out = as_array(student.relu(x), "relu")
    if out.shape in {(x.shape[1],), (x.shape[0],), ()}:
        raise Mistakes.relu_uses_np_max(_("your relu shrinks the array: np.max(x, 0) finds the largest value "
                                          "along an axis. ReLU compares every element with 0: np.maximum(x, 0)"))
    assert out.shape == x.shape, _("for an input of shape {want} relu should return that shape, not {got}",
                                   want=x.shape, got=out.shape)
    assert np.allclose(out, np.maximum(x, 0.0)), _("relu(x) should be x where x > 0 and 0 elsewhere")


@graded("relu", points=1)
def test_relu_leaves_input_alone(student):
    """relu does not change the array it is given"""
    x = rng.normal(size=(int(rng.integers(5, 20)), int(rng.integers(5, 20))))
    held = student.probe("held_array", x)  # stays in the student's process, so we can look at it afterwards
    student.relu(held)
    if not np.array_equal(student.probe("values", held), x):
        raise Mistakes.relu_modifies_input(_("your relu changes the array it is given (its negative entries "
                                             "become 0 in the caller's data too). Return a new array instead, "
                                             "e.g. np.maximum(x, 0)"))


@graded("relu", points=1)
def test_relu_keeps_shape(student):
    """relu works on a single number and on a 3-D array"""
    s = float(rng.normal())
    out = as_array(student.relu(s), "relu")
    assert out.size == 1 and np.isclose(out, max(s, 0.0)), _("relu of a single number should be that number or 0")
    x = rng.normal(size=(3, int(rng.integers(3, 6)), int(rng.integers(3, 6))))
    cube = as_array(student.relu(x), "relu")
    assert cube.shape == x.shape, _("relu of an array of shape {want} should have that shape, not {got}",
                                    want=x.shape, got=cube.shape)
    assert np.allclose(cube, np.maximum(x, 0.0)), _("relu gives wrong values on a 3-D array")


# -- forward_activations --------------------------------------------------------

_ACTIVATIONS = {"identity": lambda z: z, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0)}


def _forward(x, weights, activation):
    layers, a = [], x
    for w in weights:
        a = activation(a @ w)
        layers.append(a)
    return layers


def _student_layers(student, x, weights, activation):
    """Run the student's forward_activations with a trusted activation; its layers as arrays."""
    out = student.forward_activations(x, weights, student.probe("activation", activation))
    if isinstance(out, np.ndarray) and out.ndim == 2:
        raise Mistakes.returns_only_last_layer(_("forward_activations returned one array; it should return a "
                                                 "list with the activations of every layer"))
    assert isinstance(out, (list, tuple, np.ndarray)), _(
        "forward_activations should return a list of arrays, one per layer")
    layers = [as_array(a, "forward_activations") for a in out]
    if len(layers) == len(weights) + 1 and layers[0].shape == x.shape and np.allclose(layers[0], x):
        raise Mistakes.includes_the_input(_("the list starts with the input x itself; it should hold only the "
                                            "layers' activations, one entry per weight matrix"))
    assert len(layers) == len(weights), _("with {n} weight matrices the list should have {n} "
                                          "entries, one per layer, not {got}", n=len(weights), got=len(layers))
    return layers


def _same(layers, want):
    return all(a.shape == w.shape and np.allclose(a, w, atol=1e-8) for a, w in zip(layers, want))


def _chain_shapes():
    n_layers = int(rng.integers(3, 6))
    sizes = [int(n) for n in rng.integers(3, 12, size=n_layers + 1)]
    batch = int(rng.integers(4, 15))
    x = rng.normal(size=(batch, sizes[0]))
    weights = [rng.normal(size=(sizes[i], sizes[i + 1])) / np.sqrt(sizes[i]) for i in range(n_layers)]
    return x, weights


@graded("forward_activations", points=1)
def test_forward_one_entry_per_layer(student):
    """forward_activations returns one batch x units array per layer"""
    x, weights = _chain_shapes()
    layers = _student_layers(student, x, weights, "identity")
    want = [(x.shape[0], w.shape[1]) for w in weights]
    got = [a.shape for a in layers]
    assert got == want, _("with this input and these weights the layers should have shapes {want}, not {got}",
                          want=want, got=got)


@graded("forward_activations", points=1)
def test_forward_applies_activation_after_product(student):
    """each layer computes activation(previous @ W)"""
    x, weights = _chain_shapes()
    layers = _student_layers(student, x, weights, "tanh")
    if _same(layers, _forward(x, weights, _logistic)):
        raise Mistakes.ignores_activation_argument(_("forward_activations always uses the sigmoid; it should "
                                                     "apply the activation function it is given"))
    products = [a @ w for a, w in zip([x] + _forward(x, weights, np.tanh)[:-1], weights)]
    if _same(layers, products) or _same(layers, _forward(x, weights, _ACTIVATIONS["identity"])):
        raise Mistakes.activation_not_applied(_("the list holds each layer's products a @ W before the "
                                                "activation; store activation(a @ W) instead"))
    before = []
    a = x
    for w in weights:
        a = np.tanh(a) @ w
        before.append(a)
    if _same(layers, before):
        raise Mistakes.activation_before_product(_("the activation is applied before the product; each layer "
                                                   "should compute activation(a @ W)"))
    assert _same(layers, _forward(x, weights, np.tanh)), _(
        "each layer's activations should be activation(previous @ W)")


@graded("forward_activations", points=1)
def test_forward_feeds_each_layer_the_previous_one(student):
    """each layer starts from the previous layer's activations"""
    width = int(rng.integers(5, 15))
    x = rng.normal(size=(int(rng.integers(4, 12)), width))
    weights = [rng.normal(size=(width, width)) * np.sqrt(2.0 / width) for unused in range(int(rng.integers(3, 6)))]
    layers = _student_layers(student, x, weights, "relu")
    if _same(layers, [np.maximum(x @ w, 0.0) for w in weights]):
        raise Mistakes.every_layer_reads_the_input(_("every layer starts from the input x; layer i should start "
                                                     "from the activations of layer i - 1"))
    assert _same(layers, _forward(x, weights, _ACTIVATIONS["relu"])), _(
        "each layer should compute activation(a @ W) where a is the previous layer's output")


# -- xavier_init and he_init -------------------------------------------------------
# The initialisers share their tests; each rule is given as the standard deviation
# it should have and the ones that common mistakes produce instead.  The messages are
# marked with N_() here, before any language is known, and translated where they are raised.

def _xavier_std(n_in, n_out):
    return 1.0 / np.sqrt(n_in)


def _he_std(n_in, n_out):
    return np.sqrt(2.0 / n_in)


_SPREAD_MISTAKES = {
    "xavier_init": [
        (Mistakes.divides_by_n_out, lambda i, o: 1 / np.sqrt(o), N_("your spread is 1/sqrt(n_out); Xavier divides by the number of inputs, n_in")),
        (Mistakes.variance_used_as_std, lambda i, o: 1 / i, N_("your standard deviation is 1/n_in, which is the variance; take its square root")),
        (Mistakes.xavier_uses_he_spread, _he_std, N_("your spread is sqrt(2/n_in), which is He's; Xavier uses 1/sqrt(n_in)")),
        (Mistakes.uses_glorot_fan_average, lambda i, o: np.sqrt(2 / (i + o)), N_("your spread is sqrt(2/(n_in + n_out)), the fan average of Glorot's paper; this course's Xavier uses 1/sqrt(n_in)")),
        (Mistakes.weights_not_scaled, lambda i, o: 1.0, N_("your weights have standard deviation 1: they are not scaled by 1/sqrt(n_in)")),
    ],
    "he_init": [
        (Mistakes.he_uses_xavier_spread, _xavier_std, N_("your He initialisation has Xavier's spread: it uses 1/n_in where He needs 2/n_in")),
        (Mistakes.divides_by_n_out, lambda i, o: np.sqrt(2 / o), N_("your spread is sqrt(2/n_out); He divides by the number of inputs, n_in")),
        (Mistakes.variance_used_as_std, lambda i, o: 2 / i, N_("your standard deviation is 2/n_in, which is the variance; take its square root")),
        (Mistakes.he_halves_instead_of_doubles, lambda i, o: np.sqrt(1 / (2 * i)), N_("your variance is 1/(2 n_in): He doubles Xavier's variance, it does not halve it")),
        (Mistakes.he_sqrt2_over_n, lambda i, o: np.sqrt(2) / i, N_("your spread is sqrt(2)/n_in; He's standard deviation is sqrt(2/n_in), the square root of 2/n_in")),
        (Mistakes.weights_not_scaled, lambda i, o: 1.0, N_("your weights have standard deviation 1: they are not scaled by sqrt(2/n_in)")),
    ],
}
_RULE = {"xavier_init": (_xavier_std, "1/sqrt(n_in)"), "he_init": (_he_std, "sqrt(2/n_in)")}

# n_in is at least twice n_out, so a rule that mixes them up is off by a factor >= 1.4.
# With N = n_in * n_out >= 15000 normal values, the sample standard deviation has a
# relative error with sd 1/sqrt(2N) <= 0.0058: a 5% tolerance is over 8 sd, so a
# correct initialiser fails with probability below 1e-15.
SPREAD_TOLERANCE = 0.05


def _draw(student, fn):
    n_in, n_out = int(rng.integers(250, 400)), int(rng.integers(60, 120))
    return n_in, n_out, as_array(student.call(fn, n_in, n_out), fn)


def _check_shape(student, fn):
    n_in, n_out, w = _draw(student, fn)
    if w.shape == (n_out, n_in):
        raise Mistakes.init_shape_swapped(_("{fn}(n_in, n_out) should have one row per input and one column "
                                            "per output, shape (n_in, n_out); yours is (n_out, n_in)", fn=fn))
    assert w.shape == (n_in, n_out), _("{fn}(n_in, n_out) should return a matrix of shape (n_in, n_out), not {got}",
                                       fn=fn, got=w.shape)


def _check_spread(student, fn):
    n_in, n_out, w = _draw(student, fn)
    assert w.size == n_in * n_out, _("{fn}(n_in, n_out) should return n_in * n_out weights", fn=fn)
    std = float(np.std(w))
    rule, formula = _RULE[fn]
    if abs(std / rule(n_in, n_out) - 1) < SPREAD_TOLERANCE:
        return
    for name, wrong, message in _SPREAD_MISTAKES[fn]:
        if abs(std / wrong(n_in, n_out) - 1) < SPREAD_TOLERANCE:
            raise KnownMistake(name, _(message))
    raise AssertionError(_("the weights of {fn} should have standard deviation {formula}", fn=fn, formula=formula))


def _check_normal(student, fn):
    n_in, n_out, w = _draw(student, fn)
    w = w.ravel()
    std = float(np.std(w))
    assert std > 0, _("the weights of {fn} are all equal; they should be random", fn=fn)
    if np.all(w >= 0):
        raise Mistakes.uses_uniform_rand(_("all weights of {fn} are positive: np.random.rand draws from [0, 1). "
                                           "Draw from a normal distribution centred on 0, e.g. np.random.randn", fn=fn))
    # The sample mean of N >= 15000 values has sd std/sqrt(N); 6 sd has probability < 2e-9.
    assert abs(np.mean(w)) < 6 * std / np.sqrt(w.size), _("the weights of {fn} should be centred on 0", fn=fn)
    # A normal distribution puts 68.3% of its values within one standard deviation of the mean, a
    # uniform one 57.7%.  The share has sd sqrt(0.683 * 0.317 / N) <= 0.0038 (plus a little for the
    # estimated std); 0.03 is over 7 sd, probability below 1e-12.
    inside = float(np.mean(np.abs(w - np.mean(w)) < std))
    if abs(inside - 0.577) < 0.03:
        raise Mistakes.uses_uniform_distribution(_("the weights of {fn} are spread evenly like a uniform "
                                                   "distribution; draw them from a normal distribution", fn=fn))
    assert abs(inside - 0.683) < 0.03, _("the weights of {fn} should follow a normal (bell-shaped) distribution",
                                         fn=fn)


def _check_reproducible(student, fn):
    n_in, n_out = int(rng.integers(20, 60)), int(rng.integers(5, 15))
    seed = int(rng.integers(2**31))
    draws = []
    for s in (seed, seed, seed + 1):
        student.probe("seed_numpy", s)
        draws.append(as_array(student.call(fn, n_in, n_out), fn))
    if not np.array_equal(draws[0], draws[1]):
        raise Mistakes.ignores_np_random_seed(_("np.random.seed does not make {fn} repeat itself: draw the "
                                                "weights with np.random (e.g. np.random.randn), not with "
                                                "np.random.default_rng() or another generator", fn=fn))
    if np.array_equal(draws[0], draws[2]):
        raise Mistakes.fixed_seed_inside(_("{fn} gives the same weights whatever the seed: do not set a "
                                           "seed inside the function, the caller decides it", fn=fn))


@graded("xavier_init", points=1)
def test_xavier_shape(student):
    """xavier_init(n_in, n_out) has shape (n_in, n_out)"""
    _check_shape(student, "xavier_init")


@graded("xavier_init", points=1)
def test_xavier_spread(student):
    """xavier_init has standard deviation 1/sqrt(n_in)"""
    _check_spread(student, "xavier_init")


@graded("xavier_init", points=1)
def test_xavier_normal(student):
    """xavier_init draws from a normal distribution centred on 0"""
    _check_normal(student, "xavier_init")


@graded("xavier_init", points=1)
def test_xavier_reproducible(student):
    """xavier_init repeats itself after the same np.random.seed"""
    _check_reproducible(student, "xavier_init")


@graded("he_init", points=1)
def test_he_shape(student):
    """he_init(n_in, n_out) has shape (n_in, n_out)"""
    _check_shape(student, "he_init")


@graded("he_init", points=1)
def test_he_spread(student):
    """he_init has standard deviation sqrt(2/n_in)"""
    _check_spread(student, "he_init")


@graded("he_init", points=1)
def test_he_normal(student):
    """he_init draws from a normal distribution centred on 0"""
    _check_normal(student, "he_init")


@graded("he_init", points=1)
def test_he_reproducible(student):
    """he_init repeats itself after the same np.random.seed"""
    _check_reproducible(student, "he_init")
