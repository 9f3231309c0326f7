def build_l2_model(input_dim, ratio=0.001):
    model = keras.Sequential([keras.Input((input_dim,))])
    for _ in range(2):
        model.add(keras.layers.Dense(128, kernel_regularizer=keras.regularizers.l2(ratio)))
        model.add(keras.layers.ReLU())
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    return model
