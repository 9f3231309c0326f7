# expect: hidden_not_relu
def build_l2_model(input_dim, ratio=0.001):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="tanh", kernel_regularizer=keras.regularizers.L2(ratio)),
        keras.layers.Dense(128, activation="tanh", kernel_regularizer=keras.regularizers.L2(ratio)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
