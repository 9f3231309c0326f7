def best_epoch(val_losses):
    best = 1
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < val_losses[best - 1]:
            best = epoch
    return best
