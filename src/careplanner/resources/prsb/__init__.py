"""PRSB data sets (PCSP v2, PEOLC v1.1) and the PCSP v2 conformance map; see README.md."""
