def build_l1_model(input_dim, ratio=0.001):
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
