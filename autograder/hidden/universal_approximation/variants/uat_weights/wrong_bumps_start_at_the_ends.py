# expect: loses_the_ends
def uat_weights(f, a, b, n_bumps):
    edges = np.linspace(a, b, n_bumps + 1)
    heights = f((edges[:-1] + edges[1:]) / 2)
    k = 20 * n_bumps / (b - a)
    W1 = np.full(2 * n_bumps, k)
    b1 = -k * np.concatenate([edges[:-1], edges[1:]])
    W2 = np.concatenate([heights, -heights])
    return W1, b1, W2, 0.0
