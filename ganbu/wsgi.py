import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ganbu.settings")
application = get_wsgi_application()


def _refuse_wide_data_files() -> None:
    """gunicorn runs no system checks: in production, refuse to serve with personal data readable
    by other users of the machine (core/checks.py, check_private_files)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from ganbu.core.checks import check_private_files

    if settings.PRODUCTION:
        problems = check_private_files()
        if problems:
            raise ImproperlyConfigured(f"{problems[0].msg}；{problems[0].hint}")


_refuse_wide_data_files()
