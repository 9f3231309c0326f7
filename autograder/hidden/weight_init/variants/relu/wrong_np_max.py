# expect: relu_uses_np_max
def relu(x):
    return np.max(x, 0)
