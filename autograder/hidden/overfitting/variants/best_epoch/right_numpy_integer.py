def best_epoch(val_losses):
    return np.argmin(np.asarray(val_losses)) + 1
