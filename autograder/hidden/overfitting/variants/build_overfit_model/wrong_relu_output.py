# expect: output_not_sigmoid
def build_overfit_model(input_dim):
    layers = [keras.Input((input_dim,))]
    layers += [keras.layers.Dense(128, activation="relu") for _ in range(4)]
    layers.append(keras.layers.Dense(1, activation="relu"))
    return keras.Sequential(layers)
