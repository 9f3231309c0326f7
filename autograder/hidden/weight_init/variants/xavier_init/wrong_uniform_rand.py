# expect: uses_uniform_rand
def xavier_init(n_in, n_out):
    return np.random.rand(n_in, n_out) / np.sqrt(n_in)
