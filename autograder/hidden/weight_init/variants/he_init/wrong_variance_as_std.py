# expect: variance_used_as_std
def he_init(n_in, n_out):
    return np.random.randn(n_in, n_out) * 2 / n_in
