"""Helpers shared by commands: opening the store the way the global options say."""

from __future__ import annotations

import argparse
from datetime import date

from careplanner.app import AppContext, open_context, paths_for, read_passphrase_file, setup_logging
from careplanner.services.errors import ValidationError


def open_from_args(args: argparse.Namespace, *, create: bool = True) -> AppContext:
    paths = paths_for(args.data_dir)
    passphrase = read_passphrase_file(args.passphrase_file) if args.passphrase_file else None
    if create:
        paths.ensure()
    if paths.log_dir.parent.exists():
        setup_logging(paths, verbose=getattr(args, "verbose", False))
    return open_context(paths, passphrase=passphrase, create=create)


def parse_date_arg(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({field: f"'{text}' is not a date: use YYYY-MM-DD."}) from None
