"""Hidden tests for dropout: dropout_forward and build_dropout_model.

Inputs come from `rng`, seeded per test from the course secret (see autograder.hidden),
so a submission cannot be tuned to them.  The share of zeros dropout produces
is a mean of independent 0/1 draws, so Hoeffding's inequality,
P(|share - rate| >= t) <= 2 exp(-2 n t^2), bounds how far a correct
implementation can stray; t is chosen so that this happens with probability
below 1e-6.
"""
import numpy as np

from autograder.hidden import KnownMistake, _, as_array, graded, rng
from autograder.hidden.layers import read_steps, show_steps

from .mistakes import Mistakes

FAILURE_PROBABILITY = 1e-6


def _hoeffding_margin(n):
    """Deviation of a share of n independent 0/1 draws from its expectation that a
    correct implementation exceeds with probability below FAILURE_PROBABILITY."""
    return float(np.sqrt(np.log(2 / FAILURE_PROBABILITY) / (2 * n)))


# -- dropout_forward ------------------------------------------------------------

def _activations():
    """A large, non-square batch with no zeros, so every zero in the output is a dropped value."""
    shape = (int(rng.integers(150, 250)), int(rng.integers(260, 400)))
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape)


def _rate():
    # far from 0.5, so that keeping with probability `rate` cannot pass for dropping with it
    return float(rng.uniform(0.15, 0.35))


def _dropout(student, x, rate, **kwargs):
    out = as_array(student.dropout_forward(x, rate, **kwargs), "dropout_forward")
    assert out.shape == x.shape, _(
        "for an input of shape {want} dropout_forward should return that shape, not {got}",
        want=x.shape, got=out.shape)
    return out


@graded("dropout_forward", points=2)
def test_dropout_zeroes_a_share_rate_of_the_values(student):
    """in training, each value is set to 0 with probability rate"""
    x, rate = _activations(), _rate()
    zeroed = float(np.mean(_dropout(student, x, rate) == 0))
    margin = _hoeffding_margin(x.size)
    if abs(zeroed - (1 - rate)) < margin:
        raise KnownMistake(Mistakes.dropout_keeps_with_prob_rate,
                           _("with rate {rate:.2f} your dropout set {zeroed:.0%} of the values to 0: it keeps a value "
                             "with probability rate. rate is the probability of dropping a value, so a unit survives "
                             "with probability 1 - rate", rate=rate, zeroed=zeroed))
    assert abs(zeroed - rate) < margin, _(
        "with rate {rate:.2f} about {rate:.0%} of the values should be set to 0 in training, but {zeroed:.1%} were",
        rate=rate, zeroed=zeroed)


@graded("dropout_forward", points=2)
def test_dropout_scales_the_survivors(student):
    """values that survive are divided by 1 - rate, and rate 0 changes nothing"""
    x, rate = _activations(), _rate()
    out = _dropout(student, x, rate)
    kept = out != 0
    assert kept.any(), _("with rate {rate:.2f} dropout_forward set every value to 0", rate=rate)
    ratio = out[kept] / x[kept]
    if np.allclose(ratio, 1.0):
        raise KnownMistake(Mistakes.dropout_not_rescaled,
                           _("the values your dropout keeps are not scaled up. Divide them by 1 - rate (inverted "
                             "dropout), so that every output has its input as expected value and nothing needs to "
                             "change at test time"))
    assert not np.allclose(ratio, 1 - rate), _(
        "the values your dropout keeps are multiplied by 1 - rate; inverted dropout divides them by 1 - rate")
    assert np.allclose(ratio, 1 / (1 - rate)), _(
        "every value that survives dropout should be its input divided by 1 - rate, and every other value 0")
    same = _dropout(student, x, 0.0)
    assert np.allclose(same, x), _("with rate 0 nothing is dropped, so dropout_forward should return x unchanged")


@graded("dropout_forward", points=2)
def test_dropout_is_off_outside_training(student):
    """with training=False the input comes back unchanged"""
    x, rate = _activations(), _rate()
    out = _dropout(student, x, rate, training=False)
    if np.mean(out == 0) > 0.05:
        raise KnownMistake(Mistakes.dropout_at_test_time,
                           _("with training=False your dropout still sets values to 0. Dropout must be switched off "
                             "when the model predicts: return x unchanged when training is False"))
    if np.allclose(out, x * (1 - rate)):
        raise KnownMistake(Mistakes.dropout_scaled_at_test_time,
                           _("with training=False your dropout multiplies x by 1 - rate. Inverted dropout does its "
                             "scaling during training, so at test time x must come back unchanged"))
    assert np.allclose(out, x), _("with training=False dropout_forward should return x unchanged")


@graded("dropout_forward", points=1)
def test_dropout_draws_a_new_mask_every_call(student):
    """each call drops a different random set of values"""
    x, rate = _activations(), _rate()
    first, second = _dropout(student, x, rate) == 0, _dropout(student, x, rate) == 0
    # two correct masks of 40,000+ values agree everywhere with probability far below 1e-100
    if np.array_equal(first, second):
        raise KnownMistake(Mistakes.dropout_reuses_mask,
                           _("two calls of dropout_forward dropped exactly the same values. Draw a new random mask on "
                             "every call, and do not fix a seed inside the function"))


@graded("dropout_forward", points=1)
def test_dropout_leaves_its_input_alone(student):
    """dropout_forward does not change the array it is given"""
    x = _activations()
    held = student.probe("held_array", x)  # stays in the student's process, so we can look at it afterwards
    student.dropout_forward(held, _rate())
    if not np.array_equal(student.probe("values", held), x):
        raise KnownMistake(Mistakes.dropout_modifies_input,
                           _("your dropout_forward changes the array it is given (the dropped values become 0 in the "
                             "caller's data too). Build and return a new array, e.g. x * mask / (1 - rate)"))


# -- build_dropout_model ----------------------------------------------------------


PLAIN = [("dense", 128), ("act", "relu"), ("dense", 128), ("act", "relu"), ("dense", 1), ("act", "sigmoid")]


def _build(student, *rate):
    input_dim = int(rng.integers(5, 40))
    model = student.build_dropout_model(input_dim, *rate)
    return model, input_dim, read_steps(student.probe("describe_model", model, input_dim))


def _before_output(steps):
    """The step just before the output Dense, and the steps after that Dense."""
    last_dense = max((i for i, (kind, unused) in enumerate(steps) if kind == "dense"), default=None)
    assert last_dense is not None, _("the model has no Dense layers")
    if any(kind == "dropout" for kind, unused in steps[last_dense + 1:]):
        raise KnownMistake(Mistakes.dropout_after_output,
                           _("a Dropout layer comes after the output layer, so in training it zeroes predicted "
                             "probabilities. Dropout belongs after the hidden layers, before the output Dense"))
    before = steps[last_dense - 1] if last_dense > 0 else ("none", None)
    assert before[0] == "dropout", _(
        "the layer right before the output Dense(1, sigmoid) should be Dropout; your model is {model}",
        model=show_steps(steps))
    assert last_dense < 2 or steps[last_dense - 2][0] != "dropout", _(
        "two Dropout layers in a row before the output drop more than `rate` of the units (a unit must survive "
        "both): use one Dropout(rate) there; your model is {model}", model=show_steps(steps))
    return before[1]


@graded("build_dropout_model", points=2)
def test_dropout_model_keeps_the_plain_network(student):
    """without its Dropout layers, the model is Dense(128, relu) -> Dense(128, relu) -> Dense(1, sigmoid)"""
    model, input_dim, steps = _build(student, 0.3)
    network = [step for step in steps if step[0] != "dropout"]
    assert network == PLAIN, _(
        "apart from Dropout, the model should be {want}, but it is {got}",
        want=show_steps(PLAIN), got=show_steps(network))
    assert steps[0][0] != "dropout", _(
        "your model drops its inputs: Dropout belongs after hidden layers (one before the output, and if you "
        "like one after the first hidden layer), not before the first; your model is {model}", model=show_steps(steps))
    n = int(rng.integers(5, 20))
    out = as_array(student.probe("predict", model, rng.normal(size=(n, input_dim)), training=False), "the model")
    assert out.shape == (n, 1), _("{n} rows in should give {n} probabilities, shape ({n}, 1), not {got}",
                                  n=n, got=out.shape)
    assert np.all((out >= 0) & (out <= 1)), _("the model's outputs should be probabilities between 0 and 1")


@graded("build_dropout_model", points=2)
def test_dropout_model_drops_right_before_the_output(student):
    """a Dropout layer with the given rate sits between the last hidden layer and the output"""
    rate = round(float(rng.choice([rng.uniform(0.1, 0.25), rng.uniform(0.35, 0.6)])), 2)
    unused, unused, steps = _build(student, rate)
    used = _before_output(steps)
    if np.isclose(used, 0.3):
        raise KnownMistake(Mistakes.dropout_rate_ignored,
                           _("your Dropout uses rate 0.3 whatever rate build_dropout_model is given: pass its rate "
                             "argument on to keras.layers.Dropout"))
    assert np.isclose(used, rate), _(
        "build_dropout_model(..., rate={rate}) should put Dropout({rate}) before the output, not Dropout({used:g})",
        rate=rate, used=used)


@graded("build_dropout_model", points=1)
def test_dropout_model_default_rate(student):
    """without a rate, the Dropout before the output uses 0.3"""
    unused, unused, steps = _build(student)
    used = _before_output(steps)
    assert np.isclose(used, 0.3), _("build_dropout_model(input_dim) should use rate 0.3 by default, not {used:g}",
                                    used=used)


@graded("build_dropout_model", points=1)
def test_dropout_model_is_random_only_in_training(student):
    """predictions are fixed with training=False and vary with training=True"""
    model, input_dim, unused = _build(student, 0.3)
    x = rng.normal(size=(int(rng.integers(20, 40)), input_dim))
    first, second = (student.probe("predict", model, x, training=False) for unused in range(2))
    if not np.allclose(first, second):
        raise KnownMistake(Mistakes.dropout_at_test_time,
                           _("your model gives different outputs for the same input with training=False, so dropout "
                             "is still on when it predicts. Use keras.layers.Dropout, which Keras switches off when "
                             "training is False; dropout written by hand, in a Lambda layer say, stays on"))
    first, second = (student.probe("predict", model, x, training=True) for unused in range(2))
    assert not np.allclose(first, second), _(
        "with training=True the model's output should change from call to call, because dropout zeroes different "
        "units each time; yours does not")
