def l2_penalty(weights, lam):
    return lam * sum(np.linalg.norm(w) ** 2 for w in weights)
