# expect: batchnorm_unbiased_variance
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mean = np.mean(x, axis=0)
    var = np.var(x, axis=0, ddof=1)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
