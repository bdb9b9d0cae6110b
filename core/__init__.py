"""The shared kernel: plain code every app may import, which imports no app of the project."""
