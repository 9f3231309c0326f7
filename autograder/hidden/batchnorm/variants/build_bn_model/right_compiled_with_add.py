def build_bn_model(input_dim, num_classes):
    model = keras.Sequential()
    model.add(keras.Input((input_dim,)))
    for units in [256, 128, 64]:
        model.add(keras.layers.Dense(units, activation=None))
        model.add(keras.layers.BatchNormalization())
        model.add(keras.layers.Activation(keras.activations.relu))
    model.add(keras.layers.Dense(num_classes))
    model.add(keras.layers.Activation("softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
