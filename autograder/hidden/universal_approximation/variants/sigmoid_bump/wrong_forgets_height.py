def sigmoid_bump(x, left, right, height, steepness=100.0):
    return logistic(steepness * (x - left)) - logistic(steepness * (x - right))
