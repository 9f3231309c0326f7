# expect: dropout_modifies_input
def dropout_forward(x, rate, training=True):
    if not training:
        return x
    drop = np.random.rand(*x.shape) < rate
    x[drop] = 0
    x /= 1 - rate
    return x
