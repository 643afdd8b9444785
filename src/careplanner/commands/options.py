"""Options shared by the main parser and the commands, kept light: building the parser (and `--help`)
imports nothing of the store, the ORM or the PDF and FHIR libraries."""

from __future__ import annotations

import argparse


def add_sign_in_options(parser: argparse.ArgumentParser, *, main: bool = False) -> None:
    """`--user` and `--password-file`, accepted before the command or after it."""
    default = None if main else argparse.SUPPRESS
    parser.add_argument("--user", metavar="NAME", default=default, help="sign in as this account")
    parser.add_argument(
        "--password-file", metavar="FILE", default=default, help="the account's password (else you are asked)"
    )
