"""Strawberry types of the public contract, one module per area."""
