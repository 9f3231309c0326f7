"""Reading a model's layers from the describe_model probe, for the suites that grade Keras models.

Both helpers read behaviour, not spelling: an activation set inside Dense and
one in a separate Activation or ReLU layer come out the same.
"""
from autograder.hidden import N_, Mistake, MistakeTable, _


class KerasMistakes(MistakeTable):
    """Mistakes any suite that grades a Keras model can name."""

    output_not_sigmoid = Mistake(
        N_("Your output layer does not give a probability"),
        N_("For a yes-or-no task trained with binary cross-entropy, the output layer is one unit with a sigmoid, "
           "so its output lies between 0 and 1."))


def read_steps(description):
    """The model as the steps data flows through: ("dense", units), ("act", name),
    ("dropout", rate), ("bn", None) or ("other", kind).  An activation inside a Dense
    becomes a step of its own, so Dense(64, activation="relu") and Dense(64) followed
    by Activation("relu") or ReLU() read the same."""
    steps = []
    for layer in description["layers"]:
        if "units" in layer:
            steps.append(("dense", layer["units"]))
        elif "rate" in layer:
            steps.append(("dropout", layer["rate"]))
        elif "axis" in layer:
            # normalising over the last axis is normalising each feature
            per_feature = layer["axis"] in ([-1], [1])
            steps.append(("bn", None) if per_feature else ("other", f"BatchNormalization(axis={layer['axis']})"))
        elif layer.get("activation", "other") == "other":
            steps.append(("other", layer["kind"]))
            continue
        if layer.get("activation", "linear") != "linear":
            steps.append(("act", layer["activation"]))
    return steps


def show_steps(steps):
    """Steps as a student reads them: Dense(128) -> relu -> Dropout(0.3) -> ..."""
    names = {"dense": "Dense({})", "act": "{}", "dropout": "Dropout({:g})", "bn": "BatchNormalization", "other": "{}"}
    return " -> ".join(names[kind].format(_("unknown activation") if value == "other" else value)
                       for kind, value in steps)


def dense_activations(layers):
    """The activation each Dense layer's output goes through, whether set in the
    Dense layer itself or by an activation layer right after it."""
    found = []
    for i, layer in enumerate(layers):
        if layer["kind"] != "Dense":
            continue
        act = layer["activation"]
        for nxt in layers[i + 1:]:
            if act != "linear" or nxt["kind"] == "Dense":
                break
            act = nxt.get("activation", act)
        found.append(act)
    return found
