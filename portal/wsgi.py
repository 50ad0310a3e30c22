import os

from django.core.wsgi import get_wsgi_application

# No PORTAL_ENV default here: the settings then mean production, which refuses to start
# without its secrets and never turns DEBUG on (manage.py is where development is chosen).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()
