# expect: too_few_parameters
def build_overfit_model(input_dim):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
