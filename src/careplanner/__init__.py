"""Care Planner: personalised care and support planning, offline and encrypted."""

__version__ = "0.1.0"
