# expect: sigmoid_overflows
def sigmoid(x):
    return np.exp(x) / (1 + np.exp(x))
