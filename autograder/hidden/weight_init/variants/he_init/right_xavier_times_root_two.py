def he_init(n_in, n_out):
    std = np.sqrt(2) / np.sqrt(n_in)
    return std * np.random.randn(n_in, n_out)
