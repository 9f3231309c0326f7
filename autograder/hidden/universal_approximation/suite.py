"""Hidden tests for universal_approximation: sigmoid_bump and uat_weights.

uat_weights returns plain arrays; the network they describe is evaluated here,
in the grader, on targets from the trusted table in autograder.sandbox.probes.
The student's code only ever sees a handle to the target function.
"""
import numpy as np

from autograder.hidden import _, as_array, graded, rng
from autograder.sandbox.probes import TARGETS

from .mistakes import Mistakes


def _logistic(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))  # exact and overflow-free


def _bump(x, left, right, height, steepness):
    return height * (_logistic(steepness * (x - left)) - _logistic(steepness * (x - right)))


def _edges():
    left = float(rng.uniform(-3.0, 2.0))
    return left, left + float(rng.uniform(0.5, 3.0)), float(rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 4.0))


# -- sigmoid_bump ---------------------------------------------------------------

@graded("sigmoid_bump", points=1)
def test_bump_values(student):
    """sigmoid_bump is height * (s(k(x - left)) - s(k(x - right))), for steep bumps and soft ones"""
    left, right, height = _edges()
    # steep, and soft: k * (right - left) / 2 under 2, where the two steps overlap
    for steepness in (float(rng.uniform(2.0, 30.0)), float(rng.uniform(0.5, 4.0) / (right - left))):
        _check_bump(student, left, right, height, steepness)


def _check_bump(student, left, right, height, steepness):
    x = rng.uniform(left - 1.5, right + 1.5, size=(int(rng.integers(3, 7)), int(rng.integers(20, 40))))
    out = as_array(student.sigmoid_bump(x, left, right, height, steepness), "sigmoid_bump's result", verb="be")
    assert out.shape == x.shape, _("for x of shape {want} sigmoid_bump should return that shape, not {got}",
                                  want=x.shape, got=out.shape)
    want = _bump(x, left, right, height, steepness)
    product = height * _logistic(steepness * (x - left)) * (1 - _logistic(steepness * (x - right)))
    if np.allclose(out, product, atol=1e-8) and not np.allclose(product, want, atol=1e-8):
        raise Mistakes.bump_is_a_product(_("your bump multiplies the step up at left by a step down at right; "
                                           "the two neurons' outputs are subtracted: s(k(x - left)) - s(k(x - right))"))
    if np.allclose(out, -want, atol=1e-8):
        raise Mistakes.bump_upside_down(_("your bump points the wrong way: it is the step at `left` minus the "
                                          "step at `right`, not the other way round"))
    unshifted = height * (_logistic(steepness * x - left) - _logistic(steepness * x - right))
    if np.allclose(out, unshifted, atol=1e-8):
        raise Mistakes.steepness_not_on_shift(_("the steepness multiplies x but not the shift: use "
                                                "s(steepness * (x - left)), so the step stays at `left`"))
    assert np.allclose(out, want, atol=1e-8), _("sigmoid_bump should be height * (s(k (x - left)) - s(k (x - right)))")


@graded("sigmoid_bump", points=1)
def test_bump_default_steepness(student):
    """sigmoid_bump's steepness is 100 unless told otherwise"""
    left, right, height = _edges()
    # points near the edges, where the steepness decides the value
    x = np.concatenate([left + rng.uniform(-0.05, 0.05, 25), right + rng.uniform(-0.05, 0.05, 25)])
    out = as_array(student.sigmoid_bump(x, left, right, height), "sigmoid_bump's result", verb="be")
    assert out.shape == x.shape, _("for x of shape {want} sigmoid_bump should return that shape, not {got}",
                                  want=x.shape, got=out.shape)
    assert np.allclose(out, _bump(x, left, right, height, 100.0), atol=1e-8), (
        _("called without a steepness, sigmoid_bump should use steepness 100"))


@graded("sigmoid_bump", points=1)
def test_bump_far_away_and_inside(student):
    """sigmoid_bump is 0 far away (no nan for x = 1000) and `height` in the middle"""
    left, right, height = _edges()
    far = np.concatenate([[-1000.0, 1000.0], rng.choice([-1.0, 1.0], 20) * rng.uniform(50.0, 1e6, 20)])
    out = as_array(student.sigmoid_bump(far, left, right, height), "sigmoid_bump's result", verb="be")
    if not np.all(np.isfinite(out)):
        raise Mistakes.bump_overflows(_("your bump is nan or inf far from the interval: e^x overflows for "
                                        "large x. Use the given logistic function"))
    assert np.allclose(out, 0.0, atol=1e-9), _("far outside [left, right] the bump should be 0")
    middle = (left + right) / 2 + rng.uniform(-0.1, 0.1, 10) * (right - left)
    inside = as_array(student.sigmoid_bump(middle, left, right, height), "sigmoid_bump's result", verb="be")
    assert np.allclose(inside, height, atol=1e-6), _("in the middle of [left, right] the bump should equal its height")


# -- uat_weights ----------------------------------------------------------------

def _weights(student, target, a, b, n_bumps):
    """The student's (W1, b1, W2, b2) for a trusted target, checked to be plain data of sane size."""
    out = student.uat_weights(student.probe("target", target), a, b, n_bumps)
    assert isinstance(out, (tuple, list)) and len(out) == 4, _("uat_weights should return four things: (W1, b1, W2, b2)")
    W1, b1, W2 = (as_array(v, name, verb="be").ravel() for v, name in zip(out[:3], ("W1", "b1", "W2")))
    b2 = as_array(out[3], "b2", verb="be")
    assert b2.size == 1, _("b2 should be a single number, not an array of shape {shape}", shape=b2.shape)
    assert len(W1) == len(b1) == len(W2), _("W1, b1 and W2 should have the same length, not {w1}, {b1}, {w2}",
                                            w1=len(W1), b1=len(b1), w2=len(W2))
    assert len(W1) <= 2 * n_bumps, _("with n_bumps={n_bumps} the network may have at most {most} hidden neurons, not {got}",
                                     n_bumps=n_bumps, most=2 * n_bumps, got=len(W1))
    return out, (W1, b1, W2, float(b2.ravel()[0]))


def _network(x, W1, b1, W2, b2):
    return _logistic(np.outer(x, W1) + b1) @ W2 + b2


def _errors(target, a, b, weights, points=4001):
    """Absolute error of the network on a fine grid of [a, b], both ends included."""
    x = np.linspace(a, b, points)
    with np.errstate(all="ignore"):
        err = np.abs(_network(x, *weights) - TARGETS[target](x))
    return x, np.where(np.isfinite(err), err, np.inf)


def _judge(target, a, b, weights, bound=0.1):
    x, err = _errors(target, a, b, weights)
    if err.max() < bound:
        return
    shifted = np.abs(_network(x, *weights) + TARGETS[target](a) - TARGETS[target](x))
    if abs(TARGETS[target](a)) > bound and np.all(shifted < bound):
        raise Mistakes.missing_output_bias(_("your network follows the shape of f but is off by f(a) "
                                             "everywhere: start the staircase at the right level with b2 = f(a)"))
    near_end = (x - a < 0.05 * (b - a)) | (b - x < 0.05 * (b - a))
    if np.all(err[~near_end] < bound):
        raise Mistakes.loses_the_ends(_("your network is accurate inside the interval but not at its ends: "
                                        "a sigmoid centred on an end is only halfway there. Start the "
                                        "staircase with b2 = f(a) and put the steps between sample points"))
    raise AssertionError(_("with 100 bumps the network should stay within {bound} of the target everywhere on "
                           "[a, b]; somewhere its error is {err:.3g}", bound=bound, err=err.max()))


@graded("uat_weights", points=1)
def test_uat_returns_weights(student):
    """uat_weights returns 1-D W1, b1, W2 of equal length (at most 2 * n_bumps) and a number b2"""
    n_bumps = int(rng.integers(10, 60))
    out, unused = _weights(student, "cos", 0.0, float(rng.uniform(1.0, 5.0)), n_bumps)
    shapes = [np.shape(v) for v in out[:3]]
    assert all(len(s) == 1 for s in shapes), _("W1, b1 and W2 should be 1-D arrays, not of shapes {shapes}", shapes=shapes)


@graded("uat_weights", points=1)
def test_uat_approximates_sine(student):
    """with 100 bumps the network stays within 0.1 of sin on [0, 2 pi]"""
    unused, weights = _weights(student, "sin", 0.0, 2 * np.pi, 100)
    _judge("sin", 0.0, 2 * np.pi, weights)


@graded("uat_weights", points=1)
def test_uat_approximates_other_functions(student):
    """with 100 bumps the network stays within 0.1 of other functions on other intervals, ends included"""
    for target in TARGETS:
        if target == "sin":
            continue
        a = float(rng.uniform(-4.0, 2.0))
        b = a + float(rng.uniform(1.5, 6.5))
        unused, weights = _weights(student, target, a, b, 100)
        _judge(target, a, b, weights)


@graded("uat_weights", points=1)
def test_uat_improves_with_more_neurons(student):
    """ten times more bumps make the largest error at least three times smaller"""
    a = float(rng.uniform(-2.0, 1.0))
    b = a + float(rng.uniform(4.0, 7.0))
    coarse = _errors("scaled_sin", a, b, _weights(student, "scaled_sin", a, b, 30)[1])[1].max()
    fine = _errors("scaled_sin", a, b, _weights(student, "scaled_sin", a, b, 300)[1])[1].max()
    if fine < coarse / 3 or fine < 0.005:  # already tiny errors need not shrink threefold
        return
    if coarse < 0.3:
        raise Mistakes.steepness_does_not_scale(_("going from 30 to 300 bumps hardly lowers the error: the "
                                                  "steps must get steeper as they get closer together; make "
                                                  "the steepness grow with n_bumps / (b - a)"))
    raise AssertionError(_("ten times more bumps should make the largest error at least three times smaller"))
