"""Wrong and right solutions for the regularization assignment, as students write them."""

WRONG = {
    "l1_penalty": {
        "no_abs": {
            "mistake": "missing_abs",
            "code": '''def l1_penalty(weights, lam):
    return lam * sum(np.sum(w) for w in weights)
''',
        },
        "mean": {
            "mistake": "mean_not_sum",
            "code": '''def l1_penalty(weights, lam):
    flat = np.concatenate([w.ravel() for w in weights])
    return lam * np.mean(np.abs(flat))
''',
        },
        "first_array_only": {
            "mistake": "only_first_array",
            "code": '''def l1_penalty(weights, lam):
    for w in weights:
        return lam * np.sum(np.abs(w))
''',
        },
        "squares": {
            "mistake": "squared_not_abs",
            "code": '''def l1_penalty(weights, lam):
    return lam * sum(np.sum(w ** 2) for w in weights)
''',
        },
        "forgot_lambda": {
            "mistake": "lambda_missing",
            "code": '''def l1_penalty(weights, lam):
    total = 0.0
    for w in weights:
        total += np.abs(w).sum()
    return total
''',
        },
        "one_number_per_array": {
            "mistake": None,
            "code": '''def l1_penalty(weights, lam):
    return [lam * np.sum(np.abs(w)) for w in weights]
''',
        },
    },
    "l2_penalty": {
        "half_factor": {
            "mistake": "l2_half_factor",
            "code": '''def l2_penalty(weights, lam):
    return 0.5 * lam * sum(np.sum(w ** 2) for w in weights)
''',
        },
        "tf_l2_loss": {
            "mistake": "l2_half_factor",
            "code": '''def l2_penalty(weights, lam):
    return lam * float(sum(tf.nn.l2_loss(w) for w in weights))
''',
        },
        "sum_of_norms": {
            "mistake": "norm_not_squared",
            "code": '''def l2_penalty(weights, lam):
    return lam * sum(np.linalg.norm(w) for w in weights)
''',
        },
        "absolute_values": {
            "mistake": "abs_not_square",
            "code": '''def l2_penalty(weights, lam):
    return lam * sum(np.abs(w).sum() for w in weights)
''',
        },
        "mean": {
            "mistake": "mean_not_sum",
            "code": '''def l2_penalty(weights, lam):
    return lam * np.mean(np.concatenate([np.ravel(w) ** 2 for w in weights]))
''',
        },
    },
    "build_l1_model": {
        "l2_regulariser": {
            "mistake": "l1_model_uses_l2",
            "code": '''def build_l1_model(input_dim, ratio=0.001):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L2(ratio)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L2(ratio)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
        "output_penalised_too": {
            "mistake": "output_layer_penalised",
            "code": '''def build_l1_model(input_dim, ratio=0.001):
    reg = keras.regularizers.L1(ratio)
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=reg),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=reg),
        keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=reg),
    ])
''',
        },
        "first_layer_only": {
            "mistake": "hidden_layer_not_penalised",
            "code": '''def build_l1_model(input_dim, ratio=0.001):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L1(ratio)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
        "hard_coded_ratio": {
            "mistake": "ratio_ignored",
            "code": '''def build_l1_model(input_dim, ratio=0.001):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L1(0.001)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L1(0.001)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
        "activity_regulariser": {
            "mistake": "activity_not_kernel",
            "code": '''def build_l1_model(input_dim, ratio=0.001):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", activity_regularizer=keras.regularizers.L1(ratio)),
        keras.layers.Dense(128, activation="relu", activity_regularizer=keras.regularizers.L1(ratio)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
        "narrow_layers": {
            "mistake": None,
            "code": '''def build_l1_model(input_dim, ratio=0.001):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(64, activation="relu", kernel_regularizer=keras.regularizers.L1(ratio)),
        keras.layers.Dense(64, activation="relu", kernel_regularizer=keras.regularizers.L1(ratio)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
    },
    "build_l2_model": {
        "l1_regulariser": {
            "mistake": "l2_model_uses_l1",
            "code": '''def build_l2_model(input_dim, ratio=0.001):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.l1(ratio)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.l1(ratio)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
        "half_factor": {
            "mistake": "l2_half_factor",
            "code": '''def build_l2_model(input_dim, ratio=0.001):
    def penalty(w):
        return ratio * tf.nn.l2_loss(w)

    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
        "output_penalised_too": {
            "mistake": "output_layer_penalised",
            "code": '''def build_l2_model(input_dim, ratio=0.001):
    model = keras.Sequential([keras.Input((input_dim,))])
    for units, act in [(128, "relu"), (128, "relu"), (1, "sigmoid")]:
        model.add(keras.layers.Dense(units, activation=act, kernel_regularizer=keras.regularizers.L2(ratio)))
    return model
''',
        },
        "tanh_hidden": {
            "mistake": "hidden_not_relu",
            "code": '''def build_l2_model(input_dim, ratio=0.001):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="tanh", kernel_regularizer=keras.regularizers.L2(ratio)),
        keras.layers.Dense(128, activation="tanh", kernel_regularizer=keras.regularizers.L2(ratio)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
        "wrong_default": {
            "mistake": None,
            "code": '''def build_l2_model(input_dim, ratio=0.01):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L2(ratio)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L2(ratio)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
    },
}

RIGHT = {
    "l1_penalty": {
        "concatenate": '''def l1_penalty(weights, lam):
    flat = np.concatenate([np.ravel(w) for w in weights])
    return lam * np.abs(flat).sum()
''',
        "loop": '''def l1_penalty(weights, lam):
    total = 0.0
    for w in weights:
        total += np.sum(np.abs(w))
    return lam * total
''',
    },
    "l2_penalty": {
        "vdot": '''def l2_penalty(weights, lam):
    return lam * sum(np.vdot(w, w) for w in weights)
''',
        "squared_norms": '''def l2_penalty(weights, lam):
    return lam * sum(np.linalg.norm(w) ** 2 for w in weights)
''',
    },
    "build_l1_model": {
        "functional_lowercase": '''def build_l1_model(input_dim, ratio=0.001):
    inputs = keras.Input(shape=(input_dim,))
    x = keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.l1(ratio))(inputs)
    x = keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.l1(ratio))(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)
''',
        "l1l2_and_activation_layers": '''def build_l1_model(input_dim, ratio=0.001):
    model = keras.Sequential([keras.Input((input_dim,))])
    for _ in range(2):
        model.add(keras.layers.Dense(128, kernel_regularizer=keras.regularizers.L1L2(l1=ratio, l2=0.0)))
        model.add(keras.layers.Activation("relu"))
    model.add(keras.layers.Dense(1))
    model.add(keras.layers.Activation("sigmoid"))
    return model
''',
        "hand_written_and_compiled": '''def build_l1_model(input_dim, ratio=0.001):
    def penalty(w):
        return ratio * keras.ops.sum(keras.ops.abs(w))

    model = keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model
''',
    },
    "build_l2_model": {
        "relu_layers": '''def build_l2_model(input_dim, ratio=0.001):
    model = keras.Sequential([keras.Input((input_dim,))])
    for _ in range(2):
        model.add(keras.layers.Dense(128, kernel_regularizer=keras.regularizers.l2(ratio)))
        model.add(keras.layers.ReLU())
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    return model
''',
        "hand_written": '''def build_l2_model(input_dim, ratio=0.001):
    def penalty(w):
        return ratio * tf.reduce_sum(tf.square(w))

    inputs = keras.Input((input_dim,))
    hidden = keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty)(inputs)
    hidden = keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty)(hidden)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
''',
    },
}

# Written answers the sample class gives: one sound, one weak (a grader decides their points).
ANSWERS = {
    "answer_l1_vs_l2": {
        "sound": """\
L1 when I expect only a few inputs to matter: it sets most weights to exactly zero, as the
histogram showed, which gives a sparse model that is easy to read. L2 when many small effects
add up: it shrinks every weight a little and removes none.
""",
        "weak": """\
L2 is always better because squares are smoother than absolute values.
""",
    },
}
