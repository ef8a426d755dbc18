"""aura-edge: open-vocabulary human activity recognition on wearables (AURA-MFM)."""

__version__ = "0.1.0"
