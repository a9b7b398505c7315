"""One module per mutation; `base` turns domain errors into `userErrors`."""
