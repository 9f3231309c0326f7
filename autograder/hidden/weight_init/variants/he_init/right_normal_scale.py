def he_init(n_in, n_out):
    return np.random.normal(0, np.sqrt(2 / n_in), (n_in, n_out))
