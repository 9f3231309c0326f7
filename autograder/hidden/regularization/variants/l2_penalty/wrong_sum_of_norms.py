# expect: norm_not_squared
def l2_penalty(weights, lam):
    return lam * sum(np.linalg.norm(w) for w in weights)
