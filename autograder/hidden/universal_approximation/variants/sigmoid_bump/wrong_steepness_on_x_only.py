# expect: steepness_not_on_shift
def sigmoid_bump(x, left, right, height, steepness=100.0):
    return height * (logistic(steepness * x - left) - logistic(steepness * x - right))
