"""Kumo's embedded AWS emulator: moto in server mode, patched where moto
departs from what the AWS API reference documents, with a request log that
tests and benchmarks read to count API calls."""
