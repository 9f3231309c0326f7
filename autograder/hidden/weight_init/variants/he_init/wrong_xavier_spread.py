# expect: he_uses_xavier_spread
def he_init(n_in, n_out):
    return np.random.randn(n_in, n_out) / np.sqrt(n_in)
