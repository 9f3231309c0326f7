def best_epoch(val_losses):
    return val_losses.index(min(val_losses)) + 1
