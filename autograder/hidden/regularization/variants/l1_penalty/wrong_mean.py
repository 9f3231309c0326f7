# expect: mean_not_sum
def l1_penalty(weights, lam):
    flat = np.concatenate([w.ravel() for w in weights])
    return lam * np.mean(np.abs(flat))
