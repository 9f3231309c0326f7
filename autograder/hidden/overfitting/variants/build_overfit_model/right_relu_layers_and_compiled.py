def build_overfit_model(input_dim):
    model = keras.Sequential([keras.Input((input_dim,))])
    for _ in range(5):
        model.add(keras.layers.Dense(200))
        model.add(keras.layers.ReLU())
    model.add(keras.layers.Dense(1))
    model.add(keras.layers.Activation("sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model
