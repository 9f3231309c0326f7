def sigmoid(x):
    return np.tanh(x)
