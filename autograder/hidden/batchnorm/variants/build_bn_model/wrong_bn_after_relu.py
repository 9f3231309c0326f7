# expect: bn_after_activation
def build_bn_model(input_dim, num_classes):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(num_classes, activation="softmax"),
    ])
