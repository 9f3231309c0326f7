def build_l2_model(input_dim, ratio=0.01):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L2(ratio)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L2(ratio)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
