"""Data migration: the text stored before text was cleaned at the boundary is cleaned once
(NFC, no control characters or non-characters), so that no stored character breaks an export."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ocop.ops.textclean import clean_stored_text

    clean_stored_text(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_initial"),
        ("accounts", "0002_user_manager"),
        ("api", "0001_initial"),
        ("audit", "0001_initial"),
        ("catalogue", "0001_initial"),
        ("documents", "0002_issuer_versions"),
        ("evaluation", "0005_verification_lookup"),
        ("geo", "0002_unit_history"),
        ("notifications", "0001_initial"),
        ("products", "0003_import_batch"),
        ("programme", "0002_board_date_indexes"),
        ("reporting", "0003_deadline_rule_invalid_sources"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
