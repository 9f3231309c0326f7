def sigmoid_bump(x, left, right, height, steepness=100.0):
    up = logistic(steepness * x - steepness * left)
    down = logistic(steepness * x - steepness * right)
    return height * (up - down)
