# expect: output_layer_penalised
def build_l1_model(input_dim, ratio=0.001):
    reg = keras.regularizers.L1(ratio)
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=reg),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=reg),
        keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=reg),
    ])
