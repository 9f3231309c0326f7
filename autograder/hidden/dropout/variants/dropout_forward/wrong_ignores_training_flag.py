# expect: dropout_at_test_time
def dropout_forward(x, rate, training=True):
    mask = np.random.binomial(1, 1 - rate, size=x.shape)
    return x * mask / (1 - rate)
