# expect: dropout_at_test_time
def build_dropout_model(input_dim, rate=0.3):
    return keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Lambda(lambda h: tf.nn.dropout(h, rate=rate)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
