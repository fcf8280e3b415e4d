import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
application = get_wsgi_application()

# The ~135,000 objects made while loading the project (modules, URL patterns, models, translations)
# live as long as the worker. Frozen, Python's full garbage collections no longer walk them: a full
# collection in a worker went from ~55 ms to ~5 ms, a pause every thread of that worker waited on
# (issue 17; gc.freeze in the Python documentation). Garbage from the loading is collected first.
gc.collect()
gc.freeze()
