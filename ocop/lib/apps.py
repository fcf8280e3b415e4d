from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "ocop.lib"
    label = "ocoplib"

    def ready(self):
        from django.db.backends.signals import connection_created

        from ocop.lib import text

        connection_created.connect(text.register_sqlite_functions, dispatch_uid="ocop_fold")
        text.install_form_cleaning()  # every form text field cleans its input (NFC, no control characters)
