# expect: relu_modifies_input
def relu(x):
    x[x < 0] = 0
    return x
