# expect: bn_after_activation
def build_bn_model(input_dim, num_classes):
    model = keras.Sequential([keras.Input((input_dim,))])
    for units in [256, 128, 64]:
        model.add(keras.layers.Dense(units))
        model.add(keras.layers.Activation("relu"))
        model.add(keras.layers.BatchNormalization())
    model.add(keras.layers.Dense(num_classes, activation="softmax"))
    return model
