# expect: dropout_scaled_at_test_time
def dropout_forward(x, rate, training=True):
    if training:
        return x * (np.random.rand(*x.shape) >= rate)
    return x * (1 - rate)
