def build_l1_model(input_dim, ratio=0.001):
    inputs = keras.Input(shape=(input_dim,))
    x = keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.l1(ratio))(inputs)
    x = keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.l1(ratio))(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)
