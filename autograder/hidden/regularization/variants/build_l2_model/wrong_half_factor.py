# expect: l2_half_factor
def build_l2_model(input_dim, ratio=0.001):
    def penalty(w):
        return ratio * tf.nn.l2_loss(w)

    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
