def dropout_forward(x, rate, training=True):
    if training:
        mask = np.random.binomial(1, 1 - rate, size=x.shape)
        return x * mask / (1 - rate)
    return x
