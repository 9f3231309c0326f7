# expect: too_few_hidden_layers
def build_overfit_model(input_dim):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
