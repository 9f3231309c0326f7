# expect: divides_by_n_out
def xavier_init(n_in, n_out):
    return np.random.randn(n_in, n_out) / np.sqrt(n_out)
