"""Error codes of the audit app. Services raise `ValidationError(message, code=CODE)` with a Chinese
message; commands print it."""

from __future__ import annotations

NOT_POSTGRESQL = "not_postgresql"  # database roles are a PostgreSQL setup
ROLE_NAME = "role_name"  # not a plain role name
ROLE_MISSING = "role_missing"
ROLE_TOO_STRONG = "role_too_strong"  # superuser, the owner, a member of the owner, owns a table
PRIVILEGE_LEFT = "privilege_left"  # after granting, the role may still change the audit table
