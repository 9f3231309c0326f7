def xavier_init(n_in, n_out):
    return np.random.standard_normal((n_in, n_out)) * (1 / n_in) ** 0.5
