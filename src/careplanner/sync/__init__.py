"""Offline sync with the practice server (issue 15): a workstation's encrypted replica, its outbox and pulls.

Sync moves whole *documents* (a plan version with all its rows, a person with theirs, single reference
rows), never single rows: `documents.py` reads and writes them on either back end, `outbox.py` captures the
documents a local transaction touched, `engine.py` pushes then pulls, `server_side.py` answers on the
server. The design and the contracts between the parts: docs/architecture.md.
"""
