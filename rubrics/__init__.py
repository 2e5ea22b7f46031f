"""Rubric definitions (YAML): data, not code. Loaded with importlib.resources."""
