def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = np.mean(x, axis=0, keepdims=True)
    sigma = np.sqrt(np.mean((x - mu) ** 2, axis=0, keepdims=True) + eps)
    x_hat = (x - mu) / sigma
    return x_hat * gamma + beta
