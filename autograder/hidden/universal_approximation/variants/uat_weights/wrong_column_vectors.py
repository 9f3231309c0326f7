def uat_weights(f, a, b, n_bumps):
    points = np.linspace(a, b, n_bumps)
    values = f(points)
    k = 20 * (n_bumps - 1) / (b - a)
    midpoints = (points[1:] + points[:-1]) / 2
    W1 = np.full((n_bumps - 1, 1), k)
    b1 = (-k * midpoints).reshape(-1, 1)
    W2 = np.diff(values).reshape(-1, 1)
    return W1, b1, W2, float(values[0])
