# expect: steepness_does_not_scale
def uat_weights(f, a, b, n_bumps):
    points = np.linspace(a, b, n_bumps)
    values = f(points)
    midpoints = (points[1:] + points[:-1]) / 2
    k = 10.0
    return np.full(n_bumps - 1, k), -k * midpoints, np.diff(values), float(values[0])
