"""Hidden tests for batchnorm: batchnorm_forward and build_bn_model.

Inputs come from `rng`, seeded per test from the course secret (see autograder.hidden),
so a submission cannot be tuned to them.  Batches are never square, so
statistics taken along the wrong axis cannot pass by accident.
"""
import numpy as np

from autograder.hidden import N_, KnownMistake, _, as_array, graded, rng
from autograder.hidden.layers import read_steps, show_steps

from .mistakes import Mistakes


# -- batchnorm_forward ----------------------------------------------------------

def _normalise(x, gamma, beta, eps, axis=0, ddof=0, spread=lambda var, eps: np.sqrt(var + eps)):
    mean = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, ddof=ddof, keepdims=True)
    return gamma * (x - mean) / spread(var, eps) + beta


# Wrong formulas students write, each with the feedback it deserves.
MISTAKES = [
    (Mistakes.batchnorm_wrong_axis,
     N_("your batch normalisation normalises each example (row) across its features. It should normalise each "
        "feature (column) across the batch: take the mean and variance with axis=0"),
     lambda x, g, b, e: _normalise(x, g, b, e, axis=1)),
    (Mistakes.batchnorm_unbiased_variance,
     N_("your variance divides by m - 1 (ddof=1). Batch normalisation uses the batch's own, biased variance, "
        "which divides by the batch size m: np.var's default"),
     lambda x, g, b, e: _normalise(x, g, b, e, ddof=1)),
    (Mistakes.batchnorm_eps_outside_sqrt,
     N_("you add eps after taking the square root. It belongs inside: divide by sqrt(var + eps)"),
     lambda x, g, b, e: _normalise(x, g, b, e, spread=lambda var, eps: np.sqrt(var) + eps)),
    (Mistakes.batchnorm_without_eps,
     N_("your normalisation leaves out eps. Divide by sqrt(var + eps): eps keeps a feature that hardly varies "
        "from being blown up"),
     lambda x, g, b, e: _normalise(x, g, b, e, spread=lambda var, eps: np.sqrt(var))),
    (Mistakes.batchnorm_divides_by_variance,
     N_("you divide by the variance; divide by the standard deviation, sqrt(var + eps)"),
     lambda x, g, b, e: _normalise(x, g, b, e, spread=lambda var, eps: var + eps)),
]


def _call(student, x, gamma, beta, *eps):
    out = as_array(student.batchnorm_forward(x, gamma, beta, *eps), "batchnorm_forward")
    assert out.shape == x.shape, _(
        "for a batch of shape {want} batchnorm_forward should return that shape, not {got}", want=x.shape,
        got=out.shape)
    return out


def _name_the_mistake(out, x, gamma, beta, eps):
    with np.errstate(all="ignore"):
        for name, message, formula in MISTAKES:
            if np.allclose(out, formula(x, gamma, beta, eps), rtol=1e-6, atol=1e-8):
                raise KnownMistake(name, _(message))


def _expect_formula(out, x, gamma, beta, eps=1e-5, tolerance=1e-6):
    if not np.allclose(out, _normalise(x, gamma, beta, eps), rtol=tolerance, atol=tolerance):
        _name_the_mistake(out, x, gamma, beta, eps)
        raise AssertionError(_("batchnorm_forward should give gamma * (x - mean) / sqrt(var + eps) + beta, with the "
                               "mean and variance of each feature (column) over the batch"))


def _features(d):
    gamma, beta = rng.uniform(0.5, 3.0, d), rng.normal(0.0, 2.0, d)
    return gamma, beta


@graded("batchnorm_forward", points=2)
def test_batchnorm_gives_each_feature_mean_beta_and_std_gamma(student):
    """each feature comes out with mean beta and standard deviation gamma"""
    n, d = int(rng.integers(150, 300)), int(rng.integers(7, 40))
    # features on very different scales and offsets, as raw data or a hidden layer would give
    x = rng.normal(rng.uniform(-50, 50, d), 10 ** rng.uniform(-1, 1.5, d), size=(n, d))
    gamma, beta = _features(d)
    out = _call(student, x, gamma, beta)
    # 1% on the spread: the idea is judged here, the exact variance and eps by the tests below
    if not (np.allclose(out.mean(axis=0), beta, atol=1e-6) and np.allclose(out.std(axis=0), gamma, rtol=1e-2)):
        _name_the_mistake(out, x, gamma, beta, 1e-5)
        raise AssertionError(_("each feature (column) of the output should have mean beta and standard deviation "
                               "gamma over the batch"))


@graded("batchnorm_forward", points=2)
def test_batchnorm_handles_a_near_constant_feature(student):
    """a feature that hardly varies is kept small by eps, and eps can be chosen"""
    n, d = int(rng.integers(20, 60)), int(rng.integers(3, 10))
    x = rng.normal(size=(n, d))
    # variance about 1e-8, far below eps: only the eps in sqrt(var + eps) keeps it from growing to size gamma
    x[:, int(rng.integers(d))] = rng.normal() + 1e-4 * rng.normal(size=n)
    gamma, beta = _features(d)
    _expect_formula(_call(student, x, gamma, beta), x, gamma, beta)
    eps = float(10 ** rng.uniform(-3.5, -2.5))
    out = _call(student, x, gamma, beta, eps)
    if np.allclose(out, _normalise(x, gamma, beta, 1e-5), rtol=1e-6, atol=1e-8):
        raise Mistakes.batchnorm_ignores_eps(_("your batchnorm_forward uses 1e-5 whatever eps it is given: use "
                                               "its eps argument"))
    _expect_formula(out, x, gamma, beta, eps)


@graded("batchnorm_forward", points=2)
def test_batchnorm_uses_the_biased_variance(student):
    """a small batch is normalised with its biased variance (divide by m)"""
    n, d = int(rng.integers(3, 7)), int(rng.integers(8, 15))
    z = rng.normal(size=(n, d))
    # every feature gets a spread of at least 0.5, so eps moves the result by under 0.002%
    x = rng.normal(0, 5, d) + rng.uniform(0.5, 3, d) * (z - z.mean(axis=0)) / z.std(axis=0)
    gamma, beta = _features(d)
    # outputs are of order 1: 1e-3 ignores where eps goes (under 2e-4 here) but not m - 1 (9% off or more)
    _expect_formula(_call(student, x, gamma, beta), x, gamma, beta, tolerance=1e-3)


@graded("batchnorm_forward", points=1)
def test_batchnorm_leaves_its_input_alone(student):
    """batchnorm_forward does not change the array it is given"""
    n, d = int(rng.integers(20, 60)), int(rng.integers(3, 10))
    x = rng.normal(3.0, 2.0, size=(n, d))
    held = student.probe("held_array", x)  # stays in the student's process, so we can look at it afterwards
    student.batchnorm_forward(held, *_features(d))
    if not np.array_equal(student.probe("values", held), x):
        raise KnownMistake(Mistakes.batchnorm_modifies_input,
                           _("your batchnorm_forward changes the array it is given (x -= mean works in place). "
                             "Compute a new array instead: (x - mean) / np.sqrt(var + eps)"))


# -- build_bn_model -----------------------------------------------------------------


def _wanted(num_classes):
    block = lambda units: [("dense", units), ("bn", None), ("act", "relu")]  # noqa: E731
    return [*block(256), *block(128), *block(64), ("dense", num_classes), ("act", "softmax")]


def _build(student):
    input_dim, num_classes = int(rng.integers(5, 40)), int(rng.integers(3, 9))
    model = student.build_bn_model(input_dim, num_classes)
    return model, input_dim, num_classes


@graded("build_bn_model", points=1)
def test_bn_model_outputs_class_probabilities(student):
    """the model gives one probability per class, summing to 1"""
    model, input_dim, num_classes = _build(student)
    n = int(rng.integers(5, 20))
    out = as_array(student.probe("predict", model, rng.normal(size=(n, input_dim)), training=False), _("the model"))
    assert out.shape == (n, num_classes), _(
        "{n} rows and {num_classes} classes should give an output of shape ({n}, {num_classes}), not {got}", n=n,
        num_classes=num_classes, got=out.shape)
    assert np.all(out >= 0) and np.allclose(out.sum(axis=1), 1.0, atol=1e-4), _(
        "each row of the output should be class probabilities that add up to 1: end with Dense(num_classes, softmax)")


@graded("build_bn_model", points=1)
def test_bn_model_has_the_basic_layer_sizes(student):
    """the Dense layers have 256, 128, 64 and num_classes units"""
    model, input_dim, num_classes = _build(student)
    units = [value for kind, value in read_steps(student.probe("describe_model", model, input_dim)) if kind == "dense"]
    assert units == [256, 128, 64, num_classes], _(
        "the Dense layers should have 256, 128, 64 and num_classes ({num_classes}) units, like build_basic_model, "
        "not {units}", num_classes=num_classes, units=units)


@graded("build_bn_model", points=3)
def test_bn_model_normalises_between_dense_and_relu(student):
    """each hidden layer is Dense -> BatchNormalization -> relu"""
    model, input_dim, num_classes = _build(student)
    steps = read_steps(student.probe("describe_model", model, input_dim))
    if any(a == ("act", "relu") and b[0] == "bn" for a, b in zip(steps, steps[1:])):
        raise KnownMistake(Mistakes.bn_after_activation,
                           _("batch normalisation comes after the activation. It belongs between the Dense layer and "
                             "its ReLU: Dense(units) with no activation, then BatchNormalization(), then "
                             "Activation('relu'). Your model is {model}", model=show_steps(steps)))
    want = _wanted(num_classes)
    assert steps == want, _("the model should be {want}, but it is {got}", want=show_steps(want),
                            got=show_steps(steps))


@graded("build_bn_model", points=1)
def test_bn_model_uses_batch_statistics_in_training(student):
    """in training the model normalises with the batch's own statistics"""
    model, input_dim, unused = _build(student)
    # a shifted, stretched batch: its statistics are far from a new layer's moving averages (mean 0, variance 1)
    x = rng.normal(3.0, 2.0, size=(int(rng.integers(32, 64)), input_dim))
    inference = as_array(student.probe("predict", model, x, training=False), _("the model"))
    training = as_array(student.probe("predict", model, x, training=True), _("the model"))
    assert not np.allclose(inference, training, atol=1e-4), _(
        "a new model with batch normalisation should give different outputs in training mode (batch statistics) and "
        "in inference mode (moving averages); yours gives the same: does it have BatchNormalization layers?")
