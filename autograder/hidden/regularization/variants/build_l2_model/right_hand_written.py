def build_l2_model(input_dim, ratio=0.001):
    def penalty(w):
        return ratio * tf.reduce_sum(tf.square(w))

    inputs = keras.Input((input_dim,))
    hidden = keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty)(inputs)
    hidden = keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty)(hidden)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
