"""Hidden tests for the regularization assignment.

Inputs come from `rng`, seeded per test from the course secret.  The penalties
are judged on random lists of weight arrays.  The models are judged by
behaviour: describe_model for the architecture, and the penalty the model
charges for known kernels (the probes set every Dense kernel to normal draws
from default_rng(seed + layer index)), so a regulariser built any way, a Keras
class, a lambda or L1L2, gets full marks when it charges the right amount.
"""
import numpy as np

from autograder.hidden import KnownMistake, N_, _, graded, rng
from autograder.hidden.layers import dense_activations

from .mistakes import Mistakes

DEFAULT_RATIO = 0.001
MEASURES = {"l1": lambda w: float(np.sum(np.abs(w))), "l2": lambda w: float(np.sum(np.square(w)))}
# each message names the measure of its own kind, so that it is one whole sentence to translate
NOT_THE_PENALTY = {
    "l1": N_("l1_penalty should be lam times the sum of |w| over every entry of every array"),
    "l2": N_("l2_penalty should be lam times the sum of w² over every entry of every array"),
}
OTHER_MEASURE = {
    "l1": N_("the penalty is the sum of w²; an L1 model charges ratio times the sum of |w|"),
    "l2": N_("the penalty is the sum of |w|; an L2 model charges ratio times the sum of w²"),
}
OTHER_MEASURE_HALVED = {
    "l1": N_("the penalty is ½ ratio × the sum of w²; an L1 model charges ratio times the sum of |w|"),
    "l2": N_("the penalty is ½ ratio × the sum of |w|; an L2 model charges ratio times the sum of w²"),
}
CHARGES_ANOTHER_AMOUNT = {  # (kind, the default ratio?)
    ("l1", True): N_("with the default ratio, 0.001, each hidden layer should be charged ratio times the sum of |w| "
                     "of its kernel; your model charges a different amount"),
    ("l1", False): N_("for a given ratio each hidden layer should be charged ratio times the sum of |w| "
                      "of its kernel; your model charges a different amount"),
    ("l2", True): N_("with the default ratio, 0.001, each hidden layer should be charged ratio times the sum of w² "
                     "of its kernel; your model charges a different amount"),
    ("l2", False): N_("for a given ratio each hidden layer should be charged ratio times the sum of w² "
                      "of its kernel; your model charges a different amount"),
}


# -- l1_penalty and l2_penalty -------------------------------------------------

def _number(value, function):
    # a NumPy scalar may cross the wire as a one-element array, so judge the value, not its type
    try:
        value = np.asarray(value, dtype=float)
    except (TypeError, ValueError):  # a list of arrays, say: not something the grader failed on
        raise AssertionError(_("{function} should return one number, not a {kind}",
                               function=function, kind=type(value).__name__)) from None
    assert value.size == 1, _("{function} should return one number for all the arrays together, not {count} numbers",
                              function=function, count=value.size)
    return float(value.reshape(()))


def _random_weights():
    """2 to 5 arrays of mixed signs and shapes (1 to 3 dimensions), like the kernels of several layers."""
    shapes = [tuple(int(n) for n in rng.integers(1, 40, size=rng.integers(1, 4))) for unused in range(rng.integers(2, 6))]
    return [rng.normal(0, rng.uniform(0.1, 2.0), size=shape) for shape in shapes]


def _penalty_mistakes(kind, weights, lam):
    """Common wrong recipes: name -> (value, message)."""
    flat = np.concatenate([np.ravel(w) for w in weights])
    mistakes = {
        Mistakes.mean_not_sum: (lam * MEASURES[kind](flat) / flat.size, _("you averaged over the weights; add them up instead")),
        Mistakes.only_first_array: (lam * MEASURES[kind](weights[0]), _("only the first array was counted; add up every array in the list")),
        Mistakes.lambda_missing: (MEASURES[kind](flat), _("the penalty is not multiplied by lam")),
    }
    if kind == "l1":
        mistakes[Mistakes.missing_abs] = (lam * float(np.sum(flat)), _("negative weights must add to the penalty too: sum |w|, not w"))
        mistakes[Mistakes.squared_not_abs] = (lam * MEASURES["l2"](flat), _("you summed w²; the L1 penalty sums |w|"))
    else:
        mistakes[Mistakes.l2_half_factor] = (0.5 * lam * MEASURES["l2"](flat),
                                      _("you computed lam * ½ Σw²; Keras's L2 penalty has no ½: lam * Σw²"))
        mistakes[Mistakes.norm_not_squared] = (lam * np.sqrt(MEASURES["l2"](flat)),
                                        _("you took the square root (the norm); the L2 penalty is lam * Σw², "
                                          "not lam * √Σw²"))
        mistakes[Mistakes.abs_not_square] = (lam * MEASURES["l1"](flat), _("you summed |w|; the L2 penalty sums w²"))
    return mistakes


def _check_penalty_value(student, kind):
    weights, lam = _random_weights(), float(rng.uniform(0.001, 0.1))
    function = f"{kind}_penalty"
    got = _number(student.call(function, weights, lam), function)
    want = lam * sum(MEASURES[kind](w) for w in weights)
    if not np.isclose(got, want, rtol=1e-6):
        for name, (value, message) in _penalty_mistakes(kind, weights, lam).items():
            if np.isclose(got, value, rtol=1e-6):
                raise KnownMistake(name, message)
        raise AssertionError(_(NOT_THE_PENALTY[kind]))


def _check_lambda_scaling(student, kind):
    weights, lam = _random_weights(), float(rng.uniform(0.001, 0.1))
    function = f"{kind}_penalty"
    zero = _number(student.call(function, weights, 0.0), function)
    once = _number(student.call(function, weights, lam), function)
    twice = _number(student.call(function, weights, 2 * lam), function)
    if np.isclose(once, twice, rtol=1e-6):
        raise Mistakes.lambda_missing(_("the penalty does not change with lam; multiply it by lam"))
    assert np.isclose(zero, 0.0, atol=1e-12), _("with lam = 0 there should be no penalty at all")
    assert np.isclose(twice, 2 * once, rtol=1e-6), _("doubling lam should double the penalty")


@graded("l1_penalty", points=1)
def test_l1_penalty_value(student):
    """l1_penalty is lam times the sum of |w| over every array"""
    _check_penalty_value(student, "l1")


@graded("l1_penalty", points=1)
def test_l1_penalty_scales_with_lambda(student):
    """l1_penalty is 0 for lam = 0 and doubles when lam doubles"""
    _check_lambda_scaling(student, "l1")


@graded("l1_penalty", points=1)
def test_l1_penalty_charges_negative_weights(student):
    """l1_penalty charges a negative weight as much as a positive one, in proportion to its size"""
    weights, lam = [np.abs(w) for w in _random_weights()], float(rng.uniform(0.001, 0.1))
    positive = _number(student.l1_penalty(weights, lam), "l1_penalty")
    negative = _number(student.l1_penalty([-w for w in weights], lam), "l1_penalty")
    doubled = _number(student.l1_penalty([2 * w for w in weights], lam), "l1_penalty")
    if np.isclose(negative, -positive, rtol=1e-6):
        raise Mistakes.missing_abs(_("negative weights lower your penalty; the L1 penalty sums |w|"))
    assert np.isclose(negative, positive, rtol=1e-6) and positive > 0, (
        _("flipping the sign of every weight should not change the L1 penalty"))
    if np.isclose(doubled, 4 * positive, rtol=1e-6):
        raise Mistakes.squared_not_abs(_("doubling the weights quadrupled your penalty: that is L2; L1 sums |w|"))
    assert np.isclose(doubled, 2 * positive, rtol=1e-6), _("doubling every weight should double the L1 penalty")


@graded("l2_penalty", points=1)
def test_l2_penalty_value(student):
    """l2_penalty is lam times the sum of w² over every array (no ½)"""
    _check_penalty_value(student, "l2")


@graded("l2_penalty", points=1)
def test_l2_penalty_scales_with_lambda(student):
    """l2_penalty is 0 for lam = 0 and doubles when lam doubles"""
    _check_lambda_scaling(student, "l2")


@graded("l2_penalty", points=1)
def test_l2_penalty_grows_with_the_square(student):
    """doubling every weight multiplies l2_penalty by four, whatever the signs"""
    weights, lam = _random_weights(), float(rng.uniform(0.001, 0.1))
    base = _number(student.l2_penalty(weights, lam), "l2_penalty")
    doubled = _number(student.l2_penalty([-2 * w for w in weights], lam), "l2_penalty")
    if np.isclose(doubled, 2 * base, rtol=1e-6):
        used_abs = np.isclose(base, lam * sum(MEASURES["l1"](w) for w in weights), rtol=1e-6)
        raise KnownMistake(Mistakes.abs_not_square if used_abs else Mistakes.norm_not_squared,
                           _("doubling the weights only doubled your penalty; the L2 penalty sums the squares, "
                             "lam * Σw²"))
    assert base > 0 and np.isclose(doubled, 4 * base, rtol=1e-6), (
        _("doubling every weight (and flipping its sign) should multiply the L2 penalty by four"))


# -- build_l1_model and build_l2_model -------------------------------------------


def _build(student, function, input_dim, ratio=None):
    # ratio is passed by position: the tests judge what it does, not what it is called
    return student.call(function, input_dim) if ratio is None else student.call(function, input_dim, ratio)


def _check_architecture(student, function):
    input_dim = int(rng.integers(8, 60))
    info = student.probe("describe_model", _build(student, function, input_dim), input_dim, seed=0)
    dense = [layer for layer in info["layers"] if layer["kind"] == "Dense"]
    units = [layer["units"] for layer in dense]
    assert units == [128, 128, 1], _("expected Dense layers of 128, 128 and 1 units, found {units}", units=units)
    assert dense[0]["kernel_shape"][0] == input_dim, _("the first layer should take input_dim features")
    acts = dense_activations(info["layers"])
    if acts[:2] != ["relu", "relu"]:
        raise Mistakes.hidden_not_relu(_("both hidden layers should use ReLU; found {found}", found=acts[:2]))
    if acts[2] != "sigmoid":
        raise Mistakes.output_not_sigmoid(_("the output layer should use a sigmoid, so the output is a probability"))
    assert info["output_shape"] == [3, 1], _("3 rows in should give an output of shape (3, 1)")


def _penalty_diagnosis(kind, ratio, charged, kernels):
    """Raise KnownMistake if `charged` is what a common wrong model charges for these hidden kernels."""
    other = "l2" if kind == "l1" else "l1"
    total = {k: sum(f(w) for w in kernels) for k, f in MEASURES.items()}
    candidates = [
        (Mistakes.no_hidden_penalty, 0.0,
         _("your model adds no penalty for its hidden layers' weights: give each hidden Dense layer a "
           "kernel_regularizer")),
        (getattr(Mistakes, f"{kind}_model_uses_{other}"), ratio * total[other],
         _(OTHER_MEASURE[kind])),
        (getattr(Mistakes, f"{kind}_model_uses_{other}"), 0.5 * ratio * total[other],
         _(OTHER_MEASURE_HALVED[kind])),
        (Mistakes.hidden_layer_not_penalised, ratio * MEASURES[kind](kernels[0]),
         _("only the first hidden layer is penalised; give both hidden layers the kernel_regularizer")),
        (Mistakes.hidden_layer_not_penalised, ratio * MEASURES[kind](kernels[-1]),
         _("only the last hidden layer is penalised; give both hidden layers the kernel_regularizer")),
    ]
    if kind == "l2":
        candidates.append((Mistakes.l2_half_factor, 0.5 * ratio * total["l2"],
                           _("your penalty is ½ ratio Σw²; Keras's L2 (keras.regularizers.L2) is ratio Σw², "
                             "with no ½")))
    if ratio != DEFAULT_RATIO:
        candidates.append((Mistakes.ratio_ignored, DEFAULT_RATIO * total[kind],
                           _("the penalty uses 0.001 whatever ratio is passed; use the ratio argument")))
    for name, value, message in candidates:
        if np.isclose(charged, value, rtol=1e-4, atol=1e-9):
            raise KnownMistake(name, message)


def _check_hidden_penalty(student, function, kind, ratio=None):
    input_dim, seed = int(rng.integers(8, 60)), int(rng.integers(1_000_000))
    model = _build(student, function, input_dim, ratio)
    info = student.probe("describe_model", model, input_dim, seed=seed)
    if any(layer.get("activity_regularized") for layer in info["layers"]):
        raise Mistakes.activity_not_kernel(_("penalise the weights with kernel_regularizer, "
                                             "not the layer outputs with activity_regularizer"))
    charged = student.probe("regularization_loss", model, input_dim, seed)
    dense = [(i, layer) for i, layer in enumerate(info["layers"]) if layer["kind"] == "Dense"]
    assert len(dense) >= 2, _("the model should have hidden Dense layers for the penalty to act on")
    # the output layer's own penalty is judged by its own test, so it does not count here
    charged -= dense[-1][1]["kernel_penalty"] or 0.0
    # the probes drew each kernel from default_rng(seed + layer index) and charged it as float32
    kernels = [np.random.default_rng(seed + i).normal(size=tuple(layer["kernel_shape"])).astype("float32")
               for i, layer in dense[:-1]]
    ratio_used = DEFAULT_RATIO if ratio is None else ratio
    want = ratio_used * sum(MEASURES[kind](w) for w in kernels)
    # Keras charges in float32; over these kernel sizes its relative error measured below 2e-7,
    # so rtol 1e-4 leaves a wide margin, and every wrong recipe below is off by 5% or more
    if not np.isclose(charged, want, rtol=1e-4):
        _penalty_diagnosis(kind, ratio_used, charged, kernels)
        raise AssertionError(_(CHARGES_ANOTHER_AMOUNT[kind, ratio is None]))


def _check_output_free(student, function):
    input_dim = int(rng.integers(8, 60))
    info = student.probe("describe_model", _build(student, function, input_dim, 0.01), input_dim, seed=0)
    last = [layer for layer in info["layers"] if layer["kind"] == "Dense"][-1]
    if (last["kernel_penalty"] or 0.0) != 0.0 or last["bias_regularized"] or last["activity_regularized"]:
        raise KnownMistake(Mistakes.output_layer_penalised,
                           _("the output layer should carry no penalty; regularise the two hidden layers only"))


def _random_ratio():
    return float(rng.uniform(0.002, 0.02))


@graded("build_l1_model", points=1)
def test_l1_model_architecture(student):
    """build_l1_model is Dense(128, relu) -> Dense(128, relu) -> Dense(1, sigmoid)"""
    _check_architecture(student, "build_l1_model")


@graded("build_l1_model", points=1)
def test_l1_model_penalises_hidden_kernels(student):
    """both hidden layers are charged ratio * sum |w| of their kernels"""
    _check_hidden_penalty(student, "build_l1_model", "l1", _random_ratio())


@graded("build_l1_model", points=1)
def test_l1_model_default_ratio(student):
    """without a ratio, build_l1_model uses 0.001"""
    _check_hidden_penalty(student, "build_l1_model", "l1")


@graded("build_l1_model", points=1)
def test_l1_model_leaves_the_output_layer_free(student):
    """the output layer of build_l1_model carries no penalty"""
    _check_output_free(student, "build_l1_model")


@graded("build_l2_model", points=1)
def test_l2_model_architecture(student):
    """build_l2_model is Dense(128, relu) -> Dense(128, relu) -> Dense(1, sigmoid)"""
    _check_architecture(student, "build_l2_model")


@graded("build_l2_model", points=1)
def test_l2_model_penalises_hidden_kernels(student):
    """both hidden layers are charged ratio * sum w² of their kernels (no ½)"""
    _check_hidden_penalty(student, "build_l2_model", "l2", _random_ratio())


@graded("build_l2_model", points=1)
def test_l2_model_default_ratio(student):
    """without a ratio, build_l2_model uses 0.001"""
    _check_hidden_penalty(student, "build_l2_model", "l2")


@graded("build_l2_model", points=1)
def test_l2_model_leaves_the_output_layer_free(student):
    """the output layer of build_l2_model carries no penalty"""
    _check_output_free(student, "build_l2_model")
