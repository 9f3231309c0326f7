# expect: dropout_rate_ignored
def build_dropout_model(input_dim, rate=0.3):
    model = keras.Sequential()
    model.add(keras.Input((input_dim,)))
    model.add(keras.layers.Dense(128, activation="relu"))
    model.add(keras.layers.Dense(128, activation="relu"))
    model.add(keras.layers.Dropout(0.3))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    return model
