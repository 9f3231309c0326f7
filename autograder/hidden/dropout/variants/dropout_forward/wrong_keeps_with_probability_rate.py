# expect: dropout_keeps_with_prob_rate
def dropout_forward(x, rate, training=True):
    if training:
        mask = np.random.random(x.shape) < rate
        return x * mask / (1 - rate)
    return x
