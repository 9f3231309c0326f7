# expect: variance_used_as_std
def xavier_init(n_in, n_out):
    return np.random.randn(n_in, n_out) / n_in
