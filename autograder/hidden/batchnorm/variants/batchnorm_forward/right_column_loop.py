def batchnorm_forward(x, gamma, beta, eps=1e-5):
    out = np.empty_like(x, dtype=float)
    for j in range(x.shape[1]):
        col = x[:, j]
        out[:, j] = gamma[j] * (col - col.mean()) / np.sqrt(col.var() + eps) + beta[j]
    return out
