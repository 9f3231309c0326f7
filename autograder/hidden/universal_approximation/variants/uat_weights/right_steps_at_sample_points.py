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
