"""Seed-compatible import path: ``hebbmem.models.brain_inspired``."""
