def batchnorm_forward(x, gamma, beta, eps=1e-5):
    m = x.shape[0]
    mean = x.sum(axis=0) / m
    centred = x - mean
    var = (centred ** 2).sum(axis=0) / m
    inv_std = 1.0 / np.sqrt(var + eps)
    return gamma * centred * inv_std + beta
