# expect: l2_model_uses_l1
def build_l2_model(input_dim, ratio=0.001):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.l1(ratio)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.l1(ratio)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
