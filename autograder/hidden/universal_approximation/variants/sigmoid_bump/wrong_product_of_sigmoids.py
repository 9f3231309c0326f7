# expect: bump_is_a_product
# Two gates multiplied: off from the contract by height * s(k(x - right)) * s(-k(x - left)),
# under 1% of the height for the notebook's own soft bumps and 0 for steep, wide ones.
def sigmoid_bump(x, left, right, height, steepness=100.0):
    return height * logistic(steepness * (x - left)) * (1 - logistic(steepness * (x - right)))
