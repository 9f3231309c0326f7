def best_epoch(val_losses):
    losses = list(val_losses)
    return min(range(len(losses)), key=lambda i: losses[i]) + 1
