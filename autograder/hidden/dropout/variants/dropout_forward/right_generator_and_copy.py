def dropout_forward(x, rate, training=True):
    if not training:
        return x.copy()
    keep_prob = 1.0 - rate
    keep = np.random.default_rng().uniform(size=x.shape) < keep_prob
    return x * keep / keep_prob
