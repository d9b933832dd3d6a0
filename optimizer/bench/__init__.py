"""Benchmark harness: standard instance sets, engines side by side, gaps to best-known."""
