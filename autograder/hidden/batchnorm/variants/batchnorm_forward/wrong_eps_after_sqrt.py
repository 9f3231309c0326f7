# expect: batchnorm_eps_outside_sqrt
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    std = x.std(axis=0)
    return gamma * (x - mu) / (std + eps) + beta
