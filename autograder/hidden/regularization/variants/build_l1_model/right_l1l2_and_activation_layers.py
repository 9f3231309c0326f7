def build_l1_model(input_dim, ratio=0.001):
    model = keras.Sequential([keras.Input((input_dim,))])
    for _ in range(2):
        model.add(keras.layers.Dense(128, kernel_regularizer=keras.regularizers.L1L2(l1=ratio, l2=0.0)))
        model.add(keras.layers.Activation("relu"))
    model.add(keras.layers.Dense(1))
    model.add(keras.layers.Activation("sigmoid"))
    return model
