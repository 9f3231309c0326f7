def l1_penalty(weights, lam):
    flat = np.concatenate([np.ravel(w) for w in weights])
    return lam * np.abs(flat).sum()
