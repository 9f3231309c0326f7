"""Trusted helpers that the tests call on objects living in the sandbox.

A Keras model cannot cross to the grader as an object, so the tests ask
questions about it and get plain data back.  Probes judge behaviour, not
spelling: an activation is recognised by what it computes, a regulariser by
the penalty it adds, whichever Keras class or hand-written callable produced
it.  Nothing here decides a score; the grader compares the answers.

The student's process could rewrite anything in it, these helpers included, so
the model probes do not run there.  The student's process hands the model over
as data (export_model: Keras's own serialised config and the weights); a judge
process forked from the warm worker, which never ran student code, rebuilds it
with safe_mode and answers (judge).  A model that cannot be rebuilt that way
(a Lambda layer, a custom regulariser or layer: Python of the student's) is
probed where it lives, and the result says so for the instructor.
"""
from __future__ import annotations

import hashlib
import json

import numpy as np

_ACT_GRID = np.array([[-3.0, -1.0, -0.25, 0.0, 0.25, 1.0, 3.0]], dtype="float32")


def _keras():
    import keras  # imported lazily: NumPy-only assignments never pay for it

    return keras


def _as_numpy(x):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x, dtype="float64")


def classify_activation(fn) -> str:
    """Name what fn computes on a small grid: relu, sigmoid, tanh, softmax, linear or other."""
    if fn is None:
        return "linear"
    try:
        y = _as_numpy(fn(_keras().ops.convert_to_tensor(_ACT_GRID)))
    except Exception:  # noqa: BLE001
        return "other"
    g = _ACT_GRID.astype("float64")
    candidates = {
        "linear": g,
        "relu": np.maximum(g, 0),
        "sigmoid": 1 / (1 + np.exp(-g)),
        "tanh": np.tanh(g),
        "softmax": np.exp(g) / np.exp(g).sum(axis=-1, keepdims=True),
    }
    for name, want in candidates.items():
        if y.shape == want.shape and np.allclose(y, want, atol=1e-4):
            return name
    return "other"


def _flat_layers(model):
    keras = _keras()
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _flat_layers(layer)
        elif type(layer).__name__ != "InputLayer":
            yield layer


def _ensure_built(model, input_dim):
    if not model.built or not getattr(model, "inputs", None) and input_dim:
        model(np.zeros((2, input_dim), dtype="float32"), training=False)


def _describe_layer(layer, seed):
    keras = _keras()
    kind = type(layer).__name__
    info = {"kind": kind, "name": str(layer.name)}
    if isinstance(layer, keras.layers.Dense):
        kernel = np.random.default_rng(seed).normal(size=tuple(layer.kernel.shape))
        reg = layer.kernel_regularizer
        info.update(
            units=int(layer.units),
            use_bias=bool(layer.use_bias),
            activation=classify_activation(layer.activation),
            kernel_shape=[int(n) for n in layer.kernel.shape],
            kernel_penalty=None if reg is None else float(_as_numpy(reg(keras.ops.convert_to_tensor(kernel, "float32")))),
            bias_regularized=layer.bias_regularizer is not None,
            activity_regularized=layer.activity_regularizer is not None,
        )
    elif isinstance(layer, keras.layers.Dropout):
        info["rate"] = float(layer.rate)
    elif isinstance(layer, keras.layers.BatchNormalization):
        info["axis"] = [int(a) for a in np.atleast_1d(layer.axis)]
    elif isinstance(layer, keras.layers.Activation):
        info["activation"] = classify_activation(layer.activation)
    elif kind in {"ReLU", "Softmax"} or hasattr(layer, "call") and not layer.weights:
        info["activation"] = classify_activation(lambda t: layer(t))
    return info


def probe_describe_model(model, input_dim, seed=0):
    """Layers in the order data flows through them (nested models flattened).

    Each Dense kernel_penalty is what its kernel regulariser charges for a
    normal(0, 1) kernel drawn with numpy's default_rng(seed + layer index),
    so the grader can compute the expected penalty itself.
    """
    keras = _keras()
    if not isinstance(model, keras.Model):  # English here, where no catalogue is: student.in_words translates it
        raise TypeError(f"expected a Keras model, got {type(model).__name__}")
    _ensure_built(model, input_dim)
    layers = [_describe_layer(layer, seed + i) for i, layer in enumerate(_flat_layers(model))]
    out_shape = tuple(model(np.zeros((3, input_dim), dtype="float32"), training=False).shape)
    return {
        "class": type(model).__name__,
        "params": int(model.count_params()),
        "layers": layers,
        "output_shape": [int(n) for n in out_shape],
        "compiled": bool(getattr(model, "compiled", False) or getattr(model, "optimizer", None) is not None),
    }


def probe_predict(model, x, training=False):
    """The model's output for x as float64, in training or inference mode."""
    return _as_numpy(model(np.asarray(x, dtype="float32"), training=bool(training)))


def probe_regularization_loss(model, input_dim, seed=0):
    """Set every Dense kernel to normal(0, 1) values from default_rng(seed + i),
    run one training-mode forward pass and return the sum of model.losses.

    This catches a penalty however it was attached: kernel_regularizer,
    add_loss, or a custom layer."""
    keras = _keras()
    _ensure_built(model, input_dim)
    for i, layer in enumerate(_flat_layers(model)):
        if isinstance(layer, keras.layers.Dense):
            layer.kernel.assign(np.random.default_rng(seed + i).normal(size=tuple(layer.kernel.shape)).astype("float32"))
    model(np.zeros((4, input_dim), dtype="float32"), training=True)
    return float(sum(_as_numpy(loss) for loss in model.losses)) if model.losses else 0.0


MODEL_PROBES = {"describe_model": probe_describe_model, "predict": probe_predict,
                "regularization_loss": probe_regularization_loss}


class NeedsStudentCode(Exception):
    """The model cannot be rebuilt from Keras's own classes alone."""


def probe_export_model(model, input_dim=None):
    """In the student's process: the model as data, Keras's serialised config and its weights."""
    keras = _keras()
    if not isinstance(model, keras.Model):  # as in probe_describe_model
        raise TypeError(f"expected a Keras model, got {type(model).__name__}")
    if input_dim:
        _ensure_built(model, input_dim)
    return {"config": json.dumps(keras.saving.serialize_keras_object(model)),
            "weights": [np.asarray(w) for w in model.get_weights()]}


def _only_keras(config):
    """Refuse before deserialising: every class must be one of Keras's own."""
    if isinstance(config, dict):
        module = config.get("module")
        if module is not None and not (module == "keras" or str(module).startswith("keras.")):
            raise NeedsStudentCode(f"{config.get('class_name', 'an object')} from module {module!r}")
        if config.get("registered_name") not in (None, config.get("class_name")):
            raise NeedsStudentCode(f"a custom {config.get('class_name', 'object')} ({config['registered_name']})")
        if config.get("class_name") in ("__lambda__", "function"):
            raise NeedsStudentCode("a Python function of the student's")
        for value in config.values():
            _only_keras(value)
    elif isinstance(config, list):
        for value in config:
            _only_keras(value)


_REBUILT: dict = {}


def rebuild(data):
    """A model from exported data, with Keras's classes only (safe_mode), cached by its config."""
    keras = _keras()
    config = data["config"]
    key = hashlib.sha256(config.encode()).hexdigest()
    model = _REBUILT.get(key)
    if model is None:
        parsed = json.loads(config)
        _only_keras(parsed)
        try:
            model = keras.saving.deserialize_keras_object(parsed, safe_mode=True)
        except Exception as exc:  # noqa: BLE001 - unknown classes, lambdas: what safe_mode refuses
            raise NeedsStudentCode(f"{type(exc).__name__}: {str(exc)[:300]}") from None
        if not isinstance(model, keras.Model):
            raise NeedsStudentCode(f"the data describes a {type(model).__name__}, not a Keras model")
        _REBUILT[key] = model
    model.set_weights([np.asarray(w) for w in data["weights"]])  # every probe starts from the student's weights
    return model


def forget_models():
    """Before the judge serves another submission: no model of the last one is reused."""
    _REBUILT.clear()


def judge(probe, data, *args, **kwargs):
    """In the judge process: answer a model probe on the model rebuilt from data."""
    return MODEL_PROBES[probe](rebuild(data), *args, **kwargs)


def probe_activation(name):
    """A trusted activation the tests can hand to student code, e.g. forward_activations."""
    table = {"identity": lambda z: z, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0),
             "double": lambda z: 2.0 * z}
    return table[name]


class _Held(np.ndarray):
    """An array that stays in the sandbox.  The wire format sends only exact
    ndarrays as data, so this subclass crosses as a handle: a test can hand it
    to student code and read it back afterwards to see whether it changed."""


def probe_held_array(x):
    return np.array(x, dtype="float64").view(_Held)


def probe_values(x):
    """Plain float64 data of an array living in the sandbox (a held array, or a result that is one)."""
    return np.array(x, dtype="float64")


def probe_seed_numpy(seed):
    """np.random.seed in the student's process, to test that a result is reproducible."""
    np.random.seed(int(seed))


# Targets for uat_weights: Lipschitz with constant <= 1 on any interval.  The
# grader evaluates them from this table in its own process, never in the sandbox.
TARGETS = {
    "sin": np.sin,
    "cos": np.cos,
    "abs_shifted": lambda x: np.abs(np.asarray(x, dtype="float64") - 0.3) - 0.5,
    "scaled_sin": lambda x: 0.9 * np.sin(1.1 * np.asarray(x, dtype="float64")) + 0.4,
    "ramp": lambda x: 0.5 * np.asarray(x, dtype="float64") + 1.0,
    "gauss": lambda x: np.exp(-np.asarray(x, dtype="float64") ** 2),
}


def probe_target(name):
    """A trusted target function to hand to student code, e.g. uat_weights."""
    return TARGETS[name]


# -- tampering ---------------------------------------------------------------
# Names a student might patch to fool a test.  Patching them changes no score
# (the tests judge plain data in the grader), but the instructor should know.
_WATCHED = {
    "numpy": ["allclose", "array_equal", "isclose", "testing", "maximum", "exp", "mean", "std", "var", "sum",
              "abs", "ndarray", "asarray", "array", "random"],
    "numpy.random": ["normal", "randn", "seed", "default_rng", "rand", "random"],
    "builtins": ["isinstance", "len", "abs", "sum", "print", "open", "__import__", "type", "float", "int",
                 "round", "max", "min"],
    "os": ["_exit", "fork", "kill", "system"],
    "sys": ["exit", "modules", "stdout"],
}
_baseline: dict = {}


def _watched_values():
    import importlib

    values = {}
    for module_name, names in _WATCHED.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in names:
            if hasattr(module, name):
                values[f"{module_name}.{name}"] = id(getattr(module, name))
    return values


def snapshot_integrity():
    """Remember the watched objects before any student code runs."""
    _baseline.clear()
    _baseline.update(_watched_values())


def probe_integrity():
    """Watched names whose object was replaced since the snapshot."""
    now = _watched_values()
    return sorted(k for k, v in _baseline.items() if now.get(k) != v and k not in ("sys.stdout",))
