def relu(x):
    return np.abs(x)
