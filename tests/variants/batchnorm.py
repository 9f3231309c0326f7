"""Wrong and right solutions for the batchnorm assignment, as students write them."""

WRONG = {
    "batchnorm_forward": {
        "sample_variance": {
            "mistake": "batchnorm_unbiased_variance",
            "code": '''def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mean = np.mean(x, axis=0)
    var = np.var(x, axis=0, ddof=1)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
''',
        },
        "normalises_each_row": {
            "mistake": "batchnorm_wrong_axis",
            "code": '''def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma * x_hat + beta
''',
        },
        "eps_after_sqrt": {
            "mistake": "batchnorm_eps_outside_sqrt",
            "code": '''def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    std = x.std(axis=0)
    return gamma * (x - mu) / (std + eps) + beta
''',
        },
        "no_eps": {
            "mistake": "batchnorm_without_eps",
            "code": '''def batchnorm_forward(x, gamma, beta, eps=1e-5):
    x_hat = (x - x.mean(axis=0)) / x.std(axis=0)
    return gamma * x_hat + beta
''',
        },
        "divides_by_variance": {
            "mistake": "batchnorm_divides_by_variance",
            "code": '''def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    return gamma * (x - mean) / (var + eps) + beta
''',
        },
        "fixed_eps": {
            "mistake": "batchnorm_ignores_eps",
            "code": '''def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    return gamma * (x - mean) / np.sqrt(var + 1e-5) + beta
''',
        },
        "centres_in_place": {
            "mistake": "batchnorm_modifies_input",
            "code": '''def batchnorm_forward(x, gamma, beta, eps=1e-5):
    var = x.var(axis=0)
    x -= x.mean(axis=0)
    x /= np.sqrt(var + eps)
    return gamma * x + beta
''',
        },
    },
    "build_bn_model": {
        "bn_after_relu": {
            "mistake": "bn_after_activation",
            "code": '''def build_bn_model(input_dim, num_classes):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(num_classes, activation="softmax"),
    ])
''',
        },
        "bn_after_activation_layer": {
            "mistake": "bn_after_activation",
            "code": '''def build_bn_model(input_dim, num_classes):
    model = keras.Sequential([keras.Input((input_dim,))])
    for units in [256, 128, 64]:
        model.add(keras.layers.Dense(units))
        model.add(keras.layers.Activation("relu"))
        model.add(keras.layers.BatchNormalization())
    model.add(keras.layers.Dense(num_classes, activation="softmax"))
    return model
''',
        },
        "no_batch_norm": {
            "mistake": None,
            "code": '''def build_bn_model(input_dim, num_classes):
    return build_basic_model(input_dim, num_classes)
''',
        },
        "only_first_layer_normalised": {
            "mistake": None,
            "code": '''def build_bn_model(input_dim, num_classes):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(256),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(num_classes, activation="softmax"),
    ])
''',
        },
        "relu_forgotten": {
            "mistake": None,
            "code": '''def build_bn_model(input_dim, num_classes):
    model = keras.Sequential([keras.Input((input_dim,))])
    for units in (256, 128, 64):
        model.add(keras.layers.Dense(units))
        model.add(keras.layers.BatchNormalization())
    model.add(keras.layers.Dense(num_classes, activation="softmax"))
    return model
''',
        },
    },
}

RIGHT = {
    "batchnorm_forward": {
        "keepdims_and_std": '''def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = np.mean(x, axis=0, keepdims=True)
    sigma = np.sqrt(np.mean((x - mu) ** 2, axis=0, keepdims=True) + eps)
    x_hat = (x - mu) / sigma
    return x_hat * gamma + beta
''',
        "sums_by_hand": '''def batchnorm_forward(x, gamma, beta, eps=1e-5):
    m = x.shape[0]
    mean = x.sum(axis=0) / m
    centred = x - mean
    var = (centred ** 2).sum(axis=0) / m
    inv_std = 1.0 / np.sqrt(var + eps)
    return gamma * centred * inv_std + beta
''',
        "column_loop": '''def batchnorm_forward(x, gamma, beta, eps=1e-5):
    out = np.empty_like(x, dtype=float)
    for j in range(x.shape[1]):
        col = x[:, j]
        out[:, j] = gamma[j] * (col - col.mean()) / np.sqrt(col.var() + eps) + beta[j]
    return out
''',
    },
    "build_bn_model": {
        "dense_with_bias_and_activation_layers": '''def build_bn_model(input_dim, num_classes):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(256),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
        keras.layers.Dense(128),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
        keras.layers.Dense(64),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
        keras.layers.Dense(num_classes, activation="softmax"),
    ])
''',
        "functional_relu_layers": '''def build_bn_model(input_dim, num_classes):
    inputs = keras.Input(shape=(input_dim,))
    h = inputs
    for units in (256, 128, 64):
        h = keras.layers.Dense(units, use_bias=False)(h)
        h = keras.layers.BatchNormalization()(h)
        h = keras.layers.ReLU()(h)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(h)
    return keras.Model(inputs=inputs, outputs=outputs)
''',
        "compiled_with_add": '''def build_bn_model(input_dim, num_classes):
    model = keras.Sequential()
    model.add(keras.Input((input_dim,)))
    for units in [256, 128, 64]:
        model.add(keras.layers.Dense(units, activation=None))
        model.add(keras.layers.BatchNormalization())
        model.add(keras.layers.Activation(keras.activations.relu))
    model.add(keras.layers.Dense(num_classes))
    model.add(keras.layers.Activation("softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
''',
    },
}

# Written answers the sample class gives: one sound, one weak (a grader decides their points).
ANSWERS = {
    "answer_bn_placement": {
        "sound": """\
Normalising before the activation hands ReLU inputs centred on zero with unit spread, so about
half of each unit's inputs are active whatever the scale of the weights. The Dense layer then
needs no bias: batch normalisation subtracts the mean and adds its own shift, beta.
""",
        "weak": """\
It does not matter much where it goes, it normalises the numbers either way.
""",
    },
}
