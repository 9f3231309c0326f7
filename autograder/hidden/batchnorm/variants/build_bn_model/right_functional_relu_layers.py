def build_bn_model(input_dim, num_classes):
    inputs = keras.Input(shape=(input_dim,))
    h = inputs
    for units in (256, 128, 64):
        h = keras.layers.Dense(units, use_bias=False)(h)
        h = keras.layers.BatchNormalization()(h)
        h = keras.layers.ReLU()(h)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(h)
    return keras.Model(inputs=inputs, outputs=outputs)
