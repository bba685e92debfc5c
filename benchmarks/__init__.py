"""Benchmarks of briefgen against reference systems on the shared dev corpus (not shipped)."""
