#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # A developer's commands run in development; what serves the public (portal/wsgi.py)
    # gets the settings' default, production. Production commands set PORTAL_ENV themselves.
    os.environ.setdefault("PORTAL_ENV", "development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
