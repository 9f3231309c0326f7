def l1_penalty(weights, lam):
    total = 0.0
    for w in weights:
        total += np.sum(np.abs(w))
    return lam * total
