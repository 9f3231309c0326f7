# expect: dropout_reuses_mask
def dropout_forward(x, rate, training=True):
    if not training:
        return x
    rng = np.random.default_rng(0)
    keep = rng.random(x.shape) >= rate
    return x * keep / (1 - rate)
