# expect: he_halves_instead_of_doubles
def he_init(n_in, n_out):
    return np.random.randn(n_in, n_out) / np.sqrt(2 * n_in)
