"""Wrong and right solutions for the dropout assignment, as students write them."""

WRONG = {
    "dropout_forward": {
        "mask_not_rescaled": {
            "mistake": "dropout_not_rescaled",
            "code": '''def dropout_forward(x, rate, training=True):
    if not training:
        return x
    mask = np.random.rand(*x.shape) > rate
    return x * mask
''',
        },
        "ignores_training_flag": {
            "mistake": "dropout_at_test_time",
            "code": '''def dropout_forward(x, rate, training=True):
    mask = np.random.binomial(1, 1 - rate, size=x.shape)
    return x * mask / (1 - rate)
''',
        },
        "keeps_with_probability_rate": {
            "mistake": "dropout_keeps_with_prob_rate",
            "code": '''def dropout_forward(x, rate, training=True):
    if training:
        mask = np.random.random(x.shape) < rate
        return x * mask / (1 - rate)
    return x
''',
        },
        "old_style_scaling_at_test_time": {
            "mistake": "dropout_scaled_at_test_time",
            "code": '''def dropout_forward(x, rate, training=True):
    if training:
        return x * (np.random.rand(*x.shape) >= rate)
    return x * (1 - rate)
''',
        },
        "zeroes_in_place": {
            "mistake": "dropout_modifies_input",
            "code": '''def dropout_forward(x, rate, training=True):
    if not training:
        return x
    drop = np.random.rand(*x.shape) < rate
    x[drop] = 0
    x /= 1 - rate
    return x
''',
        },
        "seeded_inside": {
            "mistake": "dropout_reuses_mask",
            "code": '''def dropout_forward(x, rate, training=True):
    if not training:
        return x
    rng = np.random.default_rng(0)
    keep = rng.random(x.shape) >= rate
    return x * keep / (1 - rate)
''',
        },
    },
    "build_dropout_model": {
        "dropout_after_output": {
            "mistake": "dropout_after_output",
            "code": '''def build_dropout_model(input_dim, rate=0.3):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
        keras.layers.Dropout(rate),
    ])
''',
        },
        "rate_hard_coded": {
            "mistake": "dropout_rate_ignored",
            "code": '''def build_dropout_model(input_dim, rate=0.3):
    model = keras.Sequential()
    model.add(keras.Input((input_dim,)))
    model.add(keras.layers.Dense(128, activation="relu"))
    model.add(keras.layers.Dense(128, activation="relu"))
    model.add(keras.layers.Dropout(0.3))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    return model
''',
        },
        "dropout_in_a_lambda": {
            "mistake": "dropout_at_test_time",
            "code": '''def build_dropout_model(input_dim, rate=0.3):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Lambda(lambda h: tf.nn.dropout(h, rate=rate)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
        "dropout_only_after_first_hidden": {
            "mistake": None,
            "code": '''def build_dropout_model(input_dim, rate=0.3):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(rate),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
        "narrow_hidden_layers": {
            "mistake": None,
            "code": '''def build_dropout_model(input_dim, rate=0.3):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dropout(rate),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        },
    },
}

RIGHT = {
    "dropout_forward": {
        "binomial_mask": '''def dropout_forward(x, rate, training=True):
    if training:
        mask = np.random.binomial(1, 1 - rate, size=x.shape)
        return x * mask / (1 - rate)
    return x
''',
        "generator_and_copy": '''def dropout_forward(x, rate, training=True):
    if not training:
        return x.copy()
    keep_prob = 1.0 - rate
    keep = np.random.default_rng().uniform(size=x.shape) < keep_prob
    return x * keep / keep_prob
''',
        "scale_then_mask": '''def dropout_forward(x, rate, training=True):
    out = np.array(x, dtype=float)
    if training:
        out = out / (1 - rate)
        out[np.random.rand(*out.shape) < rate] = 0.0
    return out
''',
    },
    "build_dropout_model": {
        "single_dropout": '''def build_dropout_model(input_dim, rate=0.3):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(rate),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
        "functional_with_activation_layers": '''def build_dropout_model(input_dim, rate=0.3):
    inputs = keras.Input(shape=(input_dim,))
    h = inputs
    for _ in range(2):
        h = keras.layers.Dense(128)(h)
        h = keras.layers.Activation("relu")(h)
        h = keras.layers.Dropout(rate)(h)
    outputs = keras.layers.Dense(1, activation="sigmoid")(h)
    return keras.Model(inputs, outputs)
''',
        "compiled_with_add": '''def build_dropout_model(input_dim, rate=0.3):
    model = keras.Sequential()
    model.add(keras.Input((input_dim,)))
    model.add(keras.layers.Dense(128, activation="relu"))
    model.add(keras.layers.Dropout(rate))
    model.add(keras.layers.Dense(128, activation="relu"))
    model.add(keras.layers.Dropout(rate))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
''',
    },
}

# Written answers the sample class gives: one sound, one weak (a grader decides their points).
ANSWERS = {
    "answer_dropout_at_test_time": {
        "sound": """\
With dropout on, every prediction would drop a random half of the units, so the same input
would give different outputs and each would be noisier. Inverted dropout already divides the
kept activations by the keep probability while training, so their expected value is what the
full network gives at test time, and nothing needs rescaling.
""",
        "weak": """\
Dropout is only needed for training so it can be turned off to save time.
""",
    },
}
