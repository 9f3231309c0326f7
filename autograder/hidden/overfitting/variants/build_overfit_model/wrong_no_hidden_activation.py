# expect: hidden_layer_without_activation
def build_overfit_model(input_dim):
    model = keras.Sequential([keras.Input((input_dim,))])
    for _ in range(4):
        model.add(keras.layers.Dense(128))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    return model
