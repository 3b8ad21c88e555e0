"""Error codes of the registry. Services raise `ValidationError({field: message}, code=CODE)` with a
Chinese message naming the field; imports report (行号, 列名, 原因) instead (`imports/`)."""

from __future__ import annotations

CADRE_INVALID = "cadre_invalid"  # the cadre record (services.validate_cadre)
EDUCATION_INVALID = "education_invalid"
APPOINTMENT_INVALID = "appointment_invalid"
RANK_INVALID = "rank_invalid"
REWARD_INVALID = "reward_invalid"
ASSESSMENT_INVALID = "assessment_invalid"
FAMILY_INVALID = "family_invalid"
PHOTO_TOO_LARGE = "photo_too_large"
PHOTO_TYPE = "photo_type"  # not a JPEG or PNG image (also: damaged, truncated)
PHOTO_PIXELS = "photo_pixels"  # more pixels than PHOTO_MAX_PIXELS (a decompression bomb)
ACCOUNT_TAKEN = "account_taken"  # the login is already linked to another cadre
EVALUATION_RECORD_INVALID = "evaluation_record_invalid"
ID_LOOKUP_LIMITED = "id_lookup_limited"  # more searches by 身份证号 than rules.ID_LOOKUP_MAX
ID_LOOKUP_FORBIDDEN = "id_lookup_forbidden"  # a role without cadres.view_sensitive

# The code of each kind of sub-record (services.RECORD_KINDS).
RECORD_INVALID = {
    "education": EDUCATION_INVALID,
    "appointment": APPOINTMENT_INVALID,
    "rank": RANK_INVALID,
    "reward": REWARD_INVALID,
    "assessment": ASSESSMENT_INVALID,
    "family": FAMILY_INVALID,
}
