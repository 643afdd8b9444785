"""Clinical reference data files: each has its source and licence noted in README.md."""
