# expect: he_sqrt2_over_n
def he_init(n_in, n_out):
    return np.random.randn(n_in, n_out) * np.sqrt(2) / n_in
