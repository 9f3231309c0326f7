# expect: uses_uniform_distribution
def he_init(n_in, n_out):
    limit = np.sqrt(6 / n_in)
    return np.random.uniform(-limit, limit, size=(n_in, n_out))
