"""The practice server: one PostgreSQL database that every workstation of a practice reads and writes.

`connection` (where the server is and how to reach it safely), `store` (an open server, shaped like the
local store so the same services run on it), `cluster` (a private PostgreSQL for tests and the demo).
"""
