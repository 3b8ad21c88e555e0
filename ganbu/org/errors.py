"""Error codes of the organisation app. Services raise `ValidationError({field: message},
code=CODE)` with a Chinese message naming the field; the pages show it next to the field."""

from __future__ import annotations

UNIT_CODE_INVALID = "unit_code_invalid"  # a unit code with a "/" (the path separator)
UNIT_PARENT_INVALID = "unit_parent_invalid"  # this kind of unit cannot sit under that parent
UNIT_HOUSEHOLDS_INVALID = "unit_households_invalid"  # households only for villages and communities
POST_TEAM_UNIT_MISMATCH = "post_team_unit_mismatch"  # a post's team belongs to another unit
POST_LEVEL_INVALID = "post_level_invalid"  # a 职务层次 code not in the code table
USER_ROLE_INVALID = "user_role_invalid"
USER_SCOPE_MISSING = "user_scope_missing"  # every account but a superuser has a scope unit
CALENDAR_NOTE_TOO_LONG = "calendar_note_too_long"
USER_NAME_TAKEN = "user_name_taken"  # a login already used (case-insensitive)
USER_NAME_INVALID = "user_name_invalid"  # a login that is not letters, digits, . _ -
USER_OUT_OF_SCOPE = "user_out_of_scope"  # an account or a scope unit outside the administrator's scope
USER_SELF = "user_self"  # an administrator disabling or demoting their own account
USER_SUPERUSER = "user_superuser"  # only a system administrator manages system administrators
