def sigmoid(x):
    x = np.array(x, dtype=float).ravel()
    return 1 / (1 + np.exp(-x))
