# expect: batchnorm_without_eps
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    x_hat = (x - x.mean(axis=0)) / x.std(axis=0)
    return gamma * x_hat + beta
