"""Operations: backups and restore, retention and archival, database health, replica routing, logging.

Interfaces live elsewhere in the `config` app: management commands in config/management/commands/,
periodic tasks in config/tasks.py, the health endpoints in config/health_views.py. docs/operations.md
is the runbook.
"""
