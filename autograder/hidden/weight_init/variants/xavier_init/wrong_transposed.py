# expect: init_shape_swapped
def xavier_init(n_in, n_out):
    return np.random.randn(n_out, n_in) / np.sqrt(n_in)
