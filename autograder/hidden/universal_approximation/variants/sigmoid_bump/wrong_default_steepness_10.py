def sigmoid_bump(x, left, right, height, steepness=10.0):
    return height * (logistic(steepness * (x - left)) - logistic(steepness * (x - right)))
