def build_overfit_model(input_dim):
    inputs = keras.Input(shape=(input_dim,))
    x = inputs
    for units in (256, 256, 128, 64):
        x = keras.layers.Dense(units)(x)
        x = keras.layers.Activation("relu")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)
