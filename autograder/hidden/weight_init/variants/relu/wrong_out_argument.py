# expect: relu_modifies_input
def relu(x):
    return np.maximum(x, 0, out=x)
