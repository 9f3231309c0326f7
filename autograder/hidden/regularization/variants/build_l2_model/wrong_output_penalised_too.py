# expect: output_layer_penalised
def build_l2_model(input_dim, ratio=0.001):
    model = keras.Sequential([keras.Input((input_dim,))])
    for units, act in [(128, "relu"), (128, "relu"), (1, "sigmoid")]:
        model.add(keras.layers.Dense(units, activation=act, kernel_regularizer=keras.regularizers.L2(ratio)))
    return model
