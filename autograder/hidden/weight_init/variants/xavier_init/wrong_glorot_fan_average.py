# expect: uses_glorot_fan_average
def xavier_init(n_in, n_out):
    return np.random.randn(n_in, n_out) * np.sqrt(2 / (n_in + n_out))
