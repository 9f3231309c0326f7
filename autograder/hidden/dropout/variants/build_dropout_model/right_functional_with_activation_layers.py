def build_dropout_model(input_dim, rate=0.3):
    inputs = keras.Input(shape=(input_dim,))
    h = inputs
    for _ in range(2):
        h = keras.layers.Dense(128)(h)
        h = keras.layers.Activation("relu")(h)
        h = keras.layers.Dropout(rate)(h)
    outputs = keras.layers.Dense(1, activation="sigmoid")(h)
    return keras.Model(inputs, outputs)
