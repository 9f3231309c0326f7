"""Wrong and right solutions for the overfitting assignment, as students write them."""

WRONG = {
    "polynomial_errors": {
        "root_mean_squared": {
            "mistake": "rmse_not_mse",
            "code": '''def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    errors = []
    for d in degrees:
        coefs = np.polyfit(x_train, y_train, d)
        train = np.sqrt(np.mean((np.polyval(coefs, x_train) - y_train) ** 2))
        val = np.sqrt(np.mean((np.polyval(coefs, x_val) - y_val) ** 2))
        errors.append((train, val))
    return errors
''',
        },
        "sum_of_squares": {
            "mistake": "sum_not_mean",
            "code": '''def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    errors = []
    for d in degrees:
        coefs = np.polyfit(x_train, y_train, d)
        errors.append((np.sum((np.polyval(coefs, x_train) - y_train) ** 2),
                       np.sum((np.polyval(coefs, x_val) - y_val) ** 2)))
    return errors
''',
        },
        "pairs_swapped": {
            "mistake": "swapped_train_val",
            "code": '''def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    result = []
    for d in degrees:
        p = np.polynomial.Polynomial.fit(x_train, y_train, d)
        result.append((np.mean((p(x_val) - y_val) ** 2), np.mean((p(x_train) - y_train) ** 2)))
    return result
''',
        },
        "fitted_on_validation": {
            "mistake": "fitted_on_validation",
            "code": '''def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    errors = []
    for d in degrees:
        coefs = np.polyfit(x_val, y_val, d)
        errors.append((np.mean((np.polyval(coefs, x_train) - y_train) ** 2),
                       np.mean((np.polyval(coefs, x_val) - y_val) ** 2)))
    return errors
''',
        },
        "vander_one_column_short": {
            "mistake": "degree_off_by_one",
            "code": '''def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    errors = []
    for d in degrees:
        w = np.linalg.lstsq(np.vander(x_train, d), y_train, rcond=None)[0]
        errors.append((np.mean((np.vander(x_train, d) @ w - y_train) ** 2),
                       np.mean((np.vander(x_val, d) @ w - y_val) ** 2)))
    return errors
''',
        },
        "fitted_on_everything": {
            "mistake": None,
            "code": '''def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    x_all = np.concatenate([x_train, x_val])
    y_all = np.concatenate([y_train, y_val])
    errors = []
    for d in degrees:
        coefs = np.polyfit(x_all, y_all, d)
        errors.append((np.mean((np.polyval(coefs, x_train) - y_train) ** 2),
                       np.mean((np.polyval(coefs, x_val) - y_val) ** 2)))
    return errors
''',
        },
    },
    "best_epoch": {
        "zero_based": {
            "mistake": "counted_from_zero",
            "code": '''def best_epoch(val_losses):
    return int(np.argmin(val_losses))
''',
        },
        "latest_tie": {
            "mistake": "tie_goes_to_latest",
            "code": '''def best_epoch(val_losses):
    best, best_loss = 0, float("inf")
    for epoch, loss in enumerate(val_losses, start=1):
        if loss <= best_loss:
            best, best_loss = epoch, loss
    return best
''',
        },
        "highest_loss": {
            "mistake": "picked_highest_loss",
            "code": '''def best_epoch(val_losses):
    return int(np.argmax(val_losses)) + 1
''',
        },
        "returns_the_loss": {
            "mistake": "returned_the_loss",
            "code": '''def best_epoch(val_losses):
    return min(val_losses)
''',
        },
        "list_only": {
            "mistake": None,
            "code": '''def best_epoch(val_losses):
    return val_losses.index(min(val_losses)) + 1
''',
        },
    },
    "build_overfit_model": {
        "three_hidden_layers": {
            "mistake": "too_few_hidden_layers",
            "code": '''def build_overfit_model(input_dim):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
        "no_hidden_activation": {
            "mistake": "hidden_layer_without_activation",
            "code": '''def build_overfit_model(input_dim):
    model = keras.Sequential([keras.Input((input_dim,))])
    for _ in range(4):
        model.add(keras.layers.Dense(128))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    return model
''',
        },
        "too_narrow": {
            "mistake": "too_few_parameters",
            "code": '''def build_overfit_model(input_dim):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
        "relu_output": {
            "mistake": "output_not_sigmoid",
            "code": '''def build_overfit_model(input_dim):
    layers = [keras.Input((input_dim,))]
    layers += [keras.layers.Dense(128, activation="relu") for _ in range(4)]
    layers.append(keras.layers.Dense(1, activation="relu"))
    return keras.Sequential(layers)
''',
        },
        "fixed_input_size": {
            "mistake": None,
            "code": '''def build_overfit_model(input_dim):
    return keras.Sequential([
        keras.Input((50,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
    },
}

RIGHT = {
    "polynomial_errors": {
        "polyfit": '''def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    errors = []
    for d in degrees:
        coefs = np.polyfit(x_train, y_train, d)
        train_mse = np.mean((np.polyval(coefs, x_train) - y_train) ** 2)
        val_mse = np.mean((np.polyval(coefs, x_val) - y_val) ** 2)
        errors.append((train_mse, val_mse))
    return errors
''',
        "lstsq": '''def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    def mse(w, x, y):
        return float(((np.vander(x, len(w)) @ w - y) ** 2).mean())

    out = []
    for d in degrees:
        w, *_ = np.linalg.lstsq(np.vander(x_train, d + 1), y_train, rcond=None)
        out.append((mse(w, x_train, y_train), mse(w, x_val, y_val)))
    return out
''',
    },
    "best_epoch": {
        "numpy_integer": '''def best_epoch(val_losses):
    return np.argmin(np.asarray(val_losses)) + 1
''',
        "min_over_range": '''def best_epoch(val_losses):
    losses = list(val_losses)
    return min(range(len(losses)), key=lambda i: losses[i]) + 1
''',
        "loop": '''def best_epoch(val_losses):
    best = 1
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < val_losses[best - 1]:
            best = epoch
    return best
''',
    },
    "build_overfit_model": {
        "functional_with_activation_layers": '''def build_overfit_model(input_dim):
    inputs = keras.Input(shape=(input_dim,))
    x = inputs
    for units in (256, 256, 128, 64):
        x = keras.layers.Dense(units)(x)
        x = keras.layers.Activation("relu")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)
''',
        "relu_layers_and_compiled": '''def build_overfit_model(input_dim):
    model = keras.Sequential([keras.Input((input_dim,))])
    for _ in range(5):
        model.add(keras.layers.Dense(200))
        model.add(keras.layers.ReLU())
    model.add(keras.layers.Dense(1))
    model.add(keras.layers.Activation("sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model
''',
    },
}

# Written answers the sample class gives: one sound, one weak (a grader decides their points).
ANSWERS = {
    "answer_generalisation": {
        "sound": """\
The basic network generalises best: its validation loss keeps falling with the training loss
and its best epoch comes late. The large network's best epoch is within the first few, after
which it memorises the noisy labels: low bias but high variance.
""",
        "weak": """\
The large network is better because its training loss is the lowest.
""",
    },
}
