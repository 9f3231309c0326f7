def build_dropout_model(input_dim, rate=0.3):
    model = keras.Sequential()
    model.add(keras.Input((input_dim,)))
    model.add(keras.layers.Dense(128, activation="relu"))
    model.add(keras.layers.Dropout(rate))
    model.add(keras.layers.Dense(128, activation="relu"))
    model.add(keras.layers.Dropout(rate))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
