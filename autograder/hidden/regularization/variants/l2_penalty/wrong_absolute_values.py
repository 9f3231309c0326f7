# expect: abs_not_square
def l2_penalty(weights, lam):
    return lam * sum(np.abs(w).sum() for w in weights)
