# expect: bump_overflows
def sigmoid_bump(x, left, right, height, steepness=100.0):
    s = lambda z: np.exp(z) / (1 + np.exp(z))
    return height * (s(steepness * (x - left)) - s(steepness * (x - right)))
