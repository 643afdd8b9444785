"""One module per command-line command (see `careplanner.cli`)."""
