"""Student-like solutions for universal_approximation: WRONG ones must lose points
on their own function (naming the KnownMistake when one is given), RIGHT ones get
full marks.  `logistic` is the overflow-free sigmoid of the notebook's setup cell."""

WRONG = {
    "sigmoid_bump": {
        "upside_down": {"code": """\
def sigmoid_bump(x, left, right, height, steepness=100.0):
    return height * (logistic(steepness * (x - right)) - logistic(steepness * (x - left)))
""", "mistake": "bump_upside_down"},
        "own_overflowing_sigmoid": {"code": """\
def sigmoid_bump(x, left, right, height, steepness=100.0):
    s = lambda z: np.exp(z) / (1 + np.exp(z))
    return height * (s(steepness * (x - left)) - s(steepness * (x - right)))
""", "mistake": "bump_overflows"},
        "steepness_on_x_only": {"code": """\
def sigmoid_bump(x, left, right, height, steepness=100.0):
    return height * (logistic(steepness * x - left) - logistic(steepness * x - right))
""", "mistake": "steepness_not_on_shift"},
        "default_steepness_10": {"code": """\
def sigmoid_bump(x, left, right, height, steepness=10.0):
    return height * (logistic(steepness * (x - left)) - logistic(steepness * (x - right)))
""", "mistake": None},
        "forgets_height": {"code": """\
def sigmoid_bump(x, left, right, height, steepness=100.0):
    return logistic(steepness * (x - left)) - logistic(steepness * (x - right))
""", "mistake": None},
    },
    "uat_weights": {
        "no_output_bias": {"code": """\
def uat_weights(f, a, b, n_bumps):
    points = np.linspace(a, b, n_bumps)
    values = f(points)
    k = 20 * (n_bumps - 1) / (b - a)
    midpoints = (points[1:] + points[:-1]) / 2
    return np.full(n_bumps - 1, k), -k * midpoints, np.diff(values), 0.0
""", "mistake": "missing_output_bias"},
        "bumps_start_at_the_ends": {"code": """\
def uat_weights(f, a, b, n_bumps):
    edges = np.linspace(a, b, n_bumps + 1)
    heights = f((edges[:-1] + edges[1:]) / 2)
    k = 20 * n_bumps / (b - a)
    W1 = np.full(2 * n_bumps, k)
    b1 = -k * np.concatenate([edges[:-1], edges[1:]])
    W2 = np.concatenate([heights, -heights])
    return W1, b1, W2, 0.0
""", "mistake": "loses_the_ends"},
        "fixed_steepness": {"code": """\
def uat_weights(f, a, b, n_bumps):
    points = np.linspace(a, b, n_bumps)
    values = f(points)
    midpoints = (points[1:] + points[:-1]) / 2
    k = 10.0
    return np.full(n_bumps - 1, k), -k * midpoints, np.diff(values), float(values[0])
""", "mistake": "steepness_does_not_scale"},
        "heights_not_differences": {"code": """\
def uat_weights(f, a, b, n_bumps):
    points = np.linspace(a, b, n_bumps)
    values = f(points)
    k = 20 * (n_bumps - 1) / (b - a)
    midpoints = (points[1:] + points[:-1]) / 2
    return np.full(n_bumps - 1, k), -k * midpoints, values[1:], float(values[0])
""", "mistake": None},
        "shift_not_scaled": {"code": """\
def uat_weights(f, a, b, n_bumps):
    points = np.linspace(a, b, n_bumps)
    values = f(points)
    k = 20 * (n_bumps - 1) / (b - a)
    midpoints = (points[1:] + points[:-1]) / 2
    return np.full(n_bumps - 1, k), -midpoints, np.diff(values), float(values[0])
""", "mistake": None},
        "column_vectors": {"code": """\
def uat_weights(f, a, b, n_bumps):
    points = np.linspace(a, b, n_bumps)
    values = f(points)
    k = 20 * (n_bumps - 1) / (b - a)
    midpoints = (points[1:] + points[:-1]) / 2
    W1 = np.full((n_bumps - 1, 1), k)
    b1 = (-k * midpoints).reshape(-1, 1)
    W2 = np.diff(values).reshape(-1, 1)
    return W1, b1, W2, float(values[0])
""", "mistake": None},
    },
}

RIGHT = {
    "sigmoid_bump": {
        "two_neurons": """\
def sigmoid_bump(x, left, right, height, steepness=100.0):
    up = logistic(steepness * x - steepness * left)
    down = logistic(steepness * x - steepness * right)
    return height * (up - down)
""",
        "stable_by_hand": """\
def sigmoid_bump(x, left, right, height, steepness=100.0):
    def s(z):
        z = np.clip(z, -500, 500)
        return 1 / (1 + np.exp(-z))
    x = np.asarray(x, dtype=float)
    return height * (s(steepness * (x - left)) - s(steepness * (x - right)))
""",
    },
    "uat_weights": {
        "row_of_bumps": """\
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
""",
        "steps_at_sample_points": """\
def uat_weights(f, a, b, n_bumps):
    xs = np.linspace(a, b, n_bumps)
    ys = f(xs)
    k = 50 * n_bumps / (b - a)
    W1, b1, W2 = [], [], []
    for i in range(1, n_bumps):
        W1.append(k)
        b1.append(-k * xs[i])
        W2.append(ys[i] - ys[i - 1])
    return np.array(W1), np.array(b1), np.array(W2), ys[0]
""",
    },
}

# Written answers the sample class gives: one sound, one weak (a grader decides their points).
ANSWERS = {
    "answer_why_deep": {
        "sound": """\
One layer is enough in principle, but it may need a huge number of neurons: each bump in this
notebook cost two neurons for one small piece of the curve. Deep networks reuse the features of
earlier layers, so they reach the same accuracy with far fewer parameters.
""",
        "weak": """\
Deep networks are more modern and GPUs make them fast.
""",
    },
}
