def uat_weights(f, a, b, n_bumps):
    points = np.linspace(a, b, n_bumps)
    h = (b - a) / (n_bumps - 1)
    edges = np.concatenate([[a - h / 2], (points[1:] + points[:-1]) / 2, [b + h / 2]])
    heights = np.array([f(p) for p in points])
    k = 20 / h
    W1 = np.full(2 * n_bumps, k)
    b1 = -k * np.concatenate([edges[:-1], edges[1:]])
    W2 = np.concatenate([heights, -heights])
    return W1, b1, W2, 0.0
