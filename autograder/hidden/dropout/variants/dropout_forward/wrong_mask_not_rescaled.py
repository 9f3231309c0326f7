# expect: dropout_not_rescaled
def dropout_forward(x, rate, training=True):
    if not training:
        return x
    mask = np.random.rand(*x.shape) > rate
    return x * mask
