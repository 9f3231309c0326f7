# expect: lambda_missing
def l1_penalty(weights, lam):
    total = 0.0
    for w in weights:
        total += np.abs(w).sum()
    return total
