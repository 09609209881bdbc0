"""hpy-matrix: HPy universal binaries on CPython through hpy-matrix's own context."""
