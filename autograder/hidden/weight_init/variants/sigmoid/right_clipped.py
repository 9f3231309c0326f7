def sigmoid(x):
    z = np.clip(x, -500, 500)
    return 1.0 / (1.0 + np.exp(-z))
