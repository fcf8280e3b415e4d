# English UI keeps Vietnamese conventions for dates (dd/mm/yyyy) so that documents and screens
# agree; numbers use "." for thousands as in Vietnamese official documents.
from ocop.formats.vi.formats import *  # noqa: F401,F403

DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
