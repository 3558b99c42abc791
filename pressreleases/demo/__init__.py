"""Deterministic demo content for the quick start and the benchmarks (`seed_demo`)."""

from .seeding import DemoError, SeedReport, seed_demo

__all__ = ["DemoError", "SeedReport", "seed_demo"]
