def sigmoid_bump(x, left, right, height, steepness=100.0):
    def s(z):
        z = np.clip(z, -500, 500)
        return 1 / (1 + np.exp(-z))
    x = np.asarray(x, dtype=float)
    return height * (s(steepness * (x - left)) - s(steepness * (x - right)))
