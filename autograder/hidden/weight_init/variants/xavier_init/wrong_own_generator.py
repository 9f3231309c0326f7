# expect: ignores_np_random_seed
def xavier_init(n_in, n_out):
    rng = np.random.default_rng()
    return rng.normal(0, 1 / np.sqrt(n_in), size=(n_in, n_out))
