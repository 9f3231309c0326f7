# expect: fixed_seed_inside
def xavier_init(n_in, n_out):
    np.random.seed(100)
    return np.random.randn(n_in, n_out) / np.sqrt(n_in)
