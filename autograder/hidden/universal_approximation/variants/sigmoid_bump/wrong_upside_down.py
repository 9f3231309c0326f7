# expect: bump_upside_down
def sigmoid_bump(x, left, right, height, steepness=100.0):
    return height * (logistic(steepness * (x - right)) - logistic(steepness * (x - left)))
