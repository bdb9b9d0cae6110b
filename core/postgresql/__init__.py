"""The project's database backend: Django's PostgreSQL backend and one addition (base.py)."""
