# expect: batchnorm_modifies_input
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    var = x.var(axis=0)
    x -= x.mean(axis=0)
    x /= np.sqrt(var + eps)
    return gamma * x + beta
