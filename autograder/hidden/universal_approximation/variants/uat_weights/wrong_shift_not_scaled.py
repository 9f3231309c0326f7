def uat_weights(f, a, b, n_bumps):
    points = np.linspace(a, b, n_bumps)
    values = f(points)
    k = 20 * (n_bumps - 1) / (b - a)
    midpoints = (points[1:] + points[:-1]) / 2
    return np.full(n_bumps - 1, k), -midpoints, np.diff(values), float(values[0])
