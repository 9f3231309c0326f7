# expect: dropout_after_output
def build_dropout_model(input_dim, rate=0.3):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
        keras.layers.Dropout(rate),
    ])
