# expect: activity_not_kernel
def build_l1_model(input_dim, ratio=0.001):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", activity_regularizer=keras.regularizers.L1(ratio)),
        keras.layers.Dense(128, activation="relu", activity_regularizer=keras.regularizers.L1(ratio)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
