"""Benchmarks that need more than the bundled bulletins: ``bench.scale`` (issue 10) and its corpus generator."""
