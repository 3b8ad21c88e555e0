"""One meeting in a SQLite database of its own, run in a child process by test_storage.py:

    python -m ganbu.ballots.tests.sqlite_meeting migrate
    python -m ganbu.ballots.tests.sqlite_meeting meeting SPEC.json

The environment names the database (`DATABASE_URL`, `GANBU_VAR_DIR`, `SECRET_KEY`, a fixed
`PYTHONHASHSEED`). Everything happens at frozen times with deterministic codes, slots and password
salts, as in test_anonymity.py; time passes only while members claim and ballots are cast. Two runs
therefore differ only by what the spec says: the order in which members claim, the order of the
votes and which code casts which ballot.

The meeting: a 常委会票决 of 7 members who claim their codes on 「我的表决」 and vote (member i always
votes the same way, whatever the order), and two sessions voted with printed codes (a 票决 and a
民主推荐 with written-in names, the ballots of test_anonymity.py). All three are closed and sealed,
then the database file is copied as it stands, with the server's connection still open, to
`SPEC["out"]`; the size of the WAL file at that moment is printed as JSON.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MEMBERS = 7


def _member_answer(index: int) -> dict[str, str]:
    return {"张三": "同意" if index % 3 else "不同意"}


def _deterministic() -> None:
    """Codes, slot placeholders, the slot chosen for a claim and password salts from seeded generators."""
    from django.conf import settings
    from django.contrib.auth import hashers

    from ganbu.ballots import codes
    from ganbu.ballots.services import issuing

    rng = random.Random(7)
    codes.random_body = lambda: "".join(rng.choice(codes.ALPHABET) for _ in range(13))
    slot_rng = random.Random(5)
    issuing.secrets.choice = lambda seq: seq[slot_rng.randrange(len(seq))]
    issuing.codes.placeholder_digest = lambda: f"{slot_rng.getrandbits(256):064x}"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashers.MD5PasswordHasher.salt = lambda self: "fixedsalt"  # type: ignore[method-assign]


def migrate() -> None:
    import time_machine
    from django.core.management import call_command
    from django.db import connection

    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        call_command("migrate", verbosity=0, interactive=False)
    connection.close()  # the last connection checkpoints and removes the WAL


def meeting(spec: dict[str, Any]) -> dict[str, Any]:
    import time_machine
    from django.conf import settings
    from django.db import connection

    from ganbu.ballots import services
    from ganbu.ballots.tests.factories import nominees
    from ganbu.org import services as org_services
    from ganbu.org.models import Role, UnitKind

    _deterministic()
    with time_machine.travel(T0, tick=False):
        county = org_services.unit_create(
            code="C", name="测试县", kind=UnitKind.COUNTY, parent=None, actor=None
        )
        members = [
            org_services.user_create(
                username=f"member{i}", role=Role.COMMITTEE, scope_unit=county, password="x" * 12, actor=None
            )[0]
            for i in range(MEMBERS)
        ]
        committee = services.session_create(
            unit=county,
            title="常委会票决（表决成员）",
            kind="approval",
            subjects=nominees("张三"),
            groups=[services.GroupSpec("常委", expected=MEMBERS)],
            actor=None,
        )
        services.member_slots_create(
            session=committee, group=committee.groups.get(), users=members, actor=None
        )
        approval = services.session_create(
            unit=county,
            title="常委会票决",
            kind="approval",
            subjects=nominees("张三", "李四"),
            groups=[services.GroupSpec("常委", expected=11)],
            actor=None,
        )
        recommendation = services.session_create(
            unit=county,
            title="民主推荐",
            kind="recommendation",
            subjects=nominees("甲", "乙", "丙"),
            groups=[services.GroupSpec("乡镇干部", expected=40)],
            max_choices=2,
            allow_write_in=True,
            actor=None,
        )
        printed = {"approval": approval, "recommendation": recommendation}
        issued = {
            name: sorted(
                services.codes_issue(
                    session=s, group=s.groups.get(), count=len(spec["ballots"][name]), actor=None
                )
            )
            for name, s in printed.items()
        }
        for s in (committee, approval, recommendation):
            s.refresh_from_db()
            services.session_open(session=s, actor=None)
    with time_machine.travel(T0 + timedelta(hours=1), tick=True):  # real time passes while voting
        claimed = {i: services.member_code_claim(session=committee, user=members[i]) for i in spec["claims"]}
        for i in spec["member_votes"]:
            services.ballot_cast(code=claimed[i], answers=_member_answer(i))
        for name, index in spec["order"]:
            answers = spec["ballots"][name][spec["assign"][name][index]]
            services.ballot_cast(code=issued[name][index], answers=answers)
    if spec.get("voted_out"):  # a copy taken during voting, once the WAL is checkpointed
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(Path(str(settings.DATABASES["default"]["NAME"])), spec["voted_out"])
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        for s in (committee, approval, recommendation):
            s.refresh_from_db()
            services.session_close(session=s, actor=None)
            services.session_seal(session=s, actor=None)
    database = Path(str(settings.DATABASES["default"]["NAME"]))
    wal = database.with_name(database.name + "-wal")
    shutil.copyfile(database, spec["out"])  # as an attacker would copy it, the server still running
    report = {"wal_bytes": wal.stat().st_size if wal.exists() else None}
    connection.close()
    return report


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ganbu.settings")
    import django

    django.setup()
    if argv[1] == "migrate":
        migrate()
    else:
        print(json.dumps(meeting(json.loads(Path(argv[2]).read_text()))))


if __name__ == "__main__":
    main(sys.argv)
